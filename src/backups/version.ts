import { readFileSync } from "node:fs";

let version: string | undefined;

/** Backroom's own version (package.json; the same two folders up from src/ and dist/bundle/). */
export function backroomVersion(): string {
  version ??= (
    JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
  return version;
}
