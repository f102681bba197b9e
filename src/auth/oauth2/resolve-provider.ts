import { OAuth2Failure } from "./oauth2-failure.js";
import type { ProviderConfig } from "./oauth2-options.js";
import { oidcMetadata } from "./oidc-discovery.js";
import { httpUrl } from "./outbound-fetch.js";
import { presetOf, type UserSource } from "./presets.js";

/** A configured provider merged with its preset (and, for OIDC, its discovery document). */
export interface ResolvedProvider {
  name: string;
  displayName: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  /** Empty: the user is read from the verified ID token. */
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  userSource: UserSource;
  authParams: Record<string, string>;
  /** How ID tokens are verified; null when the provider's user comes from its API only. */
  idToken: { jwksURL: string; issuers: string[] } | null;
  /** Whether the authorization request carries an OIDC nonce. */
  usesNonce: boolean;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/** Where an OIDC provider's ID tokens come from: discovery (extra.issuer) or explicit settings. */
async function oidcEndpoints(config: ProviderConfig) {
  const issuer = text(config.extra.issuer);
  const explicitIssuers = Array.isArray(config.extra.issuers)
    ? config.extra.issuers.filter((i): i is string => typeof i === "string" && i !== "")
    : [];
  if (issuer === "") {
    return { authURL: "", tokenURL: "", jwksURL: text(config.extra.jwksURL), issuers: explicitIssuers };
  }
  const meta = await oidcMetadata(issuer);
  return {
    authURL: meta.authorizationEndpoint,
    tokenURL: meta.tokenEndpoint,
    jwksURL: text(config.extra.jwksURL) || meta.jwksUri,
    issuers: [meta.issuer],
  };
}

/** Whether a provider uses PKCE: its own setting, else its preset's (known without discovery). */
export function usesPkce(config: ProviderConfig): boolean {
  return config.pkce ?? presetOf(config.name)?.pkce ?? true;
}

/**
 * Resolves a provider for use. Fails (OAuth2Failure) for unknown provider names, missing client
 * ids, non-http(s) endpoints, or an OIDC provider whose ID tokens could not be verified.
 */
export async function resolveProvider(config: ProviderConfig): Promise<ResolvedProvider> {
  const preset = presetOf(config.name);
  if (!preset) throw new OAuth2Failure(`unknown provider ${config.name}`);
  if (config.clientId === "") throw new OAuth2Failure(`provider ${config.name} has no clientId`);

  let authURL = config.authURL || preset.authURL;
  let tokenURL = config.tokenURL || preset.tokenURL;
  let idToken: ResolvedProvider["idToken"] = preset.idToken
    ? { jwksURL: preset.idToken.jwksURL, issuers: [preset.idToken.issuer] }
    : null;
  if (preset.userSource === "oidc") {
    const found = await oidcEndpoints(config);
    authURL = config.authURL || found.authURL;
    tokenURL = config.tokenURL || found.tokenURL;
    idToken = found.jwksURL !== "" && found.issuers.length > 0 ? found : null;
    // Without a verifiable ID token the user can only come from an explicit userinfo endpoint.
    if (!idToken && config.userInfoURL === "")
      throw new OAuth2Failure(`provider ${config.name} has neither an issuer/JWKS nor a userInfoURL`);
  }
  const userInfoURL = config.userInfoURL || preset.userInfoURL;
  for (const url of [authURL, tokenURL, ...(userInfoURL ? [userInfoURL] : [])]) httpUrl(url);

  return {
    name: config.name,
    displayName: config.displayName || preset.displayName,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    authURL,
    tokenURL,
    userInfoURL,
    scopes: preset.scopes,
    pkce: usesPkce(config),
    userSource: preset.userSource,
    authParams: preset.authParams ?? {},
    idToken,
    usesNonce: preset.userSource === "oidc" || preset.userSource === "apple",
  };
}
