import { sql } from "kysely";
import { type Actor, writeAudit } from "../audit/audit-entry.js";
import { nowDate } from "../ids.js";
import type { Store } from "../store/store.js";
import { defaultSettings, SECRET_PATHS, type Settings } from "./settings-model.js";
import { mergeSettings } from "./validate-settings.js";

const PARAM_ID = "settings";
/** How long a node trusts its cached copy before re-reading (changes on another node show up within this). */
const CACHE_MS = 2000;

/** Reads and writes the settings document; callers get a cached, frozen copy. */
export class SettingsService {
  private cached: { value: Settings; at: number } | undefined;

  constructor(private readonly store: Store) {}

  /** The cached settings while they are fresh, without waiting (hot paths check this first). */
  peek(): Settings | undefined {
    return this.cached && Date.now() - this.cached.at < CACHE_MS ? this.cached.value : undefined;
  }

  async get(): Promise<Settings> {
    const fresh = this.peek();
    if (fresh) return fresh;
    const rows = await sql<{ value: string }>`SELECT value FROM _params WHERE id = ${PARAM_ID}`.execute(
      this.store.db,
    );
    const stored = rows.rows[0] ? (JSON.parse(rows.rows[0].value) as Partial<Settings>) : {};
    const value = deepFreeze(
      mergeSettings(defaultSettings(), stored as Record<string, unknown>, { lenient: true }),
    );
    this.cached = { value, at: Date.now() };
    return value;
  }

  /** Validates a partial update, stores it with an audit entry, and returns the new settings. */
  async update(patch: Record<string, unknown>, actor: Actor | null): Promise<Settings> {
    const next = mergeSettings(await this.get(), patch, { lenient: false });
    const json = JSON.stringify(next);
    await this.store.transaction(async (tx) => {
      const updated =
        await sql`UPDATE _params SET value = ${json}, updated = ${nowDate()} WHERE id = ${PARAM_ID}`.execute(
          tx,
        );
      if (Number(updated.numAffectedRows ?? 0) === 0) {
        await sql`INSERT INTO _params (id, value, updated) VALUES (${PARAM_ID}, ${json}, ${nowDate()})`.execute(
          tx,
        );
      }
      await writeAudit(tx, { action: "settings.update", actor, changes: Object.keys(patch) });
    });
    this.cached = undefined;
    return this.get();
  }
}

/** Settings as the API shows them: secrets replaced by "" (PocketBase masks the same way). */
export function maskSecrets(settings: Settings): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(settings)) as Record<string, Record<string, unknown>>;
  for (const [section, key] of SECRET_PATHS) {
    const s = copy[section as string];
    if (s && key) s[key] = "";
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
