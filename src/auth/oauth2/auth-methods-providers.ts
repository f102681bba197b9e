import type { Collection } from "../../collections/model.js";
import { oauth2Options, type ProviderConfig } from "./oauth2-options.js";
import { codeChallenge, nonceFor, randomToken } from "./pkce.js";
import { type ResolvedProvider, resolveProvider } from "./resolve-provider.js";

export interface ProviderInfo {
  name: string;
  displayName: string;
  state: string;
  authURL: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

/**
 * The authorization URL as PocketBase builds it: parameters sorted by name, then an empty
 * `redirect_uri=` at the end for the client to complete with its own redirect URL.
 */
function authorizationURL(p: ResolvedProvider, state: string, verifier: string): string {
  const url = new URL(p.authURL);
  const params: Record<string, string> = {
    ...p.authParams,
    client_id: p.clientId,
    response_type: "code",
    scope: p.scopes.join(" "),
    state,
  };
  if (p.pkce) {
    params.code_challenge = codeChallenge(verifier);
    params.code_challenge_method = "S256";
  }
  // The nonce is derived from the verifier, so it is only checkable when the client has one.
  if (p.usesNonce && p.pkce) params.nonce = nonceFor(verifier);
  for (const key of Object.keys(params).sort()) url.searchParams.set(key, params[key] as string);
  return `${url.href}&redirect_uri=`;
}

/** One provider's entry, with a fresh state and PKCE pair (the client keeps them, not us). */
function providerInfo(p: ResolvedProvider): ProviderInfo {
  const state = randomToken();
  const verifier = randomToken();
  return {
    name: p.name,
    displayName: p.displayName,
    state,
    authURL: authorizationURL(p, state, verifier),
    codeVerifier: p.pkce ? verifier : "",
    codeChallenge: p.pkce ? codeChallenge(verifier) : "",
    codeChallengeMethod: p.pkce ? "S256" : "",
  };
}

export interface OAuth2Methods {
  enabled: boolean;
  providers: ProviderInfo[];
}

async function enabledMethods(configs: ProviderConfig[]): Promise<OAuth2Methods> {
  const resolved = await Promise.allSettled(configs.map(resolveProvider));
  const providers = resolved.flatMap((r) => (r.status === "fulfilled" ? [providerInfo(r.value)] : []));
  return { enabled: true, providers };
}

/**
 * The OAuth2 part of auth-methods. Providers that cannot be used right now (unknown name,
 * missing client id, OIDC issuer unreachable) are left out, as PocketBase does. Callers must
 * `await` it: with OAuth2 on, OIDC discovery may need the network; with it off the answer is
 * immediate (so a caller that doesn't await yet still lists "disabled" correctly).
 */
export function oauth2Methods(collection: Collection): OAuth2Methods | Promise<OAuth2Methods> {
  const options = oauth2Options(collection);
  if (!options.enabled) return { enabled: false, providers: [] };
  return enabledMethods(options.providers);
}
