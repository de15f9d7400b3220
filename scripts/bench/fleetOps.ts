import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { localDir, repoDir, serviceNames } from "./env";
import { measure, ok, Sample } from "./measure";
import { servicesConfig } from "./pulumiOps";

/** The fleet's whole-process operations measured (`npm run fleet`'s driver), in the order they run. */
export const fleetOps = ["fleet-up", "fleet-preview-noop", "fleet-preview-one-team", "fleet-up-one-team", "fleet-destroy"] as const;
export type FleetOp = (typeof fleetOps)[number];

/** Services per team stack: "teams of about 30". */
export const teamSize = 30;

/** Writes a fleet of N generated services (the single stack's services, teams of about 30) and returns its folder. */
function writeFleet(n: number, changed?: string): string {
    const dir = path.join(localDir, `fleet-${n}`);
    fs.mkdirSync(path.join(dir, "teams"), { recursive: true });
    const platform = {
        stack: `bench-fleet-${n}`,
        config: { reviewerNamespace: "bench-fleet-auth", authPath: "bench-fleet-k8s", disableLocalCaJwt: true },
    };
    fs.writeFileSync(path.join(dir, "fleet.yaml"), stringify({ platform }));
    const names = serviceNames("fb", n);
    const teams = Math.ceil(n / teamSize);
    for (let t = 0; t < teams; t++) {
        const own = names.filter((_, i) => i % teams === t);
        fs.writeFileSync(
            path.join(dir, "teams", `team-${String(t + 1).padStart(2, "0")}.yaml`),
            stringify({ services: servicesConfig(own, changed) }),
        );
    }
    return dir;
}

/**
 * One run of the fleet's lifecycle at N services: up, no-op preview of every stack, one team's
 * file changed (its PR check: preview --only that team; then up), destroy. Peak RSS is the
 * driver's own (its stacks run in CLI processes of their own), as it prints it.
 */
export async function fleetLifecycle(
    n: number,
    run: number,
    env: NodeJS.ProcessEnv,
    concurrency: number | undefined,
    log: (s: string) => void = () => {},
): Promise<Record<FleetOp, Sample>> {
    const dir = writeFleet(n);
    const fleet = async (what: string, ...args: string[]): Promise<Sample> => {
        const c = concurrency === undefined ? [] : ["--concurrency", String(concurrency)];
        const r = ok(
            `fleet ${what} (N=${n}, run ${run})`,
            await measure("npx", ["tsx", "scripts/fleet/main.ts", ...args, "--fleet", dir, ...c], env, repoDir),
        );
        const rss = Number(/fleet driver: peak RSS (\d+) MiB/.exec(r.stdout)?.[1]);
        log(`  fleet ${what}: ${r.seconds.toFixed(2)} s, driver ${rss} MiB`);
        return { seconds: r.seconds, peakRssMiB: Number.isFinite(rss) ? rss : undefined };
    };
    try {
        const result = {} as Record<FleetOp, Sample>;
        result["fleet-up"] = await fleet("up", "up");
        result["fleet-preview-noop"] = await fleet("preview (no-op)", "preview");
        writeFleet(n, serviceNames("fb", n)[0]); // the first service, of team-01
        result["fleet-preview-one-team"] = await fleet("preview --only team-01", "preview", "--only", "team-01");
        result["fleet-up-one-team"] = await fleet("up (one team changed)", "up");
        result["fleet-destroy"] = await fleet("destroy", "destroy");
        return result;
    } catch (e) {
        await measure("npx", ["tsx", "scripts/fleet/main.ts", "destroy", "--fleet", dir], env, repoDir);
        throw e;
    } finally {
        // The stacks themselves go too, so that the next run starts from nothing.
        const stacks = [
            `bench-fleet-${n}`,
            ...fs.readdirSync(path.join(dir, "teams")).map((f) => `bench-fleet-${n}.${f.replace(/\.yaml$/, "")}`),
        ];
        for (const s of stacks) await measure("pulumi", ["stack", "rm", "--force", "--yes", "--stack", s], env, repoDir);
        fs.rmSync(dir, { recursive: true, force: true });
    }
}
