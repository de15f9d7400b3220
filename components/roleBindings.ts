/**
 * Who may log in with which role: the bindings of services that share one auth mount, and the check
 * that no ServiceAccount can reach two roles. The stack runs it across its services (a fleet across
 * every team's); a program can call checkBindingOverlaps itself.
 */
import type { ServiceAccessArgs } from "./serviceAccessArgs";
import { boundValuesOverlap } from "./validation";

/** Who may log in with a role: bound ServiceAccount names × bound namespaces. */
export interface RoleBinding {
    /** Where to report, e.g. `services[1] (payments)`. */
    at: string;
    names: readonly string[];
    namespaces: readonly string[];
    /** The service accepts overlaps (allowSharedServiceAccount). */
    shared?: boolean;
}

/** The binding of one service, with the component's defaults applied. */
export function bindingOf(at: string, name: string, args: ServiceAccessArgs): RoleBinding {
    const sa = args.serviceAccountName ?? name;
    return {
        at,
        names: args.boundServiceAccountNames ?? [sa],
        namespaces: args.boundServiceAccountNamespaces ?? [args.namespace],
        shared: args.allowSharedServiceAccount,
    };
}

/**
 * One account, one role: reports every pair of roles on the same auth mount that one
 * ServiceAccount could log in to, unless both services accept sharing.
 */
export function checkBindingOverlaps(bindings: readonly RoleBinding[]): string[] {
    const errors: string[] = [];
    for (const [i, j] of bindingPairsToCompare(bindings)) {
        const [a, b] = [bindings[i], bindings[j]];
        if (a.shared && b.shared) continue;
        const name = a.names.find((x) => b.names.some((y) => boundValuesOverlap(x, y)));
        const ns = a.namespaces.find((x) => b.namespaces.some((y) => boundValuesOverlap(x, y)));
        if (name !== undefined && ns !== undefined) {
            errors.push(
                `${b.at}: its binding overlaps ${a.at}'s (ServiceAccount "${name}" in namespace "${ns}" could log in to both roles); give each service its own account, or set allowSharedServiceAccount: true on both.`,
            );
        }
    }
    return errors;
}

/**
 * The pairs (i < j, in order) that can overlap at all: bindings sharing a namespace, and every
 * binding with a namespace glob against all others. A fleet of 1000 services is not a million pairs.
 */
function bindingPairsToCompare(bindings: readonly RoleBinding[]): [number, number][] {
    const byNamespace = new Map<string, number[]>();
    const globs: number[] = [];
    bindings.forEach((b, i) => {
        if (b.namespaces.some((ns) => ns.includes("*"))) globs.push(i);
        else for (const ns of new Set(b.namespaces)) byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), i]);
    });
    const pairs = new Map<string, [number, number]>();
    const add = (i: number, j: number) => i !== j && pairs.set(`${Math.min(i, j)},${Math.max(i, j)}`, [Math.min(i, j), Math.max(i, j)]);
    for (const same of byNamespace.values()) same.forEach((i, k) => same.slice(k + 1).forEach((j) => add(i, j)));
    for (const g of globs) bindings.forEach((_, j) => add(g, j));
    return [...pairs.values()].sort(([a, b], [c, d]) => a - c || b - d);
}
