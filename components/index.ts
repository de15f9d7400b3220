// The reusable components: import them from this package in any Pulumi TypeScript program.
export * from "./kubernetesAuthBackend";
export * from "./policyDocument";
export * from "./serviceAccess";
export * from "./tokenReviewer";
export * from "./validation";
