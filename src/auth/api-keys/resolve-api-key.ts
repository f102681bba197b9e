import type { Store } from "../../store/store.js";
import { hashApiKey } from "./api-key-secret.js";
import { findActiveApiKey, touchApiKey } from "./api-key-store.js";
import type { ApiKeyPrincipal } from "./principal.js";

/** `last_used` is a hint, not a log: written at most once a minute per key and process. */
const TOUCH_EVERY_MS = 60_000;
const lastTouched = new Map<string, number>();

/**
 * The principal of a key, or null for unknown and revoked keys. Not cached: a revoked key must
 * stop working on the next request, on every node.
 */
export async function resolveApiKey(store: Store, key: string): Promise<ApiKeyPrincipal | null> {
  const found = await findActiveApiKey(store.db, hashApiKey(key));
  if (!found) return null;
  const now = Date.now();
  if (now - (lastTouched.get(found.id) ?? 0) > TOUCH_EVERY_MS) {
    lastTouched.set(found.id, now);
    // Fire and forget: a failed hint must not fail the request.
    touchApiKey(store.db, found.id).catch(() => lastTouched.delete(found.id));
  }
  return { id: found.id, name: found.name, scopes: found.scopes };
}
