import { createHash, randomBytes } from "node:crypto";

/** PKCE verifiers are 43–128 characters of the RFC 7636 unreserved set. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

const sha256url = (text: string) => createHash("sha256").update(text).digest("base64url");

/** A random state / verifier: 43 base64url characters (256 bits). */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

export function isCodeVerifier(value: string): boolean {
  return VERIFIER.test(value);
}

/** The S256 code challenge of a verifier. */
export function codeChallenge(verifier: string): string {
  return sha256url(verifier);
}

/**
 * The OIDC nonce for an authorization request, derived from its PKCE verifier. The server keeps
 * no state between auth-methods and auth-with-oauth2, so deriving the nonce lets it check that
 * an ID token was issued for this very request (only the holder of the verifier can name it).
 */
export function nonceFor(verifier: string): string {
  return sha256url(`backroom-oidc-nonce:${verifier}`);
}
