import * as pulumi from "@pulumi/pulumi";

/**
 * Invalid input, found before anything is registered: every problem at once, each under the
 * property path as its user wrote it (an argument path in a program, a key in a stack's config).
 *
 * Every check writes a problem as `<property path>: <what is wrong>; <how to fix it>`. The message
 * lists them all; `errors` holds them per property, which the Pulumi engine shows field by field
 * when a component is used from another language (the component provider passes
 * InputPropertiesError on).
 */
export class InvalidInputError extends pulumi.InputPropertiesError {
    /** @internal Pulumi's own mark of a RunError: the Node.js host prints the message alone, without a stack trace that would bury the field and the fix. */
    readonly __pulumiRunError = true;

    constructor(headline: string, problems: readonly string[]) {
        super({ message: `${headline}:\n  - ${problems.join("\n  - ")}`, errors: problems.map(propertyErrorOf) });
        this.name = "InvalidInputError";
    }
}

/**
 * Splits a problem at the first ": " into its property path and its reason.
 * @internal
 */
export function propertyErrorOf(problem: string): pulumi.InputPropertyErrorDetails {
    const at = problem.indexOf(": ");
    return at < 0 ? { propertyPath: "", reason: problem } : { propertyPath: problem.slice(0, at), reason: problem.slice(at + 2) };
}

/**
 * Throws an InvalidInputError listing every problem, if there is any. Components call it before
 * `super()`, so that invalid input registers nothing at all, not even the component; `what`
 * names the component, e.g. `ServiceAccess "payments"`.
 * @internal
 */
export function throwIfInvalid(problems: readonly string[], what: string): void {
    if (problems.length > 0) throw new InvalidInputError(`${what}: invalid input`, problems);
}
