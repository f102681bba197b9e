import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadModule } from "../code-loader/load-module.js";
import type { Migration, MigrationApi } from "./define-migration.js";

export interface MigrationFile {
  /** `<timestamp>_<name>`: what `_migrations` records (without the extension). */
  name: string;
  file: string;
  timestamp: number;
}

const FILE = /^((\d+)_[A-Za-z0-9_-]+)\.(ts|mts|js|mjs)$/;
export const MIGRATION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/** Migration files in the order they apply: by timestamp, then by name. */
export function listMigrationFiles(dir: string): MigrationFile[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir)
    .map((f) => FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] as string, file: join(dir, m[0]), timestamp: Number(m[2]) }))
    .sort((a, b) => a.timestamp - b.timestamp || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const twice = files.find((f, i) => files[i + 1]?.name === f.name);
  if (twice) throw new Error(`two migration files are named ${twice.name} (one .ts, one .js?): keep one`);
  return files;
}

/**
 * Writes `<dir>/<timestamp>_<name>.ts` and describes it. The timestamp is the current Unix
 * second, or one past the newest existing file's, so files written in the same second still
 * apply in the order they were written.
 */
export function writeMigrationFile(dir: string, name: string, source: string): MigrationFile {
  if (!MIGRATION_NAME.test(name)) {
    throw new Error(`invalid migration name "${name}" (1–80 letters, digits, _ and -)`);
  }
  mkdirSync(dir, { recursive: true });
  const newest = listMigrationFiles(dir).at(-1)?.timestamp ?? 0;
  const timestamp = Math.max(Math.floor(Date.now() / 1000), newest + 1);
  const file = join(dir, `${timestamp}_${name}.ts`);
  writeFileSync(file, source, { flag: "wx" });
  return { name: `${timestamp}_${name}`, file, timestamp };
}

/**
 * Loads a migration file (TypeScript or JavaScript, compiled with its relative imports). Accepts
 * `export default defineMigration({ up, down })` and the older `export async function up/down`.
 */
export async function loadMigration(m: MigrationFile): Promise<Migration> {
  const mod = await loadModule(m.file);
  const candidate = (isObject(mod.default) ? mod.default : mod) as Record<string, unknown>;
  const { up, down } = candidate;
  if (typeof up !== "function") {
    throw new Error(`${m.file}: export default defineMigration({ up, down }) (or export an up() function)`);
  }
  if (down !== undefined && typeof down !== "function") throw new Error(`${m.file}: down must be a function`);
  // Bound: a migration written as an object may call its own helpers through `this`.
  type Step = (app: MigrationApi) => Promise<void>;
  return {
    up: (up as Step).bind(candidate),
    ...(down ? { down: (down as Step).bind(candidate) } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
