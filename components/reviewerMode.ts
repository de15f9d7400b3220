/**
 * How Vault checks a service's ServiceAccount token at login (docs/reviewer-modes.md):
 * - `secret`: the guide's way. Vault presents a reviewer account's long-lived token (from a token
 *   Secret) to the TokenReview API.
 * - `client-jwt`: Vault presents each client's own token to the TokenReview API. There is no
 *   reviewer account, no Secret and no reviewer JWT in Vault. Every service's account may create
 *   TokenReviews.
 * - `jwt`: Vault's `jwt` auth method checks the token's signature against the cluster's
 *   service-account signing keys. There is no TokenReview, no reviewer credential and no path from
 *   Vault to the API server. A token stays valid until it expires, even after its pod or account
 *   is deleted.
 */
export const ReviewerMode = { Secret: "secret", ClientJwt: "client-jwt", Jwt: "jwt" } as const;
export type ReviewerMode = (typeof ReviewerMode)[keyof typeof ReviewerMode];

/**
 * The mode when none is given: the guide's.
 * @internal
 */
export const defaultReviewerMode: ReviewerMode = ReviewerMode.Secret;

/**
 * The Vault auth method a mode mounts: `kubernetes` (TokenReview) or `jwt` (signature).
 * @internal
 */
export function authMethodOf(mode: ReviewerMode): "kubernetes" | "jwt" {
    return mode === ReviewerMode.Jwt ? "jwt" : "kubernetes";
}
