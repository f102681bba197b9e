import type { Collection } from "../collections/model.js";
import type { OutboxEntry } from "../events/outbox.js";
import type { RequestContext } from "../records/request-context.js";
import type { Subscription } from "./client.js";
import { EventFrame } from "./event-frame.js";
import { isOwnRecord, type SerializeDeps, serializeEvent } from "./serialize-event.js";
import type { Topic } from "./topic.js";

/** The subscribers of one event that get the same bytes: their data, and its frame per topic. */
interface DataGroup {
  /** Set once `ready` resolves; stays undefined when serialization failed. */
  data: string | undefined;
  frames: Map<string, EventFrame>;
  ready: Promise<void>;
}

/**
 * Hands one event to every entitled subscription. The record is serialized once per group of
 * subscribers that get the same bytes (`SubscriberView.dataKey`, plus whether the record is the
 * subscriber's own), each group's frame is built once per topic, and then every subscriber gets
 * its frame without another await: the event reaches all of them in the same turn, after the
 * previous event and before the next, so each subscriber's order is the commit order.
 */
export async function sendEach(
  deps: SerializeDeps,
  collection: Collection,
  entry: OutboxEntry,
  allowed: readonly Subscription[],
  log: (message: string, err: unknown) => void,
): Promise<void> {
  const groups = new Map<string, DataGroup>();
  const recipients: Subscription[] = [];
  const recipientGroups: DataGroup[] = [];
  for (const sub of allowed) {
    const { client, topic } = sub;
    // The client may have left, or changed subscriptions, while the rules were checked.
    if (client.subscriptions.get(topic.raw) !== sub) continue;
    const view = client.viewOf(sub);
    const key = isOwnRecord(collection, entry.recordId, view.ctx) ? `${view.dataKey}|own` : view.dataKey;
    let group = groups.get(key);
    if (!group) {
      group = serializeGroup(deps, collection, entry, topic, view.ctx, log);
      groups.set(key, group);
    }
    recipients.push(sub);
    recipientGroups.push(group);
  }
  if (recipients.length === 0) return;
  await Promise.all(Array.from(groups.values(), (g) => g.ready));
  for (let i = 0; i < recipients.length; i++) {
    const sub = recipients[i] as Subscription;
    const group = recipientGroups[i] as DataGroup;
    const { client, topic } = sub;
    if (group.data === undefined || client.subscriptions.get(topic.raw) !== sub) continue;
    let frame = group.frames.get(topic.raw);
    if (!frame) {
      frame = new EventFrame(topic.raw, group.data);
      group.frames.set(topic.raw, frame);
    }
    client.transport?.send(frame);
  }
}

/** Starts serializing the event for one group; a failure is logged and the group gets nothing. */
function serializeGroup(
  deps: SerializeDeps,
  collection: Collection,
  entry: OutboxEntry,
  topic: Topic,
  ctx: RequestContext,
  log: (message: string, err: unknown) => void,
): DataGroup {
  const group: DataGroup = { data: undefined, frames: new Map(), ready: Promise.resolve() };
  group.ready = serializeEvent(deps, collection, entry, topic, ctx).then(
    (data) => {
      group.data = data;
    },
    (err) => log(`realtime serialization failed for ${collection.name}`, err),
  );
  return group;
}
