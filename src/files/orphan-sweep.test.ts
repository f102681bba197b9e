import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import type { CollectionRegistry } from "../collections/registry.js";
import type { RecordQuery } from "../records/record-query.js";
import { defaultSettings, type Settings } from "../settings/settings-model.js";
import { LocalStorage } from "./local-storage.js";
import { sweepOrphans } from "./orphan-sweep.js";
import { schedulePeriodicSweep } from "./periodic-sweep.js";
import { SettingsStorage } from "./settings-storage.js";
import type { StoredObject } from "./storage.js";

const MINUTE = 60_000;
const dir = mkdtempSync(join(tmpdir(), "backroom-orphan-sweep-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A bucket every node writes to, played by a local folder. */
class SharedBucket extends LocalStorage {
  override readonly shared = true as unknown as false;
  /** Runs while the sweep lists, after the first object. */
  duringList: (() => void) | undefined;

  constructor(private readonly folder: string) {
    super(folder);
  }

  override async *list(prefix?: string): AsyncIterable<StoredObject> {
    let first = true;
    for await (const object of super.list(prefix)) {
      if (!first) this.duringList?.();
      first = false;
      yield object;
    }
  }

  /** Stores an object last modified `minutesAgo` minutes ago. */
  async put(key: string, minutesAgo: number): Promise<void> {
    await this.write(key, Readable.from([Buffer.from("x")]), "text/plain");
    const at = new Date(Date.now() - minutesAgo * MINUTE);
    utimesSync(join(this.folder, ...key.split("/")), at, at);
  }

  async keys(): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of this.list()) keys.push(object.key);
    return keys.sort();
  }
}

/** A freshly started node's storage that follows settings.s3, which name the shared bucket. */
function followingSettings() {
  const name = `n${Math.random().toString(36).slice(2)}`;
  const bucket = new SharedBucket(join(dir, name, "bucket"));
  const local = new LocalStorage(join(dir, name, "local"));
  const enabled: Settings["s3"] = {
    ...defaultSettings().s3,
    enabled: true,
    bucket: "b",
    region: "r",
    endpoint: "http://s3.test",
    accessKey: "a",
    secret: "s",
  };
  let s3 = enabled;
  const storage = new SettingsStorage(
    local,
    async () => ({ s3 }),
    async () => bucket,
  );
  const turnS3Off = () => {
    s3 = { ...enabled, enabled: false };
  };
  return { storage, bucket, local, turnS3Off };
}

// Only `.tmp/` uploads are in these buckets: the sweep needs no collections to judge them.
const registry = {} as CollectionRegistry;
const query = {} as RecordQuery;

describe("the orphan sweep on storage that follows the settings", () => {
  it("spares other nodes' uploads of the last hour when the settings name a shared bucket", async () => {
    const { storage, bucket } = followingSettings();
    await bucket.put(".tmp/crashed-upload", 2 * 60);
    await bucket.put(".tmp/other-node-upload", 10); // in flight on another node, begun before this one started
    const startedAt = new Date();
    const result = await sweepOrphans(storage, registry, query, startedAt);
    expect(result.removed).toEqual([".tmp/crashed-upload"]);
    expect(await bucket.keys()).toEqual([".tmp/other-node-upload"]);
  });

  it("deletes from the storage it lists, even if the settings change midway", async () => {
    const { storage, bucket, turnS3Off } = followingSettings();
    await bucket.put(".tmp/a", 2 * 60);
    await bucket.put(".tmp/b", 2 * 60);
    bucket.duringList = turnS3Off;
    const result = await sweepOrphans(storage, registry, query, new Date());
    expect(result.removed.sort()).toEqual([".tmp/a", ".tmp/b"]);
    expect(await bucket.keys()).toEqual([]);
  });

  it("periodically removes what is older than an hour on the shared bucket, and nothing newer", async () => {
    const { storage, bucket } = followingSettings();
    await bucket.put(".tmp/crashed-upload", 90);
    await bucket.put(".tmp/other-node-upload", 50);
    const results: unknown[] = [];
    const stop = schedulePeriodicSweep(storage, registry, query, 20, (r) => results.push(r));
    try {
      await expect.poll(() => results.length, { timeout: 5000 }).toBeGreaterThan(0);
    } finally {
      stop();
    }
    expect(results[0]).toEqual({ scanned: 2, removed: [".tmp/crashed-upload"] });
    expect(await bucket.keys()).toEqual([".tmp/other-node-upload"]);
  });
});
