import { limiterUnavailable, RateLimitError, tooManyRequests } from "../../errors/rate-limit-error.js";

/** The numbers of `settings.authFailureLimits`. */
export interface AuthFailureLimits {
  perIdentity: number;
  perIdentityDuration: number;
  perIP: number;
  perIPDuration: number;
}

/** What the guard needs of a counter store (`http/rate-limit/counter-store.ts` has it, in memory or Redis). */
export interface AttemptCounters {
  hit(
    key: string,
    windowMs: number,
    cost: number,
    max: number,
    opts?: { sliding?: boolean },
  ): Promise<{ allowed: boolean; resetInMs: number }>;
  peek(key: string): Promise<{ count: number; resetInMs: number }>;
  refund(key: string, cost: number): Promise<void>;
}

export interface FailedAttemptsDeps {
  counters: AttemptCounters;
  /** The limits in force, or null while rate limits are off. */
  limits(): Promise<AuthFailureLimits | null>;
}

/** One check of a secret, begun: report how it went so the counters learn it. */
export interface Attempt {
  /** The secret was right (or the check never ran): the attempt is given back. */
  passed(): Promise<void>;
  failed(): Promise<void>;
}

const UNCOUNTED: Attempt = { passed: async () => {}, failed: async () => {} };

/**
 * Throttles the guessing of passwords and codes, not their use: only failed checks count.
 *
 * - Per account (any address): each check reserves one attempt before the secret is compared and
 *   gives it back when the secret was right, so failures alone fill the counter, and parallel
 *   guesses can't all slip in before the first failure is counted. Each counted attempt restarts
 *   the window, so the lock holds until a full window passes without a failure; meanwhile every
 *   check of that account is refused, the right password too (else a lockout would only slow
 *   down an attacker who waits for it).
 * - Per client address (any accounts): failures counted after the fact, refused once the count
 *   is reached within a window that opens with the first failure (credential stuffing: many
 *   accounts, few guesses each).
 *
 * A refusal is a 429 with Retry-After; while the counters can't be reached, checks fail closed
 * (503), as the auth routes' request limits do.
 */
export class FailedAttempts {
  constructor(private readonly deps: FailedAttemptsDeps) {}

  /**
   * Call before comparing a secret. `identity` names the account (`<collectionId>:<recordId>`, or
   * the identity as typed when it matches no record), `ip` the client; either may be empty.
   */
  async begin(identity: string, ip: string): Promise<Attempt> {
    const limits = await this.deps.limits();
    if (!limits) return UNCOUNTED;
    const { counters } = this.deps;
    const byIdentity =
      identity !== "" && limits.perIdentity > 0
        ? `authfail|id|${limits.perIdentity}/${limits.perIdentityDuration}|${identity}`
        : undefined;
    const byIp =
      ip !== "" && limits.perIP > 0 ? `authfail|ip|${limits.perIP}/${limits.perIPDuration}|${ip}` : undefined;
    try {
      if (byIp) {
        const seen = await counters.peek(byIp);
        if (seen.count >= limits.perIP) throw tooManyRequests(seen.resetInMs);
      }
      if (byIdentity) {
        const windowMs = limits.perIdentityDuration * 1000;
        const reserved = await counters.hit(byIdentity, windowMs, 1, limits.perIdentity, { sliding: true });
        if (!reserved.allowed) throw tooManyRequests(reserved.resetInMs);
      }
    } catch (err) {
      throw err instanceof RateLimitError ? err : limiterUnavailable();
    }
    return {
      // Best effort: the store answered a moment ago; a lost refund costs one attempt of ten.
      passed: async () => {
        if (byIdentity) await counters.refund(byIdentity, 1).catch(() => {});
      },
      failed: async () => {
        if (byIp)
          await counters
            .hit(byIp, limits.perIPDuration * 1000, 1, Number.MAX_SAFE_INTEGER)
            .catch(() => undefined);
      },
    };
  }

  /** Runs `compare` (the secret comparison) as one attempt; resolves with its result. */
  async check(identity: string, ip: string, compare: () => Promise<boolean>): Promise<boolean> {
    const attempt = await this.begin(identity, ip);
    let ok: boolean;
    try {
      ok = await compare();
    } catch (err) {
      await attempt.passed(); // an error is no guess
      throw err;
    }
    await (ok ? attempt.passed() : attempt.failed());
    return ok;
  }
}
