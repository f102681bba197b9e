import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CronScheduler } from "./cron-scheduler.js";
import { HookRegistry } from "./hook-registry.js";
import type { HookRuntime } from "./hook-runtime.js";
import { createHooksApp } from "./hooks-app.js";

/**
 * The hooks files of a folder: `.ts`/`.js`/`.mts`/`.mjs` at its top level, in name order.
 * Helpers go in subfolders or start with `_` (they are bundled into the files that import them);
 * tests and declaration files are skipped.
 */
export function hookFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isFile() && /\.(m?ts|m?js)$/.test(d.name))
    .map((d) => d.name)
    .filter((name) => !name.startsWith("_") && !name.startsWith(".") && !name.endsWith(".d.ts"))
    .filter((name) => !/\.(test|spec)\.[mc]?[jt]s$/.test(name))
    .sort();
}

/** Compiles and runs every hooks file's setup into a new registry (not yet live). */
export async function loadHooks(dir: string, runtime: HookRuntime): Promise<HookRegistry> {
  const registry = new HookRegistry();
  const files = hookFiles(dir);
  if (files.length === 0) return registry;
  // The compiler is loaded only for servers that have hooks (idle memory).
  const { loadModule } = await import("../code-loader/index.js");
  for (const name of files) {
    const mod = await loadModule(join(dir, name));
    const setup = mod.default;
    if (typeof setup !== "function")
      throw new Error(
        `${name}: export default defineHooks((app) => { … }) — the default export is not a function`,
      );
    try {
      await setup(createHooksApp(registry, runtime.dataApp(), name));
    } catch (err) {
      throw new Error(`${name}: its setup function threw: ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
      });
    }
  }
  await CronScheduler.validate(registry.crons);
  return registry;
}
