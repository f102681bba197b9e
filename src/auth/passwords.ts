/** argon2id (the const enum Algorithm.Argon2id cannot be imported under verbatimModuleSyntax). */
const ARGON2ID = 2;

/** Longest password we hash: refusing longer input first keeps hashing cost bounded. */
export const MAX_PASSWORD_BYTES = 1024;

const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

type Argon2 = typeof import("@node-rs/argon2");
let argon2: Promise<Argon2> | undefined;
/** Loaded on first use: a server that never handles a password keeps ~5 MB less resident. */
const loadArgon2 = () => {
  argon2 ??= import("@node-rs/argon2");
  return argon2;
};

export async function hashPassword(plain: string): Promise<string> {
  if (Buffer.byteLength(plain) > MAX_PASSWORD_BYTES) throw new Error("password too long");
  return (await loadArgon2()).hash(plain, OPTIONS);
}

/** bcrypt hashes (`$2a$`, `$2b$`, `$2y$`) come from data imported from PocketBase. */
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/**
 * Verifies against an argon2id hash, or a bcrypt hash imported from PocketBase (see
 * needsRehash); false for anything malformed rather than throwing.
 */
export async function verifyPassword(stored: string, plain: string): Promise<boolean> {
  if (!stored || Buffer.byteLength(plain) > MAX_PASSWORD_BYTES) return false;
  try {
    if (BCRYPT.test(stored)) {
      // bcrypt only reads 72 bytes; PocketBase capped passwords at 71, so longer input never matched there.
      if (Buffer.byteLength(plain) > 72) return false;
      const bcrypt = (await import("bcryptjs")).default;
      return await bcrypt.compare(plain, stored);
    }
    return await (await loadArgon2()).verify(stored, plain);
  } catch {
    return false;
  }
}

/** Whether a stored hash should be replaced by an argon2id one after a successful sign-in. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith("$argon2id$");
}

let dummy: Promise<string> | undefined;
/** A hash to verify against when the user doesn't exist, so both answers take the same time. */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword("backroom-dummy-password-for-timing");
  return dummy;
}
