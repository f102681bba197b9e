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
 * The JSON data of one event for one subscriber: `{"action","record"}`, the record serialized as
 * the REST API would for that caller (hidden fields out, auth emails by visibility, expand through
 * view rules, fields projection). Subscribers that would get identical bytes share one
 * serialization per event through `cache`.
 */
export function eventData(
  deps: SerializeDeps,
  collection: Collection,
  entry: OutboxEntry,
  topic: Topic,
  ctx: RequestContext,
  principal: Principal | null,
  cache: Map<string, Promise<string>>,
): Promise<string> {
  const record = entry.record as RecordValues;
  const self =
    collection.type === "auth" &&
    ctx.auth?.collection.id === collection.id &&
    ctx.auth.record.id === record.id;
  let key = `${ctx.superuser ? 1 : 0}|${self ? 1 : 0}|${topic.fieldsText}`;
  // What an expand shows depends on who asks and on the @request values its view rules may read.
  if (topic.expand.size > 0)
    key += `|${topic.expandText}|${identityKey(principal)}|${JSON.stringify(topic.query)}|${JSON.stringify(topic.headers)}`;
  let data = cache.get(key);
  if (!data) {
    data = serialize(deps, collection, entry, record, topic, ctx);
    cache.set(key, data);
  }
  return data;
}

async function serialize(
  deps: SerializeDeps,
  collection: Collection,
  entry: OutboxEntry,
  record: RecordValues,
  topic: Topic,
  ctx: RequestContext,
): Promise<string> {
  const api =
    topic.expand.size > 0
      ? (await serializeWithExpand(deps, collection, [record], topic.expand, ctx))[0]
      : recordToApi(collection, record, ctx);
  return JSON.stringify({ action: entry.action, record: topic.fields ? project(api, topic.fields) : api });
}
