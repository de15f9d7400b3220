import { execFileSync } from "child_process";
import { repoDir } from "../lib/repo";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

/** A run's lock on a stack, as Pulumi's self-managed backends write it (.pulumi/locks/…/<uuid>.json). */
export interface StackLock {
    pid: number;
    user: string;
    host: string;
    time: string;
}

/**
 * The locks on a stack in the backend of PULUMI_BACKEND_URL: a file backend's lock files, or the
 * rows of a PostgreSQL backend (read with psql). Other backends: [] (their runs are not local).
 */
export async function stackLocks(stack: string, backendUrl = process.env.PULUMI_BACKEND_URL ?? ""): Promise<StackLock[]> {
    const project = (parse(fs.readFileSync(path.join(repoDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
    const dir = `.pulumi/locks/organization/${project}/${stack}`;
    let contents: string[] = [];
    if (backendUrl.startsWith("file://")) {
        const full = path.join(backendUrl.slice("file://".length), dir);
        // fileblob keeps a .attrs file beside each blob.
        const files = fs.existsSync(full) ? fs.readdirSync(full).filter((f) => f.endsWith(".json")) : [];
        contents = files.map((f) => fs.readFileSync(path.join(full, f), "utf8"));
    } else if (backendUrl.startsWith("postgres://")) {
        // The backend keys each blob under the database's name: <db>/.pulumi/…; the data is {"data": base64}.
        const sql = `select data->>'data' from pulumi_state where key like '%/${dir}/%'`;
        // The password goes to psql in its environment, never on a command line or in a message.
        const url = new URL(backendUrl);
        const password = decodeURIComponent(url.password);
        url.password = "";
        let out: string;
        try {
            out = execFileSync("psql", [url.toString(), "-qAt", "-c", sql], {
                encoding: "utf8",
                env: { ...process.env, PGPASSWORD: password || process.env.PGPASSWORD },
                stdio: ["ignore", "pipe", "pipe"],
            });
        } catch (e) {
            const why = ((e as { stderr?: string }).stderr ?? "").split("\n")[0].replaceAll(password || "\u0000", "****");
            throw new Error(`cannot read the locks of stack ${stack} from the state database ${url.host}: ${why}`);
        }
        contents = out
            .split("\n")
            .filter(Boolean)
            .map((b64) => Buffer.from(b64, "base64").toString("utf8"));
    }
    return contents.map((c) => {
        const l = JSON.parse(c) as { pid: number; username: string; hostname: string; timestamp: string };
        return { pid: l.pid, user: l.username, host: l.hostname, time: l.timestamp };
    });
}
