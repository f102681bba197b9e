import type { createRemoteJWKSet, JWTPayload } from "jose";
import { OAuth2Failure } from "./oauth2-failure.js";
import { boundedFetch, httpUrl, OUTBOUND_TIMEOUT_MS } from "./outbound-fetch.js";

/** What an ID token must satisfy (OIDC Core §3.1.3.7). */
export interface IdTokenCheck {
  jwksURL: string;
  /** Accepted `iss` values (exact match). */
  issuers: string[];
  /** Our client id: the `aud` the token must name. */
  clientId: string;
  /** When set, a token that carries a nonce must carry this one. */
  nonce?: string;
}

/** Asymmetric algorithms only: an HS256 token "signed" with a guessable secret is never accepted. */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];
/** Clock skew we tolerate between us and the provider. */
const LEEWAY_SECONDS = 60;
const MAX_KEY_SETS = 50;

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

/** One remote key set per URL, so jose's own caching (and cooldown) works across sign-ins. */
async function keySet(url: string): Promise<ReturnType<typeof createRemoteJWKSet>> {
  let set = keySets.get(url);
  if (!set) {
    const { createRemoteJWKSet, customFetch } = await import("jose");
    if (keySets.size >= MAX_KEY_SETS) keySets.clear();
    set = createRemoteJWKSet(httpUrl(url), {
      timeoutDuration: OUTBOUND_TIMEOUT_MS,
      cacheMaxAge: 10 * 60_000,
      // Size cap, http(s) only, no redirects: the same limits as every other provider call.
      [customFetch]: (u: string, init: { headers: Headers; signal: AbortSignal }) =>
        boundedFetch(u, { headers: Object.fromEntries(init.headers), signal: init.signal }),
    });
    keySets.set(url, set);
  }
  return set;
}

/** Verifies signature (provider's JWKS), issuer, audience, expiry and nonce; returns the claims. */
export async function verifyIdToken(idToken: string, check: IdTokenCheck): Promise<JWTPayload> {
  if (check.issuers.length === 0 || check.clientId === "")
    throw new OAuth2Failure("ID token cannot be checked: issuer or client id unknown");
  let payload: JWTPayload;
  const { jwtVerify } = await import("jose");
  try {
    ({ payload } = await jwtVerify(idToken, await keySet(check.jwksURL), {
      algorithms: ALGORITHMS,
      issuer: check.issuers,
      audience: check.clientId,
      clockTolerance: LEEWAY_SECONDS,
      requiredClaims: ["iss", "sub", "aud", "exp"],
    }));
  } catch (err) {
    if (err instanceof OAuth2Failure) throw err;
    throw new OAuth2Failure(`ID token rejected: ${(err as Error).message}`, { cause: err });
  }
  // A token for several audiences must have been issued to us (OIDC Core §3.1.3.7 items 4–5).
  if (Array.isArray(payload.aud) && payload.aud.length > 1 && payload.azp !== check.clientId)
    throw new OAuth2Failure("ID token rejected: azp is not our client");
  if (check.nonce !== undefined && payload.nonce !== undefined && payload.nonce !== check.nonce)
    throw new OAuth2Failure("ID token rejected: nonce mismatch");
  return payload;
}
