import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The built public entry of this Backroom package (`<package root>/dist/index.js`).
 * User code that imports "backroom" is pointed here so it shares module instances with
 * the server that loaded it. Works from both src/code-loader and dist/code-loader, which
 * sit at the same depth below the package root.
 */
export const backroomEntryUrl: URL = new URL("../../dist/index.js", import.meta.url);

export function backroomEntryExists(): boolean {
  return existsSync(fileURLToPath(backroomEntryUrl));
}
