/** jose is loaded on the first token operation (idle memory: a fresh server signs nothing). */
let jose: Promise<typeof import("jose")> | undefined;
const loadJose = () => {
  jose ??= import("jose");
  return jose;
};

import type { AuthOptions, Collection } from "../collections/model.js";

export type TokenType = "auth" | "verification" | "passwordReset" | "emailChange" | "file";

const OPTION_KEY: Record<TokenType, string> = {
  auth: "authToken",
  verification: "verificationToken",
  passwordReset: "passwordResetToken",
  emailChange: "emailChangeToken",
  file: "fileToken",
};

export interface TokenClaims {
  id: string;
  type: TokenType;
  collectionId: string;
  refreshable?: boolean;
  [claim: string]: unknown;
}

const encoder = new TextEncoder();

/**
 * The signing key of a record's tokens: its own tokenKey plus the collection's secret for that
 * token type. Changing either (password change, key reset) revokes every earlier token.
 */
function signingKey(collection: Collection, record: { tokenKey?: unknown }, type: TokenType): Uint8Array {
  const options = (collection.auth as AuthOptions)[OPTION_KEY[type]] as { secret: string };
  return encoder.encode(String(record.tokenKey ?? "") + options.secret);
}

export function tokenDuration(collection: Collection, type: TokenType): number {
  return ((collection.auth as AuthOptions)[OPTION_KEY[type]] as { duration: number }).duration;
}

export async function signToken(
  collection: Collection,
  record: { id: string; tokenKey?: unknown },
  type: TokenType,
  extra: Record<string, unknown> = {},
  durationSeconds = tokenDuration(collection, type),
): Promise<string> {
  const { SignJWT } = await loadJose();
  return new SignJWT({ ...extra, id: record.id, type, collectionId: collection.id })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(Math.floor(Date.now() / 1000) + durationSeconds)
    .sign(signingKey(collection, record, type));
}

/** Reads claims without trusting them (to find whose key verifies the token). */
export function peekClaims(token: string): Partial<TokenClaims> | null {
  // Only the payload's JSON is read here; the signature is checked by verifyToken.
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1] || parts[1].length > 8192) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    return claims !== null && typeof claims === "object" && !Array.isArray(claims)
      ? (claims as Partial<TokenClaims>)
      : null;
  } catch {
    return null;
  }
}

/** Verifies signature (HS256 only), expiry and type; null when anything is off. */
export async function verifyToken(
  token: string,
  collection: Collection,
  record: { id: string; tokenKey?: unknown },
  type: TokenType,
): Promise<TokenClaims | null> {
  const { jwtVerify } = await loadJose();
  try {
    const { payload } = await jwtVerify(token, signingKey(collection, record, type), {
      algorithms: ["HS256"],
    });
    if (payload.type !== type || payload.id !== record.id || payload.collectionId !== collection.id)
      return null;
    return payload as unknown as TokenClaims;
  } catch {
    return null;
  }
}
