import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserSuiteReady, launchChromium } from "../../admin/test-support/browser.js";
import { startServer, type TestServer } from "../../test-support/server.js";

/** Another origin's page that puts `?src=` in a frame (clickjacking's first step). */
async function framingSite(): Promise<{ origin: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const src = new URL(req.url ?? "/", "http://x").searchParams.get("src") ?? "";
    res
      .writeHead(200, { "content-type": "text/html; charset=utf-8" })
      .end(`<!doctype html><title>framer</title><iframe id="admin" src="${encodeURI(src)}"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ready = browserSuiteReady();

describe.runIf(ready)("the admin UI in a frame of another site, in Chromium", () => {
  let browser: Browser;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const close of closers.reverse()) await close();
  });

  /** Loads the framing page; `loaded` says whether the admin came up inside the frame. */
  async function framedAdmin(allowSite: boolean): Promise<{ page: Page; loaded: boolean }> {
    const site = await framingSite();
    closers.push(site.close);
    const server: TestServer = await startServer(
      "sqlite",
      allowSite ? { adminFrameAncestors: site.origin } : {},
    );
    closers.push(() => server.close());
    const page = await browser.newPage();
    await page.goto(`${site.origin}/?src=${encodeURIComponent(`${server.url}/_/`)}`);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const loaded = await frame
      ?.waitForSelector("#app", { state: "attached", timeout: 3000 })
      .then(() => true)
      .catch(() => false);
    // A frame the browser refused shows its own error page instead of the admin.
    if (!loaded) expect(frame?.url()).toBe("chrome-error://chromewebdata/");
    return { page, loaded: loaded ?? false };
  }

  it("refuses to be framed by default", async () => {
    const { page, loaded } = await framedAdmin(false);
    expect(loaded).toBe(false);
    await page.close();
  });

  it("is framed by the site BACKROOM_ADMIN_FRAME_ANCESTORS names", async () => {
    const { page, loaded } = await framedAdmin(true);
    expect(loaded).toBe(true);
    await page.close();
  });
});
