import { execFile, execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRawError, type RawResponse, raw } from "../../test-support/api.js";
import { SUPERUSER } from "../../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../../test-support/server-process.js";

const BIN = join(import.meta.dirname, "../../../bin/backroom.js");

/** Mounting a small filesystem needs root: a failure under CI=true, a skip (said so) elsewhere. */
function canMount(): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env.CI === "true")
    throw new Error("the disk-full suite mounts a tmpfs: it needs root under CI=true");
  console.warn("[tests] not root: skipping the disk-full suite (it mounts a small tmpfs)");
  return false;
}

/** Writes zeros into `path` until the filesystem refuses (ENOSPC): no byte is left for anyone. */
function fillUp(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(16 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(fd);
  }
  // Then the last few bytes a 16 KiB chunk did not fit in.
  const tail = openSync(path, "a");
  try {
    for (;;) writeSync(tail, Buffer.alloc(512));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOSPC") throw err;
  } finally {
    closeSync(tail);
  }
}

describe.runIf(canMount())("a full disk under SQLite (a 4 MB tmpfs)", () => {
  const mountPoint = mkdtempSync(join(tmpdir(), "backroom-full-"));
  const ballast = join(mountPoint, "ballast");
  let server: SpawnedServer;
  let output = "";
  let token = "";
  let kept: { id: string } | undefined;

  const notes = (path = "") => `/api/collections/notes/records${path}`;
  const health = async () => (await raw(server.url, "/api/health")).body as { data: Record<string, unknown> };
  const create = (text: string) => raw(server.url, notes(), { method: "POST", body: { text } });

  beforeAll(async () => {
    ensureBuilt();
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=4m", "tmpfs", mountPoint]);
    const dir = join(mountPoint, "data");
    await promisify(execFile)(process.execPath, [
      BIN,
      "superuser",
      "upsert",
      SUPERUSER.email,
      SUPERUSER.password,
      "--dir",
      dir,
    ]);
    server = await serveProcess(["--dir", dir, "--hooks", join(mountPoint, "no-hooks")], {
      BACKROOM_LOG_LEVEL: "info",
    });
    server.child.stdout?.on("data", (d) => {
      output += d;
    });
    server.child.stderr?.on("data", (d) => {
      output += d;
    });
    const auth = await raw(server.url, "/api/collections/_superusers/auth-with-password", {
      method: "POST",
      body: { identity: SUPERUSER.email, password: SUPERUSER.password },
    });
    token = (auth.body as { token: string }).token;
    await raw(server.url, "/api/settings", {
      method: "PATCH",
      body: { rateLimits: { enabled: false } },
      token,
    });
    const created = await raw(server.url, "/api/collections", {
      method: "POST",
      token,
      body: {
        name: "notes",
        type: "base",
        fields: [
          { name: "text", type: "text", max: 100_000 },
          { name: "doc", type: "file", maxSize: 5_000_000, maxSelect: 1 },
        ],
        listRule: "",
        viewRule: "",
        createRule: "",
      },
    });
    expect(created.status, created.text).toBe(200);
    kept = (await create("written before the disk filled up")).body as { id: string };
  }, 240_000);

  afterAll(async () => {
    if (server) await killProcess(server.child);
    try {
      execFileSync("umount", [mountPoint]);
    } catch {
      // never mounted
    }
    rmSync(mountPoint, { recursive: true, force: true });
  });

  let refused: RawResponse | undefined;

  it("a write that no longer fits gets 507, in the error shape, saying storage is full", async () => {
    fillUp(ballast);
    // SQLite reuses its log file's space after a checkpoint: writes fail once they need more.
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await create("x".repeat(20_000));
      if (res.status !== 200) refused = res;
    }
    expect(refused, "a write refused while the disk is full").toBeDefined();
    const res = refused as RawResponse;
    expectRawError(res, 507);
    expect((res.body as { message: string }).message).toBe(
      "The server's storage is full; the write was not saved. Try again later.",
    );
  });

  it("reads keep working, and /api/health says storage is full", async () => {
    expect((await raw(server.url, notes(`/${kept?.id}`))).status).toBe(200);
    expect((await raw(server.url, notes("?perPage=5"))).status).toBe(200);
    expect(await health()).toEqual({ code: 200, message: "API is healthy.", data: { storage: "full" } });
  });

  it("a batch that doesn't fit gets 507 as a whole, not a 400 blaming one of its requests", async () => {
    // 3 MB: more than SQLite's page cache holds, so it spills to the log before COMMIT and a
    // sub-request itself meets the full disk.
    const requests = Array.from({ length: 50 }, () => ({
      method: "POST",
      url: "/api/collections/notes/records",
      body: { text: "y".repeat(60_000) },
    }));
    expectRawError(await raw(server.url, "/api/batch", { method: "POST", body: { requests } }), 507);
  });

  it("a file upload that doesn't fit on the disk gets 507 too, and no record", async () => {
    const before = ((await raw(server.url, notes("?perPage=1"))).body as { totalItems: number }).totalItems;
    const form = new FormData();
    form.append("text", "with a file");
    form.append("doc", new Blob([Buffer.alloc(300_000, 7)], { type: "application/octet-stream" }), "big.bin");
    const res = await raw(server.url, notes(), { method: "POST", body: form });
    expectRawError(res, 507);
    const after = ((await raw(server.url, notes("?perPage=1"))).body as { totalItems: number }).totalItems;
    expect(after).toBe(before);
  });

  it("the log names the real cause once, not a failed rollback", () => {
    const lines = output.split("\n");
    expect(lines.filter((l) => /database or disk is full|ENOSPC/.test(l))).toHaveLength(1);
    expect(output).not.toMatch(/cannot rollback/);
  });

  it("once space returns, writes succeed again and health clears", async () => {
    rmSync(ballast);
    const res = await create("after the disk was freed");
    expect(res.status, res.text).toBe(200);
    expect((await health()).data).toEqual({});
    expect(output).toMatch(/writes succeed again/);
  });
});
