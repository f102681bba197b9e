import { hash, verify } from "@node-rs/argon2";

/** argon2id (the const enum Algorithm.Argon2id cannot be imported under verbatimModuleSyntax). */
const ARGON2ID = 2;

/** Longest password we hash: refusing longer input first keeps hashing cost bounded. */
export const MAX_PASSWORD_BYTES = 1024;

const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(plain: string): Promise<string> {
  if (Buffer.byteLength(plain) > MAX_PASSWORD_BYTES) throw new Error("password too long");
  return hash(plain, OPTIONS);
}

/** Verifies against an argon2 hash; false for anything malformed rather than throwing. */
export async function verifyPassword(stored: string, plain: string): Promise<boolean> {
  if (!stored || Buffer.byteLength(plain) > MAX_PASSWORD_BYTES) return false;
  try {
    return await verify(stored, plain);
  } catch {
    return false;
  }
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when the user doesn't exist, so both answers take the same time. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword("backroom-dummy-password-for-timing");
  return dummy;
}
