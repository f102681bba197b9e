import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type PocketBase from "pocketbase";
import { uniqueName } from "../../test-support/api.js";

export const THUMBS = ["50x50", "20x0", "0x20", "30x30t", "30x30b", "40x40f"];

/**
 * A collection with every kind of file field the suites need: a single image with thumbs, a
 * multi-file list, a PNG-only field, and a protected field readable by its owner only.
 */
export async function createFilesCollection(
  su: PocketBase,
  usersId: string,
): Promise<{ name: string; id: string }> {
  const name = uniqueName("files");
  const created = await su.collections.create({
    name,
    type: "base",
    fields: [
      { name: "title", type: "text" },
      { name: "owner", type: "relation", collectionId: usersId, maxSelect: 1 },
      { name: "avatar", type: "file", maxSelect: 1, maxSize: 1024 * 1024, thumbs: THUMBS },
      { name: "documents", type: "file", maxSelect: 3, maxSize: 100 * 1024 },
      { name: "pngOnly", type: "file", maxSelect: 1, mimeTypes: ["image/png"] },
      { name: "big", type: "file", maxSelect: 1, maxSize: 10 * 1024 * 1024 },
      { name: "secret", type: "file", maxSelect: 1, protected: true },
    ],
    listRule: "",
    viewRule: "owner = @request.auth.id",
    createRule: "",
    updateRule: "",
    deleteRule: "",
  });
  return { name, id: created.id };
}

/** Every file under a local storage folder, as storage keys. */
export function storedKeys(storageDir: string, prefix = ""): string[] {
  const root = join(storageDir, prefix);
  if (!existsSync(root)) return [];
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path, key);
      else out.push(prefix ? `${prefix}/${key}` : key);
    }
  };
  walk(root, "");
  return out.sort();
}

/** Polls until check passes (after-commit work is asynchronous) or the time is up. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
