import type PocketBase from "pocketbase";
import { uniqueName } from "../../test-support/api.js";
import type { FileStorage } from "../storage.js";

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

/** Every stored key under a folder prefix (`c/r/`, `.tmp/`), sorted: works on local and S3 storage. */
export async function storedKeys(storage: FileStorage, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const object of storage.list(prefix)) out.push(object.key);
  return out.sort();
}

/**
 * Polls until check passes (after-commit work is asynchronous) or the time is up. The limit is
 * generous because a loaded CI machine can be slow; a passing check returns at once.
 */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 15_000,
): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}
