// The package's public surface: the components, their arguments, the enums and defaults those
// take, and the few helpers a program needs. Everything else in this folder is @internal: the
// stack program and the tests import it from its own file, and package.json's "exports" offers
// nothing but this index to other programs.

// The components, one per file, each with its arguments.
export { TokenReviewer, tokenReviewerDefaults } from "./tokenReviewer";
export type { TokenReviewerArgs } from "./tokenReviewer";
export { TokenReviewRole, tokenReviewRoleDefaults } from "./tokenReviewRole";
export type { TokenReviewRoleArgs } from "./tokenReviewRole";
export { KubernetesAuthBackend, kubernetesAuthBackendDefaults } from "./kubernetesAuthBackend";
export type { KubernetesAuthBackendArgs } from "./kubernetesAuthBackend";
export { ServiceAccess } from "./serviceAccess";
export { AliasNameSource, MountType, serviceAccessDefaults, TokenType } from "./serviceAccessArgs";
export type { ServiceAccessArgs, ServiceMountArgs } from "./serviceAccessArgs";
export { StateEncryptionKey, stateEncryptionKeyDefaults } from "./stateEncryptionKey";
export type { StateEncryptionKeyArgs } from "./stateEncryptionKey";

// What their arguments take.
export { ReviewerMode } from "./reviewerMode";
export { RuleCapability } from "./policyRules";
export type { PolicyRule } from "./policyRules";

// Helpers: the cluster's signing keys for "jwt" mode, the one-account-one-role check across
// services declared together, and the error every component throws on invalid arguments.
export { readServiceAccountIssuer } from "./serviceAccountIssuer";
export type { ApiServerAccess, ServiceAccountIssuer } from "./serviceAccountIssuer";
export { bindingOf, checkBindingOverlaps } from "./roleBindings";
export type { RoleBinding } from "./roleBindings";
export { InvalidInputError } from "./invalidInput";
