import { verifyIdToken } from "./id-token.js";
import { OAuth2Failure } from "./oauth2-failure.js";
import { fetchJson, jsonObject } from "./outbound-fetch.js";
import { nonceFor } from "./pkce.js";
import type { ResolvedProvider } from "./resolve-provider.js";
import type { ProviderTokens } from "./token-exchange.js";

/** The signed-in provider account, normalised across providers. */
export interface OAuth2User {
  id: string;
  name: string;
  username: string;
  email: string;
  /** Whether the provider vouches that the account owns `email`; only then may it link by email. */
  emailVerified: boolean;
  avatarURL: string;
  rawUser: Record<string, unknown>;
  accessToken: string;
  refreshToken: string;
  expiry: string;
}

type Claims = Record<string, unknown>;
const text = (v: unknown) => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");
/** Providers send email_verified as a boolean or as the string "true" (Apple, some OIDC servers). */
const isTrue = (v: unknown) => v === true || v === "true";

/** Who the provider says the user is (the rest of OAuth2User comes from the tokens). */
type Identity = Pick<OAuth2User, "id" | "name" | "username" | "email" | "emailVerified" | "avatarURL">;

function userFrom(tokens: ProviderTokens, raw: Claims, fields: Identity): OAuth2User {
  if (fields.id === "") throw new OAuth2Failure("provider user has no id");
  return {
    ...fields,
    rawUser: raw,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiry: tokens.expiry,
  };
}

/** OIDC standard claims (Core §5.1): Google's userinfo, generic OIDC, Apple. */
function fromStandardClaims(tokens: ProviderTokens, claims: Claims): OAuth2User {
  return userFrom(tokens, claims, {
    id: text(claims.sub),
    name: text(claims.name),
    username: text(claims.preferred_username),
    email: text(claims.email),
    emailVerified: text(claims.email) !== "" && isTrue(claims.email_verified),
    avatarURL: text(claims.picture),
  });
}

const bearer = (tokens: ProviderTokens) => ({ authorization: `Bearer ${tokens.accessToken}` });

async function userInfo(p: ResolvedProvider, tokens: ProviderTokens): Promise<Claims> {
  return jsonObject(await fetchJson(p.userInfoURL, { headers: bearer(tokens) }), "user info");
}

async function idTokenClaims(p: ResolvedProvider, tokens: ProviderTokens, verifier: string): Promise<Claims> {
  if (!p.idToken) throw new OAuth2Failure("provider has no ID token verification");
  if (tokens.idToken === "") throw new OAuth2Failure("token response without id_token");
  return verifyIdToken(tokens.idToken, {
    ...p.idToken,
    clientId: p.clientId,
    ...(p.usesNonce && p.pkce && verifier !== "" ? { nonce: nonceFor(verifier) } : {}),
  });
}

/**
 * Generic OIDC: the verified ID token, or the userinfo endpoint when one is configured. When both
 * are there the subjects must agree (Core §5.3.2), so a userinfo answer cannot swap the user.
 */
async function oidcUser(p: ResolvedProvider, tokens: ProviderTokens, verifier: string): Promise<OAuth2User> {
  const fromToken = p.idToken && tokens.idToken !== "" ? await idTokenClaims(p, tokens, verifier) : null;
  if (p.userInfoURL === "")
    return fromStandardClaims(tokens, fromToken ?? (await idTokenClaims(p, tokens, verifier)));
  const info = await userInfo(p, tokens);
  if (fromToken && text(info.sub) !== text(fromToken.sub)) throw new OAuth2Failure("userinfo sub mismatch");
  return fromStandardClaims(tokens, info);
}

/**
 * GitHub: the profile from /user; the email only from /user/emails, where GitHub says which
 * addresses are verified (the profile's public email carries no such flag).
 */
async function githubUser(p: ResolvedProvider, tokens: ProviderTokens): Promise<OAuth2User> {
  const profile = await userInfo(p, tokens);
  const emails = await fetchJson(`${p.userInfoURL}/emails`, { headers: bearer(tokens) }).catch(() => []);
  const verified = (Array.isArray(emails) ? emails : [])
    .map((e) => jsonObject(e, "GitHub email"))
    .filter((e) => e.verified === true && text(e.email) !== "");
  const chosen =
    verified.find((e) => text(e.email) === text(profile.email)) ?? verified.find((e) => e.primary === true);
  return userFrom(tokens, profile, {
    id: text(profile.id),
    name: text(profile.name),
    username: text(profile.login),
    email: chosen ? text(chosen.email) : "",
    emailVerified: chosen !== undefined,
    avatarURL: text(profile.avatar_url),
  });
}

/**
 * Microsoft Graph /me. Its `mail` is set by users or tenant admins and is not proof of ownership
 * (the "nOAuth" class of takeovers), so it is never treated as verified.
 */
async function microsoftUser(p: ResolvedProvider, tokens: ProviderTokens): Promise<OAuth2User> {
  const me = await userInfo(p, tokens);
  return userFrom(tokens, me, {
    id: text(me.id),
    name: text(me.displayName),
    username: "",
    email: text(me.mail),
    emailVerified: false,
    avatarURL: "",
  });
}

/** Apple has no userinfo endpoint: everything comes from the verified ID token. */
async function appleUser(p: ResolvedProvider, tokens: ProviderTokens, verifier: string): Promise<OAuth2User> {
  return fromStandardClaims(tokens, await idTokenClaims(p, tokens, verifier));
}

/** Reads the provider account behind the tokens, the way its provider kind requires. */
export async function fetchProviderUser(
  p: ResolvedProvider,
  tokens: ProviderTokens,
  verifier: string,
): Promise<OAuth2User> {
  switch (p.userSource) {
    case "oidc":
      return oidcUser(p, tokens, verifier);
    case "google":
      return fromStandardClaims(tokens, await userInfo(p, tokens));
    case "github":
      return githubUser(p, tokens);
    case "microsoft":
      return microsoftUser(p, tokens);
    case "apple":
      return appleUser(p, tokens, verifier);
  }
}
