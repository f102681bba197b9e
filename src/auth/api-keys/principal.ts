import type { ApiKeyScope } from "./scopes.js";

/** A request signed with an API key: a machine, not a record, acting only within its scopes. */
export interface ApiKeyPrincipal {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
}

/** How audit entries name a key. */
export const API_KEYS_ACTOR = "_api_keys";
