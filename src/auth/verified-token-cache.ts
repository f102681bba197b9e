/**
 * Remembers tokens whose signature already checked out against a given signing key, so a client
 * that sends the same token on every request costs one HMAC, not one per request. An entry only
 * counts while the record's tokenKey is unchanged (fingerprint) and the token has not expired, so
 * revocation and expiry behave exactly as without the cache.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { fingerprint: string; expiresAt: number }>();

  constructor(private readonly maxEntries: number) {}

  has(token: string, fingerprint: string): boolean {
    const entry = this.entries.get(token);
    if (!entry) return false;
    if (entry.fingerprint !== fingerprint || entry.expiresAt <= Date.now()) {
      this.entries.delete(token);
      return false;
    }
    return true;
  }

  add(token: string, fingerprint: string, expiresAt: number): void {
    if (!Number.isFinite(expiresAt)) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(token, { fingerprint, expiresAt });
  }
}
