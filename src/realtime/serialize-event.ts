import type { Collection } from "../collections/model.js";
import type { CollectionRegistry } from "../collections/registry.js";
import type { OutboxEntry } from "../events/outbox.js";
import { serializeWithExpand } from "../records/expand.js";
import { project } from "../records/fields-projection.js";
import type { RecordQuery } from "../records/record-query.js";
import type { RequestContext } from "../records/request-context.js";
import type { RecordValues } from "../records/row-mapping.js";
import { recordToApi } from "../records/serialize.js";
import { identityKey, type Principal } from "./principal.js";
import type { Topic } from "./topic.js";

export interface SerializeDeps {
  registry: CollectionRegistry;
  query: RecordQuery;
}

/**
 * What decides a subscriber's event bytes apart from the record: superuser or not (hidden fields,
 * emails), the fields projection, and for expands who asks and the @request values their view
 * rules may read. Subscribers with equal keys share one serialization per event. Whether the
 * subscriber is the record itself (auth records show their own email) is added per event by
 * `isOwnRecord`.
 */
export function dataKeyOf(topic: Topic, ctx: RequestContext, principal: Principal | null): string {
  let key = `${ctx.superuser ? 1 : 0}|${topic.fieldsText}`;
  if (topic.expand.size > 0)
    key += `|${topic.expandText}|${identityKey(principal)}|${JSON.stringify(topic.query)}|${JSON.stringify(topic.headers)}`;
  return key;
}

/** Whether the subscriber is signed in as the auth record the event is about. */
export function isOwnRecord(collection: Collection, recordId: string, ctx: RequestContext): boolean {
  return (
    collection.type === "auth" && ctx.auth?.collection.id === collection.id && ctx.auth.record.id === recordId
  );
}

/**
 * The JSON data of one event for one group of subscribers: `{"action","record"}`, the record
 * serialized as the REST API would for that caller (hidden fields out, auth emails by visibility,
 * expand through view rules, fields projection).
 */
export async function serializeEvent(
  deps: SerializeDeps,
  collection: Collection,
  entry: OutboxEntry,
  topic: Topic,
  ctx: RequestContext,
): Promise<string> {
  const record = entry.record as RecordValues;
  const api =
    topic.expand.size > 0
      ? (await serializeWithExpand(deps, collection, [record], topic.expand, ctx))[0]
      : recordToApi(collection, record, ctx);
  return JSON.stringify({ action: entry.action, record: topic.fields ? project(api, topic.fields) : api });
}
