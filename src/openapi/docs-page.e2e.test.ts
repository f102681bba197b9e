import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../admin/test-support/browser.js";
import { startServer, type TestServer } from "../test-support/server.js";
import { shapeApp } from "./test-support/every-field.js";

const ready = chromiumAvailable();

/**
 * /api/docs in real Chromium: Scalar, served from this server, renders the document the visitor
 * may read, under the page's CSP, reaching no other origin.
 */
describe.runIf(ready)("the API reference page in Chromium", () => {
  let browser: Browser;
  let server: TestServer;
  let app: Awaited<ReturnType<typeof shapeApp>>;

  beforeAll(async () => {
    browser = await launchChromium();
    server = await startServer("sqlite");
    app = await shapeApp(await server.superuserClient());
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens the page, noting CSP complaints and requests to other origins. */
  async function open(session?: { token: string; record: unknown }) {
    const page: Page = await browser.newPage();
    const violations: string[] = [];
    const elsewhere: string[] = [];
    page.on("console", (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    page.on("request", (req) => {
      const url = new URL(req.url());
      if (url.protocol.startsWith("http") && url.origin !== server.url) elsewhere.push(req.url());
    });
    if (session)
      await page.addInitScript(
        `localStorage.setItem("pocketbase_auth", ${JSON.stringify(JSON.stringify(session))})`,
      );
    const response = await page.goto(`${server.url}/api/docs`);
    return { page, violations, elsewhere, csp: response?.headers()["content-security-policy"] ?? "" };
  }

  it("renders a signed-in user's operations with scripts from this origin only", async () => {
    const pb = server.client();
    const auth = await pb.collection("users").authWithPassword(app.email, app.password);
    const { page, violations, elsewhere, csp } = await open({ token: auth.token, record: auth.record });
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    await page.getByText(`List ${app.notes} records`).first().waitFor({ timeout: 60_000 });
    await page.getByText(`Create a ${app.notes} record`).first().waitFor();
    expect(await page.getByText("users", { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByText(app.locked).count()).toBe(0);
    expect(violations).toEqual([]);
    expect(elsewhere).toEqual([]);
    await page.close();
  }, 90_000);

  it("tells a guest to sign in while guests may not read the document", async () => {
    const { page, violations } = await open();
    await page
      .getByText(/could not be loaded: Sign in to read the API document/)
      .waitFor({ timeout: 10_000 });
    expect(violations).toEqual([]);
    await page.close();
  }, 30_000);
});
