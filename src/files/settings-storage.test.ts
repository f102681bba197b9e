import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { defaultSettings, type Settings } from "../settings/settings-model.js";
import { LocalStorage } from "./local-storage.js";
import { SettingsStorage } from "./settings-storage.js";
import type { FileStorage } from "./storage.js";

const dir = mkdtempSync(join(tmpdir(), "backroom-settings-storage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A SettingsStorage whose "S3" is a second local folder, counting how often one was opened. */
function switching() {
  let s3: Settings["s3"] = defaultSettings().s3;
  const opened: FileStorage[] = [];
  const local = new LocalStorage(join(dir, `local-${Math.random()}`));
  const storage = new SettingsStorage(
    local,
    async () => ({ s3 }),
    async () => {
      const remote = new LocalStorage(join(dir, `remote-${Math.random()}`));
      opened.push(remote);
      return remote;
    },
  );
  const enable = (bucket: string) => {
    s3 = {
      ...s3,
      enabled: true,
      bucket,
      region: "r",
      endpoint: "http://s3.test",
      accessKey: "a",
      secret: "s",
    };
  };
  const disable = () => {
    s3 = { ...s3, enabled: false };
  };
  return { storage, local, opened, enable, disable };
}

const body = (text: string) => Readable.from([Buffer.from(text)]);

describe("storage that follows settings.s3", () => {
  it("uses the local folder until S3 is enabled, then the bucket, then the folder again", async () => {
    const { storage, local, opened, enable, disable } = switching();
    expect(await storage.resolve()).toBe(local);
    enable("b1");
    await storage.write("c/r/a.txt", body("remote"), "text/plain");
    expect(opened).toHaveLength(1);
    expect(await opened[0]?.stat("c/r/a.txt")).not.toBeNull();
    expect(await local.stat("c/r/a.txt")).toBeNull();
    disable();
    expect(await storage.resolve()).toBe(local);
    expect(await storage.stat("c/r/a.txt")).toBeNull();
  });

  it("opens one client per change of S3 settings, even when many operations race the switch", async () => {
    const { storage, opened, enable } = switching();
    enable("b1");
    const resolved = await Promise.all(Array.from({ length: 20 }, () => storage.resolve()));
    expect(opened).toHaveLength(1);
    expect(new Set(resolved).size).toBe(1);
    enable("b2");
    await storage.resolve();
    expect(opened).toHaveLength(2);
    await storage.close();
  });

  it("lets an upload finish on the storage it started on when the settings change midway", async () => {
    const { storage, local, enable } = switching();
    const pinned = await storage.resolve();
    await pinned.write(".tmp/upload", body("half-way"), "text/plain");
    enable("b1");
    await pinned.move(".tmp/upload", "c/r/placed.txt");
    expect(await local.stat("c/r/placed.txt")).not.toBeNull();
  });
});
