import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PocketBase from "pocketbase";
import { afterAll, describe, expect, it } from "vitest";
import { createFilesCollection, eventually, storedKeys } from "./test-support/files-fixture.js";
import { streamUpload } from "./test-support/streaming-upload.js";

const ROOT = new URL("../..", import.meta.url).pathname;
const ADMIN = { email: "crash@example.com", password: "a long crash password" };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** `node bin/backroom.js serve` as its own process, resolved once it serves. */
function serve(dir: string, port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["bin/backroom.js", "serve", "--dir", dir, "--http", `127.0.0.1:${port}`],
    {
      cwd: ROOT,
      env: { ...process.env, BACKROOM_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
    const onData = (data: Buffer) => {
      out += data.toString();
      if (out.includes("Backroom serving at")) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

describe("a server killed mid-upload", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-crash-"));
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (child) await killed(child);
    rmSync(dir, { recursive: true, force: true });
  });

  it("restarts with no record pointing at a missing file and the orphans swept", {
    timeout: 120_000,
  }, async () => {
    execFileSync(process.execPath, ["scripts/ensure-ready.mjs"], { cwd: ROOT, stdio: "ignore" });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const storage = join(dir, "storage");
    child = await serve(dir, port);
    execFileSync(
      process.execPath,
      ["bin/backroom.js", "superuser", "upsert", ADMIN.email, ADMIN.password, "--dir", dir],
      { cwd: ROOT, stdio: "ignore" },
    );
    const su = new PocketBase(url);
    su.autoCancellation(false);
    await su.collection("_superusers").authWithPassword(ADMIN.email, ADMIN.password);
    const coll = await createFilesCollection(su, (await su.collections.getOne("users")).id);
    const kept = await su.collection(coll.name).create({ documents: [new File(["survives"], "k.txt")] });

    const running = child;
    const upload = await streamUpload({
      url: `${url}/api/collections/${coll.name}/records`,
      field: "big",
      fileBytes: 8 * 1024 * 1024,
      abortAfter: 3 * 1024 * 1024,
      token: su.authStore.token,
      beforeAbort: async () => {
        await eventually(() => storedKeys(storage, ".tmp").length > 0);
        await killed(running);
      },
    });
    expect(upload.status).toBeUndefined();
    expect(storedKeys(storage, ".tmp").length).toBeGreaterThan(0);
    // A file placed by a write whose commit never happened (the other crash window).
    const leftover = join(storage, coll.id, kept.id, "placed_abcdefghij.txt");
    mkdirSync(join(storage, coll.id, kept.id), { recursive: true });
    writeFileSync(leftover, "never committed");

    child = await serve(dir, port);
    expect(
      await eventually(() => storedKeys(storage, ".tmp").length === 0 && !existsSync(leftover), 10_000),
    ).toBe(true);
    const records = await su.collection(coll.name).getFullList();
    expect(records.map((r) => r.id)).toEqual([kept.id]);
    for (const record of records) {
      for (const name of record.documents as string[]) {
        expect(existsSync(join(storage, coll.id, record.id, name))).toBe(true);
        const res = await fetch(`${url}/api/files/${coll.name}/${record.id}/${name}`);
        expect(await res.text()).toBe("survives");
      }
    }
  });
});
