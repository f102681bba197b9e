import type { Collection } from "../collections/model.js";
import type { Transport } from "../realtime/client.js";
import type { RealtimeHub } from "../realtime/hub.js";
import type { Principal } from "../realtime/principal.js";
import type { RecordChange } from "./executable-schema.js";

/** Events a subscription holds for a reader that is behind; past this it is ended (as SSE drops slow readers). */
const MAX_PENDING = 1000;

/**
 * The changes to `collection`'s records a subscriber may see, from the realtime hub: a hub client
 * of its own subscribed to `<collection>/*` with the subscriber's principal, so the events and
 * their per-subscriber authorization (view/list rules, hidden fields) are SSE's, fed by the same
 * outbox fan-out. Ends when `signal` aborts or the hub closes the client.
 */
export async function* recordChanges(
  hub: RealtimeHub,
  collection: Collection,
  subscriber: { principal: Principal | null; ip: string },
  signal: AbortSignal,
): AsyncGenerator<RecordChange> {
  const pending: RecordChange[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const transport: Transport = {
    send(frame) {
      if (pending.length >= MAX_PENDING) return hub.disconnect(client.id);
      pending.push(JSON.parse(frame.data) as RecordChange);
      wake?.();
    },
    heartbeat() {},
    close() {
      closed = true;
      wake?.();
    },
  };
  const client = hub.connect(subscriber.ip, () => transport);
  const end = () => hub.disconnect(client.id);
  signal.addEventListener("abort", end, { once: true });
  try {
    hub.setSubscriptions(client.id, [`${collection.name}/*`], subscriber.principal);
    while (true) {
      const next = pending.shift();
      if (next) {
        yield next;
        continue;
      }
      if (closed || signal.aborted) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal.removeEventListener("abort", end);
    end();
  }
}
