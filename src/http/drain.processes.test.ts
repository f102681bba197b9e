import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectRawError, raw } from "../test-support/api.js";
import { PG_URL, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";

// `backroom serve` as a deployment stops it: SIGTERM, with a balancer in front that polls readiness.
const postgres = (await storesUnderTest()).includes("postgres");
const DRAIN_MS = 2000;

describe.runIf(postgres)(
  "SIGTERM: readiness 503 at once, still serving through the drain, then exit 0",
  () => {
    let first: TestServer | undefined;
    let node: SpawnedServer | undefined;
    const dir = mkdtempSync(join(tmpdir(), "backroom-drain-"));
    afterAll(async () => {
      if (node) await killProcess(node.child);
      await first?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("drains for the configured window, closes realtime streams, refuses new ones, exits 0", async () => {
      ensureBuilt();
      first = await startServer("postgres");
      const store = first.app.services.config.store;
      const schema = store.kind === "postgres" ? (store.schema ?? "public") : "";
      node = await serveProcess(["--db", PG_URL, "--db-schema", schema, "--dir", dir], {
        BACKROOM_DRAIN_MS: String(DRAIN_MS),
      });
      const { url, child } = node;
      const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
        child.once("exit", (code) => resolve({ code, at: Date.now() })),
      );
      expect((await raw(url, "/api/health?ready=1")).status).toBe(200);

      // An SDK-style realtime stream, open before the signal.
      const stream = await fetch(`${url}/api/realtime`);
      const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
      let seen = "";
      while (!seen.includes("PB_CONNECT")) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error("stream ended before PB_CONNECT");
        seen += new TextDecoder().decode(chunk.value);
      }

      const signalled = Date.now();
      child.kill("SIGTERM");
      await expect
        .poll(async () => (await raw(url, "/api/health?ready=1")).status, { timeout: 1000, interval: 20 })
        .toBe(503);
      const notReady = await raw(url, "/api/health?ready=1");
      expectRawError(notReady, 503);
      expect(Object.keys((notReady.body as { data: object }).data)).toContain("draining");

      // The open stream is ended (the SDK reconnects, through the balancer, to another node).
      const ended = await Promise.race([
        (async () => {
          for (;;) if ((await reader.read()).done) return true;
        })(),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1000)),
      ]);
      expect(ended).toBe(true);
      // A new stream is refused with 503 (a balancer retries it elsewhere); other requests are served.
      expectRawError(await raw(url, "/api/realtime"), 503);
      let served = 0;
      while (Date.now() - signalled < DRAIN_MS - 500) {
        const res = await raw(url, "/api/collections/users/records");
        expect(res.status).toBe(200);
        expect((await raw(url, "/api/health")).status).toBe(200);
        served++;
      }
      expect(served).toBeGreaterThan(0);

      const exit = await exited;
      expect(exit.code).toBe(0);
      expect(exit.at - signalled).toBeGreaterThanOrEqual(DRAIN_MS);
      node = undefined;
    }, 240_000);
  },
);
