import { randomId } from "../ids.js";

const MAX_BASE_LENGTH = 100;
const SAFE_EXTENSION = /^\.[a-z0-9]{1,10}$/;

/**
 * The name a file is stored under, from what the client called it (PocketBase's shape):
 * `<sanitized base>_<10 random [a-z0-9]><lowercase ext>`. Only the last path segment counts, control
 * characters and anything outside [A-Za-z0-9_-] become `_`, so the result is always a plain,
 * short filename that can't climb out of its folder, and the random part makes it unguessable.
 */
export function storedFilename(clientName: string): string {
  const last = clientName.split(/[/\\]/).pop() ?? "";
  const dot = last.lastIndexOf(".");
  const rawExt = dot > 0 ? last.slice(dot).toLowerCase() : "";
  const ext = SAFE_EXTENSION.test(rawExt) ? rawExt : "";
  const rawBase = dot > 0 ? last.slice(0, dot) : last;
  const base = rawBase
    .replace(/[^A-Za-z0-9_-]+/g, "_")
    .replace(/^[_-]+|_+$/g, "")
    .slice(0, MAX_BASE_LENGTH);
  return `${base || "file"}_${randomId(10)}${ext}`;
}
