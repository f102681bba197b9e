import type { AuthOptions, Collection } from "../../collections/model.js";

/** One provider as stored in the auth collection options (PocketBase's shape). */
export interface ProviderConfig {
  name: string;
  clientId: string;
  clientSecret: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  displayName: string;
  /** null: the preset decides. */
  pkce: boolean | null;
  extra: Record<string, unknown>;
}

export interface MappedFields {
  id: string;
  name: string;
  username: string;
  avatarURL: string;
}

export interface OAuth2Options {
  enabled: boolean;
  mappedFields: MappedFields;
  providers: ProviderConfig[];
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
const obj = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

function readProvider(raw: unknown): ProviderConfig | null {
  const p = obj(raw);
  const name = str(p.name);
  if (name === "") return null;
  return {
    name,
    clientId: str(p.clientId),
    clientSecret: str(p.clientSecret),
    authURL: str(p.authURL),
    tokenURL: str(p.tokenURL),
    userInfoURL: str(p.userInfoURL),
    displayName: str(p.displayName),
    pkce: typeof p.pkce === "boolean" ? p.pkce : null,
    extra: obj(p.extra),
  };
}

/**
 * The collection's OAuth2 options, read defensively (they are stored verbatim). OAuth2 is never
 * on for superusers: an external account must not be able to become or reach a superuser.
 */
export function oauth2Options(collection: Collection): OAuth2Options {
  const raw = obj((collection.auth as AuthOptions | undefined)?.oauth2);
  const mapped = obj(raw.mappedFields);
  const providers = Array.isArray(raw.providers) ? raw.providers : [];
  return {
    enabled: raw.enabled === true && collection.name !== "_superusers",
    mappedFields: {
      id: str(mapped.id),
      name: str(mapped.name),
      username: str(mapped.username),
      avatarURL: str(mapped.avatarURL),
    },
    providers: providers.map(readProvider).filter((p): p is ProviderConfig => p !== null),
  };
}

/**
 * The oauth2 options as the collections API shows them: every provider's clientSecret removed.
 * (For collection-json.ts.)
 */
export function publicOAuth2Options(stored: unknown): unknown {
  const raw = obj(stored);
  if (!Array.isArray(raw.providers)) return stored;
  return {
    ...raw,
    providers: raw.providers.map((p) => {
      const { clientSecret: _secret, ...rest } = obj(p);
      return rest;
    }),
  };
}

/**
 * Incoming oauth2 options with the stored clientSecret kept for any provider (same name) that
 * arrives without one: the API never shows secrets, so a client that round-trips a collection
 * must not wipe them. (For auth-options.ts.)
 */
export function keepProviderSecrets(incoming: unknown, previous: unknown): unknown {
  const next = obj(incoming);
  if (!Array.isArray(next.providers)) return incoming;
  const before = Array.isArray(obj(previous).providers) ? (obj(previous).providers as unknown[]) : [];
  const secrets = new Map(before.map((p) => [str(obj(p).name), str(obj(p).clientSecret)]));
  return {
    ...next,
    providers: next.providers.map((p) => {
      const provider = obj(p);
      if (str(provider.clientSecret) !== "") return provider;
      const kept = secrets.get(str(provider.name));
      return kept ? { ...provider, clientSecret: kept } : provider;
    }),
  };
}
