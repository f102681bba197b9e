import { sql } from "kysely";
import { type Actor, writeAudit } from "../audit/audit-entry.js";
import { classifyDependencyError } from "../errors/dependency-errors.js";
import { nowDate, randomId } from "../ids.js";
import { bumpParamVersion, readParamVersionHeld } from "../store/param-versions.js";
import type { Store } from "../store/store.js";
import { defaultSettings, SECRET_PATHS, type Settings } from "./settings-model.js";
import { mergeSettings } from "./validate-settings.js";

const PARAM_ID = "settings";
/** The `_params` row stamping the settings document: a new value with every change. */
export const SETTINGS_VERSION = "settings_version";

/**
 * Reads and writes the settings document; callers get a cached, frozen copy. The copy is kept
 * until the settings' version stamp moves (`refreshIfMoved`, called before each request by
 * FreshDefinitions), so a change made through any node holds here from the next request.
 */
export class SettingsService {
  private cached: { value: Settings } | undefined;
  /** The stamp last seen; undefined until the first check. */
  private seenVersion: string | undefined;
  /** Bumped when the cache is dropped, so a read that began before can't store an older copy. */
  private generation = 0;
  /** The last copy read, kept through a database outage. */
  private lastRead: Settings | undefined;
  /** `meta.appURL` until one is saved: the address `serve` listens on (see `useListenAddress`). */
  private defaultAppURL: string | undefined;

  constructor(private readonly store: Store) {}

  /** The cached settings, without waiting (hot paths check this first). */
  peek(): Settings | undefined {
    return this.cached?.value;
  }

  /** Drops the cached copy when `committed` (the stamp just read from the store) isn't the one seen. */
  refreshIfMoved(committed: string): void {
    if (committed === this.seenVersion) return;
    this.seenVersion = committed;
    this.invalidate();
  }

  /**
   * The settings, read again after a change. While the database can't be reached, the last copy
   * read stands in (each call still tries the database first): requests that need no database
   * (health, the rate limiter's checks) keep working through an outage.
   */
  async get(): Promise<Settings> {
    const fresh = this.peek();
    if (fresh) return fresh;
    const generation = this.generation;
    let rows: { rows: { value: string }[] };
    try {
      rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${PARAM_ID}`.execute(
        this.store.db,
      );
    } catch (err) {
      if (this.lastRead && classifyDependencyError(err) === "database-unavailable") return this.lastRead;
      throw err;
    }
    const value = this.fromStored(rows.rows[0]?.value);
    this.lastRead = value;
    if (generation === this.generation) this.cached = { value };
    return value;
  }

  /**
   * The server's own address becomes the Application URL's default, so links in emails reach this
   * server (rather than a made-up :8090) until an admin saves another one.
   */
  useListenAddress(url: string): void {
    this.defaultAppURL = url.replace(/\/+$/, "");
    this.invalidate();
  }

  /** Forgets the cached copy (after a restore replaced the stored settings). */
  invalidate(): void {
    this.cached = undefined;
    this.generation++;
  }

  /** The settings a stored document (or none) stands for: defaults, then what was saved. */
  private fromStored(json: string | undefined): Settings {
    const stored = json ? (JSON.parse(json) as Partial<Settings>) : {};
    withoutDefaultAppURL(stored, this.defaultAppURL);
    const defaults = defaultSettings();
    if (this.defaultAppURL) defaults.meta.appURL = this.defaultAppURL;
    return deepFreeze(mergeSettings(defaults, stored as Record<string, unknown>, { lenient: true }));
  }

  /**
   * Validates a partial update, stores it with an audit entry, and returns the new settings. The
   * patch is applied to the document as committed, read inside the transaction with the settings'
   * stamp held: two saves at once (on one node or two) both land, neither undoes the other.
   */
  update(patch: Record<string, unknown>, actor: Actor | null): Promise<Settings> {
    return this.save(patch, actor, () => false);
  }

  /**
   * Stores `patch` unless the committed settings already pass `isSet`: for values made on first
   * use (the VAPID key pair), so nodes doing it at once keep the first pair rather than the last.
   */
  initialize(isSet: (settings: Settings) => boolean, patch: Record<string, unknown>): Promise<Settings> {
    return this.save(patch, null, isSet);
  }

  private async save(
    patch: Record<string, unknown>,
    actor: Actor | null,
    skip: (committed: Settings) => boolean,
  ): Promise<Settings> {
    const version = `${nowDate()} ${randomId(6)}`;
    const saved = await this.store.transaction(async (tx) => {
      // The stamp row must exist to be locked; a first save on two nodes at once waits here.
      await sql`INSERT INTO _params (id, value, updated) VALUES (${SETTINGS_VERSION}, '', ${nowDate()})
        ON CONFLICT (id) DO NOTHING`.execute(tx);
      await readParamVersionHeld(tx, this.store.dialect, SETTINGS_VERSION, "update");
      const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${PARAM_ID}`.execute(tx);
      const committed = this.fromStored(rows.rows[0]?.value);
      if (skip(committed)) return false;
      const next = mergeSettings(committed, patch, { lenient: false });
      const json = JSON.stringify(withoutDefaultAppURL(structuredClone(next), this.defaultAppURL));
      const updated =
        await sql`UPDATE _params SET value = ${json}, updated = ${nowDate()} WHERE id = ${PARAM_ID}`.execute(
          tx,
        );
      if (Number(updated.numAffectedRows ?? 0) === 0) {
        await sql`INSERT INTO _params (id, value, updated) VALUES (${PARAM_ID}, ${json}, ${nowDate()})`.execute(
          tx,
        );
      }
      await bumpParamVersion(tx, SETTINGS_VERSION, version);
      await writeAudit(tx, { action: "settings.update", actor, changes: Object.keys(patch) });
      return true;
    });
    if (saved) this.seenVersion = version;
    this.invalidate();
    return this.get();
  }
}

/**
 * A stored document without an Application URL that is only a default (this server's address, or
 * the built-in one older versions stored with any save), so the default keeps following the
 * address the server listens on.
 */
function withoutDefaultAppURL<T extends Partial<Settings>>(doc: T, listenDefault: string | undefined): T {
  const url = (doc.meta as { appURL?: unknown } | undefined)?.appURL;
  if (doc.meta && (url === defaultSettings().meta.appURL || (listenDefault && url === listenDefault))) {
    const { appURL: _, ...meta } = doc.meta;
    (doc as Partial<Settings>).meta = meta as Settings["meta"];
  }
  return doc;
}

/** Settings as the API shows them: secrets replaced by "" (PocketBase masks the same way). */
export function maskSecrets(settings: Settings): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(settings)) as Record<string, unknown>;
  for (const path of SECRET_PATHS) {
    let node = copy as Record<string, unknown> | undefined;
    for (const key of path.slice(0, -1)) node = node?.[key] as Record<string, unknown> | undefined;
    const last = path[path.length - 1] as string;
    if (node && last in node) node[last] = "";
  }
  return copy;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
