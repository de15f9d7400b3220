import { checkKubernetesAuthBackendValues, KubernetesAuthBackendArgs } from "../components/kubernetesAuthBackend";
import { ReviewerMode } from "../components/reviewerMode";
import { bindingOf, checkBindingOverlaps } from "../components/roleBindings";
import { ServiceAccessArgs, ServiceField, validateServiceAccessArgs } from "../components/serviceAccessArgs";
import { validateStateEncryptionKeyArgs } from "../components/stateEncryptionKey";
import { TokenReviewerArgs, validateTokenReviewerArgs } from "../components/tokenReviewer";
import { collidingPaths, FieldOf, mountsCollide } from "../components/validation";
import { ServiceConfig, StackConfig, StackWideArgs } from "./configSchema";

/**
 * The checks of a parsed stack config that its shape cannot say: each value as the components check
 * it (the same functions, under the stack's keys), and what spans several services.
 */

/** The component args of one configured service: its own fields plus the stack-wide ones. */
export function serviceArgs(s: ServiceConfig, cfg: Pick<ServiceAccessArgs, StackWideArgs>): ServiceAccessArgs {
    const { name: _name, ...rest } = s;
    return {
        ...rest,
        authPath: cfg.authPath,
        kvV2Mounts: cfg.kvV2Mounts,
        reviewerMode: cfg.reviewerMode,
        tokenReviewClusterRole: cfg.tokenReviewClusterRole,
    };
}

/** The TokenReviewer args the config describes. */
export function reviewerArgs(cfg: StackConfig): TokenReviewerArgs {
    return {
        namespace: cfg.reviewerNamespace,
        createNamespace: cfg.createReviewerNamespace,
        serviceAccountName: cfg.reviewerServiceAccount,
    };
}

/** The config key of each TokenReviewer argument (errors are reported under these). */
const reviewerKeys: Record<keyof TokenReviewerArgs, string> = {
    namespace: "reviewerNamespace",
    createNamespace: "createReviewerNamespace",
    serviceAccountName: "reviewerServiceAccount",
};
/** The auth backend's arguments keep their names in config, but these two. */
const backendKeys: Partial<Record<keyof KubernetesAuthBackendArgs, string>> = { path: "authPath", writeOnlyJwt: "writeOnlyReviewerJwt" };

/** A service as checked across a stack (or a fleet): the parsed service and where the user wrote it. */
export interface PlacedService {
    service: ServiceConfig;
    /** E.g. `services[2] (billing)`, or `fleet/teams/ops.yaml: services[0] (api)` in a fleet. */
    at: string;
}

/** A service's config fields, reported under where it was written; the stack-wide keys as they are. */
function serviceFields(at: string): FieldOf<ServiceField> {
    const stackWide: ServiceField[] = ["kvV2Mounts", "authPath", "reviewerMode", "tokenReviewClusterRole"];
    return (k) => (stackWide.includes(k) ? k : `${at}.${k}`);
}

/** Checks of the stack's own values: the reviewer's and the auth method's, under the stack's keys. */
export function stackChecks(cfg: StackConfig): string[] {
    const errors = [
        ...validateTokenReviewerArgs(reviewerArgs(cfg), (k) => reviewerKeys[k]),
        ...checkKubernetesAuthBackendValues(
            {
                reviewerMode: cfg.reviewerMode,
                path: cfg.authPath,
                kubernetesHost: cfg.kubernetesHost,
                kubernetesCaCert: cfg.kubernetesCaCert,
                pemKeys: cfg.pemKeys,
            },
            (k) => backendKeys[k] ?? k,
        ),
    ];
    if (cfg.stateEncryptionKey !== undefined) {
        errors.push(...validateStateEncryptionKeyArgs({ name: cfg.stateEncryptionKey }, () => "stateEncryptionKey"));
    }
    for (const m of cfg.kvV2Mounts) {
        if (mountsCollide(m, cfg.authPath))
            errors.push(`kvV2Mounts: "${m}" collides with authPath "${cfg.authPath}"; choose another path.`);
    }
    return errors;
}

/**
 * Checks of each service and across services that share one auth mount and one Vault: a stack's, or
 * every team's of a fleet (which is why each service comes with where it was written).
 */
export function serviceSetChecks(
    cfg: Pick<StackConfig, "authPath" | "kvV2Mounts" | "reviewerNamespace" | "createReviewerNamespace" | "reviewerMode">,
    placed: readonly PlacedService[],
): string[] {
    const services = placed.map((p) => p.service);
    // Each duplicate is reported with every place that uses it: in a fleet they are in several files.
    const unique = (field: string, valuesOf: (s: ServiceConfig) => string[]) => {
        const uses = new Map<string, string[]>();
        for (const p of placed) for (const v of valuesOf(p.service)) uses.set(v, [...(uses.get(v) ?? []), p.at]);
        return [...uses]
            .filter(([, at]) => at.length > 1)
            .map(([v, at]) => `${field}: "${v}" is used more than once (${at.join(", ")}); each must be unique.`);
    };
    const errors = [
        ...unique("services[].name", (s) => [s.name]),
        ...unique("services[].roleName", (s) => [s.roleName ?? s.name]),
        ...unique("services[].policyName", (s) => [s.policyName ?? s.name]),
        ...unique("services[].namespace (createNamespace: true)", (s) => (s.createNamespace ? [s.namespace] : [])),
        ...unique("services[].formerNames", (s) => s.formerNames ?? []),
        ...placed.flatMap(({ service: s, at }) =>
            (s.formerNames ?? [])
                .filter((f) => services.some((o) => o.name === f))
                .map((f) => `${at}.formerNames: "${f}" is the name of a current service; list only names no service has now.`),
        ),
        ...placed.flatMap(({ service: s, at }) => validateServiceAccessArgs(s.name, serviceArgs(s, cfg), serviceFields(at))),
        // All roles live on the one auth mount: one account must not reach two of them.
        ...checkBindingOverlaps(placed.map(({ service: s, at }) => bindingOf(at, s.name, serviceArgs(s, cfg)))),
    ];
    const mounts = placed.flatMap(({ service: s, at }) => (s.mount ? [{ at: `${at}.mount.path`, path: s.mount.path }] : []));
    for (const [i, j] of collidingPaths(mounts.map((m) => m.path))) {
        const [a, b] = [mounts[i], mounts[j]];
        errors.push(`${b.at}: "${b.path}" collides with ${a.at} "${a.path}"; each service needs its own mount path.`);
    }
    if (
        cfg.reviewerMode === ReviewerMode.Secret &&
        cfg.createReviewerNamespace &&
        services.some((s) => s.createNamespace && s.namespace === cfg.reviewerNamespace)
    ) {
        errors.push(
            `services[].namespace: "${cfg.reviewerNamespace}" is also the reviewer namespace, which the platform creates; set createNamespace: false on that service.`,
        );
    }
    return errors;
}
