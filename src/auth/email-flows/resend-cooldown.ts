/** PocketBase's window: asking again within it sends nothing new. */
export const RESEND_WINDOW_MS = 2 * 60 * 1000;
/** Bounds the memory a flood of distinct requests can take; expired entries go first. */
const MAX_ENTRIES = 50_000;

/**
 * Remembers which mails were sent recently (per node, in memory), so repeating a request-*
 * call doesn't mail the same person again within the window.
 */
export class ResendCooldown {
  private readonly until = new Map<string, number>();

  constructor(private readonly windowMs = RESEND_WINDOW_MS) {}

  /** True when `key` may send now (and starts its window); false while a window is running. */
  claim(key: string, now = Date.now()): boolean {
    const ends = this.until.get(key);
    if (ends !== undefined && ends > now) return false;
    if (this.until.size >= MAX_ENTRIES) this.prune(now);
    this.until.set(key, now + this.windowMs);
    return true;
  }

  /** Gives the window back (the send failed, so a retry should be allowed). */
  release(key: string): void {
    this.until.delete(key);
  }

  private prune(now: number): void {
    for (const [key, ends] of this.until) if (ends <= now) this.until.delete(key);
    // Still full of live entries: drop the oldest (Map keeps insertion order).
    for (const key of this.until.keys()) {
      if (this.until.size < MAX_ENTRIES) break;
      this.until.delete(key);
    }
  }
}

const cooldowns = new WeakMap<object, ResendCooldown>();

/** The cooldown of one app (keyed by its services object). */
export function cooldownFor(owner: object): ResendCooldown {
  let c = cooldowns.get(owner);
  if (!c) {
    c = new ResendCooldown();
    cooldowns.set(owner, c);
  }
  return c;
}

/**
 * Sends at most once per window for `key`: a repeat within it is silently skipped, and a failed
 * send frees the window again (the error still propagates, to be logged).
 */
export async function sendOncePerWindow(
  owner: object,
  key: string,
  send: () => Promise<void>,
): Promise<void> {
  const cooldown = cooldownFor(owner);
  if (!cooldown.claim(key)) return;
  try {
    await send();
  } catch (err) {
    cooldown.release(key);
    throw err;
  }
}
