import { Policies } from "@pulumi/policy";
import { authConfigReviewer } from "./rules/authBackendConfig";
import { jwtRoleScope } from "./rules/jwtRoles";
import { policyKvV2Paths } from "./rules/kvV2Paths";
import { policyNoPrivilegedPaths } from "./rules/privilegedPaths";
import { reviewerBindingScope } from "./rules/reviewerBinding";
import { roleBoundServiceAccounts } from "./rules/roleBindings";
import { roleTokenTtl } from "./rules/tokenTtl";

// The pack's policies, importable without starting the pack (index.ts starts a gRPC server).
export const policies: Policies = [
    roleBoundServiceAccounts,
    roleTokenTtl,
    jwtRoleScope,
    policyNoPrivilegedPaths,
    authConfigReviewer,
    reviewerBindingScope,
    policyKvV2Paths,
];
