import { OAuth2Failure } from "./oauth2-failure.js";
import { fetchJson, httpUrl, jsonObject } from "./outbound-fetch.js";

/** The parts of an OpenID Provider's metadata that sign-in uses. */
export interface OidcMetadata {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  userinfoEndpoint: string;
  jwksUri: string;
}

const FRESH_MS = 10 * 60_000;
/** A failed discovery is remembered briefly, so a down issuer doesn't slow every auth-methods. */
const FAILED_MS = 30_000;
const MAX_ENTRIES = 100;

type Entry = { until: number; result: Promise<OidcMetadata> };
const cache = new Map<string, Entry>();

const text = (v: unknown) => (typeof v === "string" ? v : "");

async function discover(issuer: string): Promise<OidcMetadata> {
  const base = httpUrl(issuer).href.replace(/\/$/, "");
  const doc = jsonObject(await fetchJson(`${base}/.well-known/openid-configuration`), "discovery document");
  // OIDC Discovery §4.3: the document must name the very issuer it was fetched for.
  if (text(doc.issuer).replace(/\/$/, "") !== base) throw new OAuth2Failure("discovery issuer mismatch");
  const meta: OidcMetadata = {
    issuer: text(doc.issuer),
    authorizationEndpoint: text(doc.authorization_endpoint),
    tokenEndpoint: text(doc.token_endpoint),
    userinfoEndpoint: text(doc.userinfo_endpoint),
    jwksUri: text(doc.jwks_uri),
  };
  for (const url of [meta.authorizationEndpoint, meta.tokenEndpoint, meta.jwksUri]) httpUrl(url);
  return meta;
}

/** The issuer's metadata from `/.well-known/openid-configuration`, cached for a while. */
export function oidcMetadata(issuer: string, now = Date.now()): Promise<OidcMetadata> {
  const hit = cache.get(issuer);
  if (hit && hit.until > now) return hit.result;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  const result = discover(issuer);
  const entry: Entry = { until: now + FRESH_MS, result };
  cache.set(issuer, entry);
  result.catch(() => {
    entry.until = Date.now() + FAILED_MS;
  });
  return result;
}

/** Forgets cached metadata (tests; a provider that rotated its endpoints). */
export function forgetOidcMetadata(): void {
  cache.clear();
}
