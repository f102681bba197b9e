import type { Collection } from "../collections/model.js";
import type { RequestContext } from "../records/request-context.js";
import type { Db } from "../store/store.js";
import { eventErrors } from "./event-errors.js";
import { hookAuth, hookCollection, hookRequest } from "./hook-context.js";
import type { HookRuntime } from "./hook-runtime.js";
import type { RecordRequestEvent } from "./types.js";

/** A response a hook chose with `e.json(status, body)`, sent instead of the usual one. */
export class HookReply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}

  /** A chain stopped without a record and without a reply: 204, nothing to show. */
  static empty(): HookReply {
    return new HookReply(204, undefined);
  }
}

/** A request-level event and how to read its outcome once the chain has run. */
export function requestEvent(
  hooks: HookRuntime,
  collection: Collection,
  ctx: RequestContext,
  body: Record<string, unknown>,
  db?: Db,
) {
  let reply: HookReply | undefined;
  const event: RecordRequestEvent = {
    ...eventErrors,
    app: hooks.dataApp(db),
    collection: hookCollection(collection),
    auth: hookAuth(ctx),
    request: hookRequest(ctx, body),
    body,
    record: null,
    json: (status, value) => {
      reply = new HookReply(status, value);
    },
    next: async () => {},
  };
  return {
    event,
    reply: () => reply,
    /** The hook's reply, else the record the chain produced, else an empty 204. */
    result: (): Record<string, unknown> | HookReply => reply ?? event.record ?? HookReply.empty(),
  };
}
