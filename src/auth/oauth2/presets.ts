/** How a provider's user is read once the code is exchanged (see provider-user.ts). */
export type UserSource = "oidc" | "google" | "github" | "microsoft" | "apple";

/** What Backroom knows about a provider before any collection configures it. */
export interface ProviderPreset {
  displayName: string;
  /** Where the provider comes in lists of providers (PocketBase's order: Apple first, OIDC last). */
  order: number;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  scopes: string[];
  pkce: boolean;
  userSource: UserSource;
  /** Extra authorization URL parameters. */
  authParams?: Record<string, string>;
  /** Fixed ID-token verification (providers without discovery). */
  idToken?: { issuer: string; jwksURL: string };
}

const OIDC: ProviderPreset = {
  displayName: "OIDC",
  order: 99,
  // Filled from the issuer's discovery document (extra.issuer) or set explicitly.
  authURL: "",
  tokenURL: "",
  userInfoURL: "",
  scopes: ["openid", "email", "profile"],
  pkce: true,
  userSource: "oidc",
};

export const PRESETS: Readonly<Record<string, ProviderPreset>> = {
  google: {
    displayName: "Google",
    order: 2,
    authURL: "https://accounts.google.com/o/oauth2/v2/auth",
    tokenURL: "https://oauth2.googleapis.com/token",
    userInfoURL: "https://www.googleapis.com/oauth2/v3/userinfo",
    scopes: [
      "https://www.googleapis.com/auth/userinfo.profile",
      "https://www.googleapis.com/auth/userinfo.email",
    ],
    pkce: true,
    userSource: "google",
  },
  github: {
    displayName: "GitHub",
    order: 7,
    authURL: "https://github.com/login/oauth/authorize",
    tokenURL: "https://github.com/login/oauth/access_token",
    userInfoURL: "https://api.github.com/user",
    scopes: ["read:user", "user:email"],
    pkce: true,
    userSource: "github",
  },
  microsoft: {
    displayName: "Microsoft",
    order: 3,
    authURL: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
    tokenURL: "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    userInfoURL: "https://graph.microsoft.com/v1.0/me",
    scopes: ["User.Read"],
    pkce: true,
    userSource: "microsoft",
  },
  apple: {
    displayName: "Apple",
    order: 1,
    authURL: "https://appleid.apple.com/auth/authorize",
    tokenURL: "https://appleid.apple.com/auth/token",
    userInfoURL: "",
    scopes: ["name", "email"],
    pkce: true,
    userSource: "apple",
    // Apple requires form_post when name/email scopes are asked for.
    authParams: { response_mode: "form_post" },
    idToken: { issuer: "https://appleid.apple.com", jwksURL: "https://appleid.apple.com/auth/keys" },
  },
  oidc: OIDC,
  oidc2: OIDC,
  oidc3: OIDC,
};

export function presetOf(name: string): ProviderPreset | undefined {
  return Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
}
