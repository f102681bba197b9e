import type { SettingsService } from "../settings/settings-service.js";
import { SETTINGS_VERSION } from "../settings/settings-service.js";
import { paramVersionsQuery, versionsFromRows } from "../store/param-versions.js";
import { FreshValue } from "../store/postgres/fresh-value.js";
import { SnapshotClock, snapshotOf, stampsWithSnapshotQuery } from "../store/postgres/snapshot-clock.js";
import type { ChangeClock, Store } from "../store/store.js";
import { type CollectionRegistry, VERSION_PARAM } from "./registry.js";

const STAMPS = [VERSION_PARAM, SETTINGS_VERSION] as const;

/**
 * Keeps this node's collection definitions and settings those committed in the store, for
 * several nodes (or a server and the CLI) sharing one database. `ensure()` runs before a request
 * uses them: it reads both version stamps with a read that starts after the request arrived, so a
 * change whose response was sent before (by any node) is loaded before the request goes on.
 *
 * Cost: on SQLite, while nothing was committed since the last look (`store.changeWatch`: a
 * `PRAGMA data_version` and a counter, no table read), nothing more; else one synchronous read of
 * the stamps. On PostgreSQL one round trip shared by every
 * request that arrives while the previous read runs (see FreshValue), so under load it is one
 * query per round trip, not per request. A change seen moves this node to it once (shared reload).
 */
export class FreshDefinitions {
  private readonly shared: FreshValue<Map<string, string>>;
  /** Compiled once: the hot path only runs it. */
  private readonly query;
  private watcher: NodeJS.Timeout | undefined;
  /** SQLite: says whether the stamps may have moved since they were last read. */
  private mayHaveMoved: (() => boolean) | undefined;
  /** A reload the last read started: later requests wait for it too, the stamps unread. */
  private pending: Promise<void> | undefined;

  /** PostgreSQL: the change clock the stamp reads move (see ChangeClock). */
  private readonly snapshots: SnapshotClock | undefined;
  /**
   * The store's change clock (SQLite's own; on PostgreSQL the one these looks keep), for caches of
   * rows that answer only while nothing was committed (auth/auth-record-cache.ts).
   */
  readonly clock: ChangeClock | undefined;

  constructor(
    private readonly store: Store,
    private readonly registry: CollectionRegistry,
    private readonly settings: SettingsService,
  ) {
    this.snapshots = store.dialect === "postgres" ? new SnapshotClock() : undefined;
    this.query = this.snapshots
      ? stampsWithSnapshotQuery(this.store.db, STAMPS)
      : paramVersionsQuery(this.store.db, STAMPS);
    this.clock = store.changeClock ?? this.snapshots;
    this.mayHaveMoved = store.changeWatch?.();
    this.shared = new FreshValue(async () => {
      const look = this.snapshots?.begin();
      const result = await this.store.db.executeQuery(this.query);
      if (look !== undefined) this.snapshots?.finish(look, snapshotOf(result.rows));
      return versionsFromRows(STAMPS, result.rows);
    });
  }

  /** Resolves once the definitions are the committed ones; `undefined` when nothing is to wait for. */
  ensure(): Promise<void> | undefined {
    if (this.pending) return this.pending;
    if (this.mayHaveMoved && !this.mayHaveMoved()) return undefined;
    const rows = this.store.readNow?.(this.query);
    if (rows) return this.track(this.apply(versionsFromRows(STAMPS, rows)));
    return this.shared.get().then((versions) => this.apply(versions));
  }

  private track(reload: Promise<void> | undefined): Promise<void> | undefined {
    if (!reload) return undefined;
    const settled = reload.then(
      () => {
        this.pending = undefined;
      },
      (err: unknown) => {
        this.pending = undefined;
        // The reload failed: the stamps must be read again, although nothing moves after it.
        this.mayHaveMoved = this.store.changeWatch?.();
        throw err;
      },
    );
    this.pending = settled;
    return settled;
  }

  private apply(versions: Map<string, string>): Promise<void> | undefined {
    this.settings.refreshIfMoved(versions.get(SETTINGS_VERSION) ?? "");
    return this.registry.refreshIfMoved(versions.get(VERSION_PARAM) ?? "");
  }

  /**
   * For work no request starts (schedules, the outbox dispatcher's rules): checks every
   * `intervalMs`, one single-row read per interval.
   */
  watch(intervalMs = 1000): void {
    this.watcher ??= setInterval(() => {
      Promise.resolve(this.ensure()).catch(() => {}); // a store hiccup: try again next tick
    }, intervalMs);
    this.watcher.unref();
  }

  stopWatching(): void {
    if (this.watcher) clearInterval(this.watcher);
    this.watcher = undefined;
  }
}
