import { nowDate } from "../../ids.js";
import { OAuth2Failure } from "./oauth2-failure.js";
import { fetchJson, jsonObject } from "./outbound-fetch.js";
import type { ResolvedProvider } from "./resolve-provider.js";

/** The provider's token response, reduced to what sign-in uses. */
export interface ProviderTokens {
  accessToken: string;
  refreshToken: string;
  idToken: string;
  /** PocketBase's date format, or "" when the provider gave no lifetime. */
  expiry: string;
  /** Other token response fields (Apple's one-time `user`). */
  raw: Record<string, unknown>;
}

const text = (v: unknown) => (typeof v === "string" ? v : "");

/**
 * Exchanges an authorization code at the provider's token endpoint (RFC 6749 §4.1.3, with the
 * RFC 7636 verifier). Client credentials go in the body (client_secret_post), which every preset
 * accepts; `Accept: application/json` makes GitHub answer JSON.
 */
export async function exchangeCode(
  p: ResolvedProvider,
  code: string,
  redirectURL: string,
  codeVerifier: string,
): Promise<ProviderTokens> {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    code,
    redirect_uri: redirectURL,
    client_id: p.clientId,
  });
  if (p.clientSecret !== "") body.set("client_secret", p.clientSecret);
  if (p.pkce) body.set("code_verifier", codeVerifier);
  const res = jsonObject(
    await fetchJson(p.tokenURL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body,
    }),
    "token response",
  );
  const accessToken = text(res.access_token);
  if (accessToken === "") throw new OAuth2Failure("token response without access_token");
  const expiresIn = Number(res.expires_in);
  return {
    accessToken,
    refreshToken: text(res.refresh_token),
    idToken: text(res.id_token),
    expiry:
      Number.isFinite(expiresIn) && expiresIn > 0 ? nowDate(new Date(Date.now() + expiresIn * 1000)) : "",
    raw: res,
  };
}
