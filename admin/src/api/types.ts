/** The API's collection and record shapes, as far as the admin uses them. */

/** A field: common keys plus the options of its type (min, max, values, collectionId…). */
export interface Field {
  id?: string;
  name: string;
  /** One of the server's field types; `fields/registry.ts` knows what the admin does with each. */
  type: string;
  system?: boolean;
  hidden?: boolean;
  presentable?: boolean;
  required?: boolean;
  [option: string]: unknown;
}

export type CollectionType = "base" | "auth" | "view";

export interface Collection {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: string | null;
  viewRule: string | null;
  createRule: string | null;
  updateRule: string | null;
  deleteRule: string | null;
  viewQuery?: string;
  /** The language of the full-text index over the fields marked `searchable` (default "simple"). */
  searchLanguage?: string;
  authRule?: string | null;
  manageRule?: string | null;
  authToken?: { duration: number };
  verificationToken?: { duration: number };
  passwordResetToken?: { duration: number };
  emailChangeToken?: { duration: number };
  fileToken?: { duration: number };
  passwordAuth?: { enabled: boolean; identityFields: string[] };
  oauth2?: OAuth2Options;
  otp?: { enabled: boolean; duration: number; length: number; emailTemplate: EmailTemplate };
  mfa?: { enabled: boolean; duration: number; rule: string };
  authAlert?: { enabled: boolean; emailTemplate: EmailTemplate };
  verificationTemplate?: EmailTemplate;
  resetPasswordTemplate?: EmailTemplate;
  confirmEmailChangeTemplate?: EmailTemplate;
  created: string;
  updated: string;
}

export interface EmailTemplate {
  subject: string;
  body: string;
}

/** One OAuth2 provider of an auth collection; the API never sends `clientSecret` back. */
export interface OAuth2Provider {
  name: string;
  clientId: string;
  clientSecret?: string;
  authURL?: string;
  tokenURL?: string;
  userInfoURL?: string;
  displayName?: string;
  pkce?: boolean | null;
  extra?: Record<string, unknown>;
}

export interface OAuth2Options {
  enabled: boolean;
  mappedFields: { id: string; name: string; username: string; avatarURL: string };
  providers: OAuth2Provider[];
}

export type RecordModel = Record<string, unknown> & {
  id: string;
  collectionId: string;
  collectionName: string;
};

/** The server's full-text search languages ("english" stems on both stores): one list, the server's. */
export { SEARCH_LANGUAGES } from "../../../src/collections/search-types.js";

export const RULE_KEYS = ["listRule", "viewRule", "createRule", "updateRule", "deleteRule"] as const;
export type RuleKey = (typeof RULE_KEYS)[number] | "authRule" | "manageRule";
