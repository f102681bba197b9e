/** What a verified auth token names, remembered so repeat requests skip decoding and the HMAC. */
export interface VerifiedToken {
  id: string;
  collectionId: string;
  /** The signing key's identity when it verified (tokenKey + secret): a rotation revokes the entry. */
  fingerprint: string;
  expiresAt: number;
}

/**
 * Remembers tokens whose signature already checked out, so a client that sends the same token on
 * every request costs one decode and one HMAC, not one per request. An entry only counts while the
 * record's signing key is unchanged and the token has not expired, so revocation and expiry behave
 * exactly as without the cache.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedToken>();

  constructor(private readonly maxEntries: number) {}

  /** The entry for a token that has not expired (its fingerprint is checked by the caller). */
  get(token: string): VerifiedToken | undefined {
    const entry = this.entries.get(token);
    if (entry && entry.expiresAt <= Date.now()) {
      this.entries.delete(token);
      return undefined;
    }
    return entry;
  }

  add(token: string, entry: VerifiedToken): void {
    if (!Number.isFinite(entry.expiresAt)) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, entry);
  }

  delete(token: string): void {
    this.entries.delete(token);
  }
}
