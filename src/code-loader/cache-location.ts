import { createHash } from "node:crypto";
import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, extname, join, parse } from "node:path";

/**
 * Where compiled copies of `sourceFile` go. Inside the app's own node_modules when there is
 * one, so Node resolves the compiled file's bare imports ("zod", "stripe"…) through the app's
 * dependencies exactly as it would for the source; otherwise a `.backroom-cache` folder next to
 * the source, from which Node walks up the same folders the source would.
 */
export function defaultCacheDir(sourceFile: string): string {
  const appRoot = findAppRoot(dirname(sourceFile));
  if (appRoot) return join(appRoot, "node_modules", ".cache", "backroom");
  return join(dirname(sourceFile), ".backroom-cache");
}

/** Nearest folder, walking up from `dir`, holding a package.json or a node_modules folder. */
function findAppRoot(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    if (existsSync(join(current, "package.json")) || existsSync(join(current, "node_modules"))) {
      return current;
    }
    if (dirname(current) === current) return undefined;
  }
}

/**
 * The stem every compiled copy of one source shares: its base name (readable in stack traces
 * and directory listings) plus a short hash of its absolute path, so hooks/index.ts and
 * migrations/index.ts never clean up each other's copies.
 */
export function compiledStem(sourceFile: string): string {
  const name = parse(sourceFile).name.replace(/[^A-Za-z0-9_-]/g, "_");
  return `${name}-${shortHash(sourceFile, 8)}`;
}

export function compiledFileName(stem: string, code: string): string {
  return `${stem}.${shortHash(code, 16)}.mjs`;
}

/** Removes every compiled copy of the same source except `keep`. Best effort: a copy another process is writing may reappear. */
export function removeOlderCopies(cacheDir: string, stem: string, keep: string): void {
  let entries: string[];
  try {
    entries = readdirSync(cacheDir);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry === basename(keep) || !entry.startsWith(`${stem}.`) || extname(entry) !== ".mjs") continue;
    rmSync(join(cacheDir, entry), { force: true });
  }
}

function shortHash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}
