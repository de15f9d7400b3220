import { PolicyResource, PolicyResourceOptions, ResourceValidationArgs, unknownCheckingProxy, UnknownValueError } from "@pulumi/policy";
import { policies } from "../../policy/policies";

/**
 * The policy pack run as the engine runs it, for tests: every policy on one resource (analyze), or
 * every stack check over a stack's resources (analyzeStack).
 */

export interface Violation {
    policy: string;
    message: string;
    /** The resource a stack check names (stack checks only). */
    urn?: string;
}

export interface CheckOptions {
    name?: string;
    config?: Record<string, Record<string, unknown>>;
    additionalSecretOutputs?: string[];
}

const policyOptions = (additionalSecretOutputs: string[] = []): PolicyResourceOptions => ({
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs,
});
export const urnOf = (type: string, name: string) => `urn:pulumi:dev::vault-k8s-auth::${type}::${name}`;

/**
 * Runs every policy of the pack on one resource, as @pulumi/policy's analyze handler does: props behind
 * its unknown-checking proxy, each validation on its own, and a read of a value unknown at preview
 * turned into a "can't run" note instead of a violation.
 */
export async function check(type: string, props: Record<string, unknown>, options: CheckOptions = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    const opts = policyOptions(options.additionalSecretOutputs);
    for (const policy of policies) {
        if (!("validateResource" in policy) || policy.validateResource === undefined) continue;
        const validations = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
        for (const validate of validations) {
            const name = options.name ?? "test";
            const args: ResourceValidationArgs = {
                type,
                props: unknownCheckingProxy(structuredClone(props)),
                urn: urnOf(type, name),
                name,
                opts,
                stackTags: new Map(),
                isType: () => false,
                asType: () => undefined,
                getConfig: <T extends object>() => (options.config?.[policy.name] ?? {}) as T,
                notApplicable: (reason?: string) => {
                    throw new Error(`notApplicable: ${reason}`);
                },
            };
            try {
                await validate(args, (message) => violations.push({ policy: policy.name, message }));
            } catch (e) {
                if (!(e instanceof UnknownValueError)) throw e;
                violations.push({ policy: policy.name, message: `can't run during preview: ${(e as Error).message}` });
            }
        }
    }
    return violations;
}

/** A resource of the stack as a stack check sees it: its outputs (here: its props) under a name. */
export interface StackResource {
    type: string;
    name: string;
    props: Record<string, unknown>;
}

/**
 * Runs every stack check of the pack over the given resources, as @pulumi/policy's analyzeStack
 * handler does at the end of a preview: each resource's props behind the unknown-checking proxy, a
 * read of a value unknown at preview turned into a "can't run" note.
 */
export async function checkStack(resources: StackResource[], options: { config?: CheckOptions["config"] } = {}): Promise<Violation[]> {
    const violations: Violation[] = [];
    for (const policy of policies) {
        if (!("validateStack" in policy) || typeof policy.validateStack !== "function") continue;
        const stackResources: PolicyResource[] = resources.map((r) => {
            const props = unknownCheckingProxy(structuredClone(r.props));
            return {
                type: r.type,
                name: r.name,
                urn: urnOf(r.type, r.name),
                props,
                opts: policyOptions(),
                dependencies: [],
                propertyDependencies: {},
                isType: () => false,
                asType: () => undefined,
            };
        });
        try {
            await policy.validateStack(
                {
                    resources: stackResources,
                    stackTags: new Map(),
                    getConfig: <T extends object>() => (options.config?.[policy.name] ?? {}) as T,
                    notApplicable: (reason?: string) => {
                        throw new Error(`notApplicable: ${reason}`);
                    },
                },
                (message, urn) => violations.push({ policy: policy.name, message, urn }),
            );
        } catch (e) {
            if (!(e instanceof UnknownValueError)) throw e;
            violations.push({ policy: policy.name, message: `can't run during preview: ${(e as Error).message}` });
        }
    }
    return violations;
}
