import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The built public entry of this Backroom package, in its bundled form
 * (`<package root>/dist/bundle/index.js`, which shares its chunks with the bundled server).
 * User code that imports "backroom" is pointed here so it shares module instances with
 * the server that loaded it. Works from src/code-loader, dist/code-loader and dist/bundle,
 * which all sit at the same depth below the package root.
 */
export const backroomEntryUrl: URL = new URL("../../dist/bundle/index.js", import.meta.url);

export function backroomEntryExists(): boolean {
  return existsSync(fileURLToPath(backroomEntryUrl));
}
