import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

// Run with `pulumi preview --policy-pack policy` from the repository root. The CLI starts this file with
// the pack folder as working directory; PolicyPack reads the pack's version from ./package.json there,
// and @pulumi/policy resolves from the repository's node_modules.
new PolicyPack("vault-k8s-auth", { policies, enforcementLevel: "mandatory" });
