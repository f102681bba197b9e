import type { Collection } from "../collections/model.js";
import type { JobHandler } from "../jobs/job-types.js";
import type { HookEntry } from "./hook-chain.js";
import type { RoutePath } from "./route-path.js";
import type {
  Handler,
  Middleware,
  RecordAfterEvent,
  RecordAuthRequestEvent,
  RecordEvent,
  RecordRequestEvent,
  RecordsListRequestEvent,
  RouteHandler,
} from "./types.js";

/** Every hookable moment, with the event its handlers receive. */
export interface HookEvents {
  recordValidate: RecordEvent;
  recordCreate: RecordEvent;
  recordUpdate: RecordEvent;
  recordDelete: RecordEvent;
  recordAfterCreateSuccess: RecordAfterEvent;
  recordAfterUpdateSuccess: RecordAfterEvent;
  recordAfterDeleteSuccess: RecordAfterEvent;
  recordAfterCreateError: RecordAfterEvent;
  recordAfterUpdateError: RecordAfterEvent;
  recordAfterDeleteError: RecordAfterEvent;
  recordCreateRequest: RecordRequestEvent;
  recordUpdateRequest: RecordRequestEvent;
  recordDeleteRequest: RecordRequestEvent;
  recordViewRequest: RecordRequestEvent;
  recordsListRequest: RecordsListRequestEvent;
  recordAuthRequest: RecordAuthRequestEvent;
}
export type HookName = keyof HookEvents;

export interface CustomRoute {
  method: string;
  path: RoutePath;
  handler: RouteHandler;
  middlewares: Middleware[];
  label: string;
}

export interface CronEntry {
  id: string;
  expression: string;
  fn: (tick: { scheduledAt: string }) => Promise<void> | void;
  label: string;
}

/**
 * What the loaded hooks files registered. A reload (--dev) builds a new registry and swaps it in
 * whole, so a request sees either the old hooks or the new ones, never a mix.
 */
export class HookRegistry {
  private readonly handlers = new Map<HookName, HookEntry<never>[]>();
  readonly routes: CustomRoute[] = [];
  readonly crons: CronEntry[] = [];
  /** Jobs defined by hooks: defined on the queue when this registry becomes the live one. */
  readonly jobs: { name: string; handler: JobHandler<never> }[] = [];

  add<N extends HookName>(name: N, entry: HookEntry<HookEvents[N]>): void {
    const list = this.handlers.get(name) ?? [];
    list.push(entry as HookEntry<never>);
    this.handlers.set(name, list);
  }

  /** The handlers of `name` that listen to this collection (by name or id), in registration order. */
  for<N extends HookName>(name: N, collection: Pick<Collection, "id" | "name">): HookEntry<HookEvents[N]>[] {
    const list = this.handlers.get(name) as HookEntry<HookEvents[N]>[] | undefined;
    if (!list) return NO_HANDLERS;
    return list.filter(
      (h) =>
        h.collections.length === 0 ||
        h.collections.includes(collection.name) ||
        h.collections.includes(collection.id),
    );
  }

  /** Whether any of these moments has a handler for the collection (the fast path skips hooks entirely). */
  any(names: readonly HookName[], collection: Pick<Collection, "id" | "name">): boolean {
    return names.some((n) => this.for(n, collection).length > 0);
  }

  get isEmpty(): boolean {
    return this.handlers.size === 0 && this.routes.length === 0 && this.crons.length === 0;
  }
}

const NO_HANDLERS: never[] = [];

export type { Handler };
