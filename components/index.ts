// The reusable components: import them from this package in any Pulumi TypeScript program.
export * from "./kubernetesAuthBackend";
export * from "./policyDocument";
export * from "./reviewerMode";
export * from "./roleBindings";
export * from "./serviceAccess";
export * from "./serviceAccessArgs";
export * from "./serviceAccountIssuer";
export * from "./stateEncryptionKey";
export * from "./tokenReviewer";
export * from "./tokenReviewRole";
export * from "./validation";
