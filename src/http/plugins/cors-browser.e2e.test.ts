import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { chromiumAvailable, launchChromium } from "../../admin/test-support/browser.js";
import { appFolder } from "../../hooks/test-support/app-folder.js";
import { uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

// The package's main entry is its ES module build, the file a browser page imports.
const SDK = readFileSync(createRequire(import.meta.url).resolve("pocketbase"));

const HOOKS = `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.routerAdd("GET", "/api/hello/{name}", (e) => e.json(200, { hello: e.request.pathValue("name") }));
  app.routerAdd("POST", "/api/echo", (e) => e.json(200, { got: e.request.body }));
});
`;

/**
 * The page a web app on its own origin would be: the official SDK as an ES module, plus small
 * probes the test calls. Each probe settles within a few seconds, whether the browser lets the
 * call through or not.
 */
const PAGE = `<!doctype html><meta charset="utf-8"><title>shop</title>
<script type="module">
import PocketBase from "/pocketbase.es.mjs";
const within = (ms, promise) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), ms))]);
window.events = [];
window.probe = {
  async subscribe(api, collection) {
    const pb = new PocketBase(api);
    try {
      await within(4000, pb.collection(collection).subscribe("*", (e) => window.events.push(e)));
      return "subscribed";
    } catch (err) {
      pb.realtime.unsubscribe().catch(() => {});
      return "failed: " + err.message;
    }
  },
  async fetch(url, init) {
    try {
      const res = await within(4000, fetch(url, init));
      return { status: res.status, body: await res.text() };
    } catch (err) {
      return { error: String(err) };
    }
  },
  websocket(url) {
    return new Promise((resolve) => {
      const ws = new WebSocket(url);
      const done = (result) => {
        ws.close();
        resolve(result);
      };
      ws.onmessage = (m) => done("message: " + m.data);
      ws.onerror = () => done("error");
      ws.onclose = () => done("closed");
      setTimeout(() => done("timed out"), 4000);
    });
  },
};
document.title = "ready";
</script>`;

/** A static site on a port of its own: another origin than the API's. */
async function site(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.url === "/pocketbase.es.mjs") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(SDK);
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    // "localhost": a host name, not only another port, differs from the API's 127.0.0.1.
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the server answers a WebSocket upgrade sent with this Origin: 101, or its HTTP refusal. */
function upgradeAnswer(url: string, origin: string): Promise<{ status: number; body?: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { origin });
    ws.on("open", () => {
      ws.close();
      resolve({ status: 101 });
    });
    ws.on("unexpected-response", (_req, res) => {
      let text = "";
      res.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    ws.on("error", reject);
  });
}

const kinds = chromiumAvailable() ? await storesUnderTest() : [];

describe.each(kinds)("a web app on another origin, in a real browser (%s)", (kind) => {
  const folder = appFolder({ "routes.ts": HOOKS });
  let allowedSite: Awaited<ReturnType<typeof site>>;
  let otherSite: Awaited<ReturnType<typeof site>>;
  let server: TestServer;
  let su: PocketBase;
  let browser: Browser;
  let notes: string;
  let fileUrl: string;

  beforeAll(async () => {
    allowedSite = await site();
    otherSite = await site();
    server = await startServer(kind, { origins: allowedSite.origin, hooks: folder.hooks });
    su = await server.superuserClient();
    notes = uniqueName("notes");
    await su.collections.create({
      name: notes,
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "doc", type: "file", maxSelect: 1 },
      ],
      listRule: "",
      viewRule: "",
    });
    const withFile = await su.collection(notes).create({
      title: "has a file",
      doc: new File(["hello from a file"], "hello.txt", { type: "text/plain" }),
    });
    fileUrl = su.files.getURL(withFile, withFile.doc as string);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await allowedSite?.close();
    await otherSite?.close();
    folder.remove();
  });

  async function open(origin: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(`${origin}/`);
    await page.waitForFunction('document.title === "ready"');
    return page;
  }
  const call = <T>(page: Page, expression: string) => page.evaluate<T>(expression);
  const wsUrl = () => `${server.url.replace(/^http/, "ws")}/api/realtime/ws`;

  describe("from an origin --origins lists", () => {
    let page: Page;
    beforeAll(async () => {
      page = await open(allowedSite.origin);
    });
    afterAll(() => page?.close());

    it("subscribes with the SDK and receives a record event over SSE", async () => {
      expect(
        await call(page, `probe.subscribe(${JSON.stringify(server.url)}, ${JSON.stringify(notes)})`),
      ).toBe("subscribed");
      await su.collection(notes).create({ title: "live" });
      await page.waitForFunction("window.events.length > 0", undefined, { timeout: 5000 });
      const events = await call<{ action: string; record: { title: string } }[]>(page, "window.events");
      expect(events[0]).toMatchObject({ action: "create", record: { title: "live" } });
    });

    it("downloads a file with fetch", async () => {
      expect(await call(page, `probe.fetch(${JSON.stringify(fileUrl)})`)).toEqual({
        status: 200,
        body: "hello from a file",
      });
    });

    it("calls a hook's custom routes with fetch, a preflighted JSON POST included", async () => {
      expect(await call(page, `probe.fetch(${JSON.stringify(`${server.url}/api/hello/ada`)})`)).toEqual({
        status: 200,
        body: '{"hello":"ada"}',
      });
      const post = `probe.fetch(${JSON.stringify(`${server.url}/api/echo`)}, {
        method: "POST", headers: { "content-type": "application/json" }, body: '{"n":1}' })`;
      expect(await call(page, post)).toEqual({ status: 200, body: '{"got":{"n":1}}' });
    });

    it("opens the realtime WebSocket", async () => {
      expect(await call(page, `probe.websocket(${JSON.stringify(wsUrl())})`)).toMatch(
        /^message: \{"type":"connect","clientId":"[^"]+"\}$/,
      );
    });
  });

  describe("from an origin --origins does not list", () => {
    let page: Page;
    beforeAll(async () => {
      page = await open(otherSite.origin);
    });
    afterAll(() => page?.close());

    it("is refused realtime over SSE and over WebSocket", async () => {
      expect(
        await call(page, `probe.subscribe(${JSON.stringify(server.url)}, ${JSON.stringify(notes)})`),
      ).toMatch(/^failed: /);
      expect(await call(page, `probe.websocket(${JSON.stringify(wsUrl())})`)).not.toMatch(/^message: /);
      // The server said no before the upgrade, over HTTP, in the API's shape.
      expect(await upgradeAnswer(wsUrl(), otherSite.origin)).toEqual({
        status: 403,
        body: {
          status: 403,
          message: "This origin is not allowed to open realtime connections.",
          data: {},
        },
      });
      expect((await upgradeAnswer(wsUrl(), allowedSite.origin)).status).toBe(101);
    });

    it("can't read files or custom routes", async () => {
      expect(await call(page, `probe.fetch(${JSON.stringify(fileUrl)})`)).toHaveProperty("error");
      expect(
        await call(page, `probe.fetch(${JSON.stringify(`${server.url}/api/hello/ada`)})`),
      ).toHaveProperty("error");
    });
  });
});
