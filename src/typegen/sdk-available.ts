import { createRequire } from "node:module";
import { join } from "node:path";

/** Whether the pocketbase SDK resolves from `dir` (so a typed client can import its types there). */
export function pocketbaseResolvesFrom(dir: string): boolean {
  try {
    createRequire(join(dir, "noop.js")).resolve("pocketbase");
    return true;
  } catch {
    return false;
  }
}
