import * as fs from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { z } from "zod";
import { checkStackConfig } from "../../stack/config";
import { PlacedService, serviceSetChecks } from "../../stack/configChecks";
import { PlatformSettings, StackConfig } from "../../stack/configSchema";

/**
 * The fleet's declaration: one folder with `fleet.yaml` (the platform stack: its name and config)
 * and `teams/<team>.yaml` (each team's stack config: its services), which the team's owners edit.
 * Everything is checked here, across all files, before any stack runs.
 */

export interface Team {
    name: string;
    /** The team's file, relative to the current folder (how errors name it). */
    file: string;
    stack: string;
    /** The team stack's config as written (its services), without platformStack, which the fleet sets. */
    config: Record<string, unknown>;
    services: StackConfig["services"];
}

export interface Fleet {
    dir: string;
    platform: { stack: string; file: string; config: Record<string, unknown>; parsed: StackConfig };
    teams: Team[];
}

/** Stack names allow letters, digits, "-", "_" and "."; a team's stack is `<platform>.<team>`. */
const stackName = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const teamName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

const fleetFile = z.strictObject({
    platform: z.strictObject({
        stack: z.string().regex(stackName, "use letters, digits, - and _ (team stacks are named <stack>.<team>)"),
        config: z.record(z.string(), z.unknown()).default({}),
    }),
});

export class FleetError extends Error {
    constructor(readonly problems: string[]) {
        super(`invalid fleet declaration:\n  - ${problems.join("\n  - ")}`);
    }
}

/** The team stack of `team` in the fleet whose platform stack is `platform`. */
export const teamStack = (platform: string, team: string) => `${platform}.${team}`;

/** Reads and checks the whole declaration; throws a FleetError listing every problem, each under its file and key. */
export function loadFleet(dir: string, qualify: (stack: string) => string): Fleet {
    const problems: string[] = [];
    const rel = (f: string) => path.relative(process.cwd(), f) || f;
    const fleetPath = path.join(dir, "fleet.yaml");
    if (!fs.existsSync(fleetPath))
        throw new FleetError([`${rel(fleetPath)}: not found; a fleet folder holds fleet.yaml and teams/<team>.yaml.`]);

    const head = fleetFile.safeParse(readYaml(fleetPath, problems));
    if (!head.success) {
        throw new FleetError([
            ...problems,
            ...head.error.issues.map((i) => `${rel(fleetPath)}: ${i.path.join(".") || "(top)"}: ${i.message}`),
        ]);
    }
    const platformRaw = head.data.platform.config;
    const platformChecked = checkStackConfig(platformRaw, undefined, false);
    problems.push(...platformChecked.errors.map((e) => `${rel(fleetPath)}: platform.config.${e}`));
    if (platformRaw.platformStack !== undefined) {
        problems.push(`${rel(fleetPath)}: platform.config.platformStack: the platform stack has none; remove it.`);
    }
    const platformStackName = head.data.platform.stack;
    const settings: PlatformSettings | undefined = platformChecked.config && {
        authPath: platformChecked.config.authPath,
        kvV2Mounts: platformChecked.config.kvV2Mounts,
        reviewerNamespace: platformChecked.config.reviewerNamespace,
        reviewerMode: platformChecked.config.reviewerMode,
    };

    const teamsDir = path.join(dir, "teams");
    const files = fs.existsSync(teamsDir)
        ? fs
              .readdirSync(teamsDir)
              .filter((f) => /\.ya?ml$/.test(f))
              .sort()
        : [];
    const teams: Team[] = [];
    const placed: PlacedService[] = (platformChecked.services ?? []).map((p) => ({
        ...p,
        at: `${rel(fleetPath)}: platform.config.${p.at}`,
    }));
    for (const f of files) {
        const file = rel(path.join(teamsDir, f));
        const name = f.replace(/\.ya?ml$/, "");
        if (!teamName.test(name)) {
            problems.push(`${file}: "${name}" is not a team name; name the file <team>.yaml with lowercase letters, digits and "-".`);
            continue;
        }
        const doc = readYaml(path.join(teamsDir, f), problems);
        if (doc === undefined) continue;
        if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
            problems.push(`${file}: expected a mapping with "services:" (the team's services), got ${JSON.stringify(doc)}.`);
            continue;
        }
        const config = doc as Record<string, unknown>;
        if (config.platformStack !== undefined)
            problems.push(`${file}: platformStack: set by the fleet (the platform stack of fleet.yaml); remove it.`);
        const stack = teamStack(platformStackName, name);
        const checked = checkStackConfig({ ...config, platformStack: qualify(platformStackName) }, settings, false);
        problems.push(...checked.errors.map((e) => `${file}: ${e}`));
        placed.push(...checked.services.map((p) => ({ ...p, at: `${file}: ${p.at}` })));
        teams.push({ name, file, stack, config, services: checked.services.map((p) => p.service) });
    }
    if (teams.length === 0 && problems.length === 0) {
        problems.push(`${rel(teamsDir)}: no team files; add teams/<team>.yaml with the team's services.`);
    }
    // Each service, and across all of them: role and policy names, created namespaces, mounts and bound accounts share one Vault and one auth mount.
    if (platformChecked.config) problems.push(...serviceSetChecks(platformChecked.config, placed));

    const unique = [...new Set(problems)];
    if (unique.length > 0 || !platformChecked.config) throw new FleetError(unique);
    return {
        dir,
        platform: { stack: platformStackName, file: rel(fleetPath), config: platformRaw, parsed: platformChecked.config },
        teams,
    };
}

/** A YAML file's content; a syntax error is recorded under the file's name, with its line. */
function readYaml(file: string, problems: string[]): unknown {
    const doc = parseDocument(fs.readFileSync(file, "utf8"), { prettyErrors: true });
    if (doc.errors.length > 0) {
        problems.push(...doc.errors.map((e) => `${path.relative(process.cwd(), file)}: ${e.message.split("\n")[0]}`));
        return undefined;
    }
    return doc.toJS();
}
