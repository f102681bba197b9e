import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, opendir, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { assertSafeKey, type ByteRange, type FileStorage, type StoredObject } from "./storage.js";

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === "ENOENT";

/** Files in a local folder (`<dir>/storage`), private to this node. */
export class LocalStorage implements FileStorage {
  readonly shared = false;

  constructor(private readonly root: string) {}

  private path(key: string): string {
    assertSafeKey(key);
    return join(this.root, ...key.split("/"));
  }

  async write(key: string, body: Readable, _contentType: string): Promise<void> {
    const path = this.path(key);
    await mkdir(dirname(path), { recursive: true });
    try {
      await pipeline(body, createWriteStream(path, { flags: "wx" }));
    } catch (err) {
      await unlink(path).catch(() => {});
      throw err;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.path(key);
    const stream = createReadStream(path, range ? { start: range.start, end: range.end } : {});
    // Surface a missing file as a rejected promise rather than a later stream error.
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", reject);
    });
    return stream;
  }

  async stat(key: string): Promise<StoredObject | null> {
    try {
      const s = await stat(this.path(key));
      return s.isFile() ? { key, size: s.size, modified: s.mtime } : null;
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.path(to);
    await mkdir(dirname(target), { recursive: true });
    await rename(this.path(from), target);
  }

  async delete(key: string): Promise<void> {
    await unlink(this.path(key)).catch((err) => {
      if (!isMissing(err)) throw err;
    });
  }

  async deletePrefix(prefix: string): Promise<void> {
    if (!prefix.endsWith("/")) throw new Error("deletePrefix takes a folder prefix");
    await rm(this.path(prefix), { recursive: true, force: true });
  }

  async *list(prefix = ""): AsyncIterable<StoredObject> {
    const start = prefix === "" ? this.root : this.path(prefix);
    yield* this.walk(start);
  }

  private async *walk(dir: string): AsyncIterable<StoredObject> {
    let handle: Awaited<ReturnType<typeof opendir>>;
    try {
      handle = await opendir(dir);
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    for await (const entry of handle) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        yield* this.walk(path);
      } else if (entry.isFile()) {
        const s = await stat(path).catch(() => null);
        if (s) yield { key: relative(this.root, path).split(sep).join("/"), size: s.size, modified: s.mtime };
      }
    }
  }

  resolve(): Promise<FileStorage> {
    return Promise.resolve(this);
  }

  async close(): Promise<void> {}
}
