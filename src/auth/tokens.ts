import { decodeJwt, jwtVerify, SignJWT } from "jose";
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
  return new SignJWT({ ...extra, id: record.id, type, collectionId: collection.id })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setExpirationTime(Math.floor(Date.now() / 1000) + durationSeconds)
    .sign(signingKey(collection, record, type));
}

/** Reads claims without trusting them (to find whose key verifies the token). */
export function peekClaims(token: string): Partial<TokenClaims> | null {
  try {
    return decodeJwt(token) as Partial<TokenClaims>;
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
