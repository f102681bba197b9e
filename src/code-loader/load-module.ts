import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { compiledFileName, compiledStem, defaultCacheDir, removeOlderCopies } from "./cache-location.js";
import { CodeLoadError } from "./code-load-error.js";
import { compileModule } from "./compile.js";

export interface LoadModuleOptions {
  /**
   * Where compiled copies go. Defaults to `<app>/node_modules/.cache/backroom`. Bare npm imports
   * resolve from this folder upward, so choose one inside the app.
   */
  cacheDir?: string;
}

/**
 * Compiles a user file (.ts, .js, .mts, .mjs) with its relative imports and imports the result.
 * Same content ⇒ same module instance; changed content (in the file or anything it imports
 * relatively) ⇒ a fresh instance, which is what a dev-mode reload needs.
 * Throws CodeLoadError for compile errors and for errors thrown while the module is evaluated.
 */
export async function loadModule(
  file: string,
  opts: LoadModuleOptions = {},
): Promise<Record<string, unknown>> {
  const sourceFile = resolve(file);
  if (!existsSync(sourceFile)) throw new CodeLoadError(sourceFile, `${sourceFile}: no such file`);
  const cacheDir = resolve(opts.cacheDir ?? defaultCacheDir(sourceFile));
  const { code } = await compileModule(sourceFile, cacheDir);

  const stem = compiledStem(sourceFile);
  const compiled = join(cacheDir, compiledFileName(stem, code));
  writeOnce(compiled, code);
  // Stack traces then show the developer's file and line instead of the compiled copy's.
  process.setSourceMapsEnabled(true);

  let mod: Record<string, unknown>;
  try {
    mod = await importCompiled(compiled, code);
  } catch (err) {
    throw CodeLoadError.importFailed(sourceFile, compiled, err);
  }
  removeOlderCopies(cacheDir, stem, compiled);
  return mod;
}

/** Writes through a temporary name and a rename, so a concurrent reader never sees half a file. */
function writeOnce(path: string, code: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, code);
  renameSync(temp, path);
}

async function importCompiled(path: string, code: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(path).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    // Another process loading an older version of the same source may have just cleaned our copy up.
    if (!existsSync(path) && (err as { code?: string }).code === "ERR_MODULE_NOT_FOUND") {
      writeOnce(path, code);
      return (await import(url)) as Record<string, unknown>;
    }
    throw err;
  }
}
