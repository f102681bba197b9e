import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemContext } from "../records/request-context.js";
import { raw, uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { ChunkedSse } from "./test-support/chunked-sse.js";

/** The `data:` of every frame named `event` in an SSE body, parsed. */
function eventsIn(body: string, event: string): { action: string; record: Record<string, unknown> }[] {
  return body
    .split("\n\n")
    .filter((frame) => frame.split("\n").includes(`event:${event}`))
    .map((frame) => JSON.parse(frame.slice(frame.indexOf("\ndata:") + 6)));
}

describe.each(await storesUnderTest())("SSE output batching and framing (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  const readers: ChunkedSse[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(async () => {
    for (const r of readers) r.close();
    await server?.close();
  });

  it("the stream's head tells proxies not to buffer, cache or compress it, even when asked to", async () => {
    const res = await fetch(new URL("/api/realtime", server.url), {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    expect(res.headers.get("x-accel-buffering")).toBe("no");
    expect(res.headers.get("cache-control")?.split(/,\s*/)).toEqual(["no-cache", "no-store", "no-transform"]);
    expect(res.headers.get("content-encoding")).toBeNull();
    await res.body?.cancel();
  });

  async function feed() {
    const name = uniqueName("feed");
    await su.collections.create({
      name,
      type: "base",
      fields: [{ name: "title", type: "text" }],
      listRule: "",
    });
    return name;
  }

  async function open(httpVersion: "1.0" | "1.1", topic: string) {
    const reader = await ChunkedSse.open(server.url, httpVersion);
    readers.push(reader);
    const res = await raw(server.url, "/api/realtime", {
      method: "POST",
      body: { clientId: reader.clientId, subscriptions: [topic] },
    });
    expect(res.status).toBe(204);
    return reader;
  }

  it("a burst leaves as few writes, each one HTTP chunk whose size counts bytes (multi-byte text too)", async () => {
    const hub = server.app.services.realtime;
    const saved = hub.options.flushIntervalMs;
    hub.options.flushIntervalMs = 300;
    try {
      const name = await feed();
      const reader = await open("1.1", `${name}/*`);
      const before = reader.chunks.length;
      const titles = Array.from({ length: 20 }, (_, i) => `${i} żółw 🐢 ${"é".repeat(i * 50)}`);
      for (const title of titles) {
        await server.app.services.records.create(name, { title }, systemContext());
        await server.app.services.events.settle();
      }
      await reader.until(() => eventsIn(reader.body, `${name}/*`).length === titles.length);
      expect(reader.error).toBeUndefined();
      expect(eventsIn(reader.body, `${name}/*`).map((e) => e.record.title)).toEqual(titles);
      // Twenty events within one flush interval share a few writes (SQLite commits them all in one
      // event-loop turn, so there they share one).
      expect(reader.chunks.length - before).toBeLessThan(titles.length / 2);
    } finally {
      hub.options.flushIntervalMs = saved;
    }
  });

  it("every frame of a batch carries the client id, as PocketBase sends it", async () => {
    const name = await feed();
    const reader = await open("1.1", `${name}/*`);
    for (const title of ["a", "b", "c"])
      await server.app.services.records.create(name, { title }, systemContext());
    await server.app.services.events.settle();
    await reader.until(() => eventsIn(reader.body, `${name}/*`).length === 3);
    const frames = reader.body.split("\n\n").filter((f) => f.includes(`event:${name}/*`));
    for (const frame of frames)
      expect(frame.startsWith(`id:${reader.clientId}\nevent:${name}/*\ndata:`)).toBe(true);
  });

  it("an HTTP/1.0 client gets the frames unchunked", async () => {
    const name = await feed();
    const reader = await open("1.0", `${name}/*`);
    expect(reader.head).toMatch(/^HTTP\/1\.1 200/);
    expect(reader.head).not.toMatch(/transfer-encoding/i);
    await server.app.services.records.create(name, { title: "plain ünïcode" }, systemContext());
    await server.app.services.events.settle();
    await reader.until(() => eventsIn(reader.body, `${name}/*`).length === 1);
    expect(eventsIn(reader.body, `${name}/*`)[0]?.record.title).toBe("plain ünïcode");
  });
});
