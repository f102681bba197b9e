import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import type { Services } from "../http/services.js";
import { appliedNames } from "../store/migrations/run-system-migrations.js";

export interface UserMigration {
  name: string;
  file: string;
}

interface MigrationModule {
  up?: (app: MigrationApi) => Promise<void> | void;
  down?: (app: MigrationApi) => Promise<void> | void;
}

/** What a migration file receives. */
export interface MigrationApi {
  collections: Services["collections"];
  records: Services["records"];
  db: Services["store"]["db"];
}

const FILE = /^(\d+_[A-Za-z0-9_-]+)\.(m?js)$/;

/** Migration files in name (timestamp) order. */
export async function listUserMigrations(dir: string): Promise<UserMigration[]> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] as string, file: join(dir, m[0]) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function load(m: UserMigration): Promise<MigrationModule> {
  return (await import(pathToFileURL(m.file).href)) as MigrationModule;
}

const api = (s: Services): MigrationApi => ({
  collections: s.collections,
  records: s.records,
  db: s.store.db,
});

export async function migrateUp(services: Services, dir: string): Promise<string[]> {
  const applied = new Set(await appliedNames(services.store.db));
  const done: string[] = [];
  for (const m of await listUserMigrations(dir)) {
    if (applied.has(m.name)) continue;
    const mod = await load(m);
    if (typeof mod.up !== "function") throw new Error(`${m.name}: no exported up() function`);
    await mod.up(api(services));
    await sql`INSERT INTO _migrations (file, applied) VALUES (${m.name}, ${new Date().toISOString()})`.execute(
      services.store.db,
    );
    done.push(m.name);
  }
  return done;
}

export async function migrateDown(services: Services, dir: string): Promise<string | undefined> {
  const applied = new Set(await appliedNames(services.store.db));
  const last = (await listUserMigrations(dir)).filter((m) => applied.has(m.name)).pop();
  if (!last) return undefined;
  const mod = await load(last);
  if (typeof mod.down !== "function") throw new Error(`${last.name}: no exported down() function`);
  await mod.down(api(services));
  await sql`DELETE FROM _migrations WHERE file = ${last.name}`.execute(services.store.db);
  return last.name;
}
