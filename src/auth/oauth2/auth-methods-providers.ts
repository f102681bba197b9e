import type { AuthOptions, Collection } from "../../collections/model.js";

export interface ProviderInfo {
  name: string;
  displayName: string;
  state: string;
  authURL: string;
  codeVerifier: string;
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** The OAuth2 part of auth-methods: providers configured on the collection. */
export function oauth2Methods(collection: Collection): { enabled: boolean; providers: ProviderInfo[] } {
  const options = (collection.auth as AuthOptions).oauth2 as { enabled?: boolean } | undefined;
  return { enabled: options?.enabled === true, providers: [] };
}
