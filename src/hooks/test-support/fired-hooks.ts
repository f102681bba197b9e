import type { HookEvents, HookName } from "../hook-registry.js";
import { HookRegistry } from "../hook-registry.js";
import type { HookRuntime } from "../hook-runtime.js";

const EVERY_HOOK: { [N in HookName]: true } = {
  recordValidate: true,
  recordCreate: true,
  recordUpdate: true,
  recordDelete: true,
  recordAfterCreateSuccess: true,
  recordAfterUpdateSuccess: true,
  recordAfterDeleteSuccess: true,
  recordAfterCreateError: true,
  recordAfterUpdateError: true,
  recordAfterDeleteError: true,
  recordCreateRequest: true,
  recordUpdateRequest: true,
  recordDeleteRequest: true,
  recordViewRequest: true,
  recordsListRequest: true,
  recordAuthRequest: true,
};

export interface FiredHooks {
  /** Each hook that fired, in order, as `name` (or `name:collection` with `byCollection`). */
  readonly fired: string[];
  /** How often each hook fired since the last `reset()` (PocketBase's ExpectedEvents shape). */
  counts(): Record<string, number>;
  reset(): void;
  /** Puts back the hooks that were live before. */
  stop(): void;
}

/**
 * Records which hooks a scenario fires, like PocketBase's `ExpectedEvents`: swaps in a registry
 * with one pass-through handler on every hook (each calls `e.next()`), so the scenario runs as it
 * would with hooks that change nothing. Use on an app without hooks of its own (they are set aside
 * until `stop()`); with handlers on every hook, validation runs inside the write's transaction.
 */
export function recordFiredHooks(runtime: HookRuntime, opts: { byCollection?: boolean } = {}): FiredHooks {
  const previous = runtime.registry;
  const fired: string[] = [];
  const registry = new HookRegistry();
  for (const name of Object.keys(EVERY_HOOK) as HookName[]) {
    registry.add(name, {
      label: `fired-hooks: ${name}`,
      collections: [],
      fn: async (e: HookEvents[HookName]) => {
        fired.push(opts.byCollection ? `${name}:${e.collection.name}` : name);
        await e.next();
      },
    });
  }
  runtime.use(registry);
  return {
    fired,
    counts() {
      const counts: Record<string, number> = {};
      for (const name of fired) counts[name] = (counts[name] ?? 0) + 1;
      return counts;
    },
    reset() {
      fired.length = 0;
    },
    stop() {
      runtime.use(previous);
    },
  };
}
