// Child process of the mocks benchmark: the whole program (index.ts) under Pulumi mocks, with N
// generated services, as test/unit/program.test.ts runs the dev stack. Prints what it registered.
import * as pulumi from "@pulumi/pulumi";
import { runProgram, writeKubeconfig } from "../../test/support/devStack";
import { installMocks, promiseOf, settle } from "../../test/support/mocks";
import { serviceNames } from "./env";
import { servicesConfig } from "./pulumiOps";

async function main(n: number): Promise<void> {
    process.env.KUBECONFIG = writeKubeconfig("https://127.0.0.1:6443");
    process.env.VAULT_ADDR = "http://127.0.0.1:8200";
    const registered = await installMocks();
    // As the engine passes config: every value a string, objects as JSON.
    pulumi.runtime.setAllConfig({ "vault-k8s-auth:services": JSON.stringify(servicesConfig(serviceNames("mb", n))) });
    for (const v of Object.values(await runProgram())) await promiseOf(pulumi.output(v));
    await settle();
    console.log(JSON.stringify({ services: n, registered: registered.length }));
}

main(Number(process.argv[2] ?? "1000")).catch((e) => {
    console.error(e);
    process.exit(1);
});
