/**
 * Run as its own process by tokenReviewerEmpty.test.ts: the reviewer and the auth backend, wired as
 * the stack wires them, under mocks whose token controller fills the Secret (argument "filled") or
 * leaves it empty ("empty"). A failed
 * registration surfaces as an unhandled rejection, which node:test would claim for itself; here it is
 * collected. Prints {types, errors} as JSON: what reached the engine, and why the rest did not.
 */
import * as vault from "@pulumi/vault";
import { KubernetesAuthBackend } from "../../components/kubernetesAuthBackend";
import { TokenReviewer } from "../../components/tokenReviewer";
import { installMocks, settle } from "./mocks";

const errors = new Set<string>();
process.on("unhandledRejection", (e) => errors.add(e instanceof Error ? e.message : String(e)));

async function main(): Promise<void> {
    const registered = await installMocks(process.argv[2] === "filled" ? undefined : { tokenData: undefined });
    const reviewer = new TokenReviewer("reviewer", {});
    new KubernetesAuthBackend(
        "kubernetes",
        { kubernetesHost: "https://10.0.0.1:6443", kubernetesCaCert: reviewer.caCert, tokenReviewerJwt: reviewer.reviewerJwt },
        { providers: { vault: new vault.Provider("vault", { address: "http://127.0.0.1:8200" }) } },
    );
    for (let i = 0; i < 20; i++) await settle();
    console.log(JSON.stringify({ types: registered.map((r) => r.type), errors: [...errors] }));
}

void main();
