import type { Browser, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { raw, uniqueName } from "../test-support/api.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import {
  browserSuiteReady,
  collectCspViolations,
  expectNoSeriousAxeViolations,
  launchChromium,
  screenshot,
} from "./test-support/browser.js";

/**
 * The admin's Dashboard in a real chromium: requests made through the API show up as uPlot charts
 * (canvases, described for screen readers), the slowest routes, collections and status codes;
 * the period and the filter change what is shown; axe and the CSP find nothing.
 */
const kinds = browserSuiteReady() ? await storesUnderTest() : [];

describe.each(kinds)("admin Dashboard (%s)", (kind) => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[] = [];
  const orders = uniqueName("orders");

  beforeAll(async () => {
    server = await startServer(kind);
    const su = await server.superuserClient();
    await su.collections.create({
      name: orders,
      type: "base",
      fields: [{ name: "t", type: "text" }],
      listRule: "",
      viewRule: "",
    });
    const guest = server.client();
    guest.autoCancellation(false);
    // The charts' latest point is the current minute: near its end, let it turn first, so the
    // requests below and the page that shows them share one minute.
    const second = new Date().getUTCSeconds();
    if (second >= 40) await new Promise((r) => setTimeout(r, (61 - second) * 1000));
    for (let i = 0; i < 12; i++) await guest.collection(orders).getList(1, 5);
    for (let i = 0; i < 3; i++)
      await guest
        .collection(orders)
        .getOne("nonexistent0000")
        .catch(() => undefined);
    // The request log is written in batches about once a second: wait until these are in.
    const deadline = Date.now() + 8000;
    for (;;) {
      const res = await raw(
        server.url,
        `/api/logs/dashboard?${new URLSearchParams({ filter: `data.collection = "${orders}"` })}`,
        { token: su.authStore.token },
      );
      const total = (res.body as { series: { requests: number }[] }).series.reduce(
        (n, p) => n + p.requests,
        0,
      );
      if (total >= 15) break;
      if (Date.now() > deadline) throw new Error(`the request log has ${total} of 15 entries`);
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce" });
    page.setDefaultTimeout(8000);
    page.on("pageerror", (err) => {
      throw err;
    });
    cspViolations = await collectCspViolations(page);
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && page)
      await screenshot(page, `failed-dashboard-${kind}-${task.name.replace(/\W+/g, "-")}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows load, latency and errors as charts, the slowest routes and the collections", async () => {
    await page.goto(`${server.url}/_/`);
    await page.getByLabel("Email").fill(SUPERUSER.email);
    await page.getByLabel("Password").fill(SUPERUSER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboard" }).click();
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();

    for (const name of ["Requests per second", "Latency", "Errors"])
      await expect
        .poll(() => page.getByRole("img", { name: new RegExp(`^${name}, latest`) }).count())
        .toBe(1);
    // uPlot drew: one canvas per chart.
    await expect.poll(() => page.locator(".chart-canvas canvas").count()).toBe(3);
    expect(await page.getByRole("img", { name: /^Latency, latest/ }).getAttribute("aria-label")).toMatch(
      /p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms/,
    );

    const slowest = page.getByRole("table", { name: "Slowest routes by p95 latency" });
    await expect.poll(() => slowest.textContent()).toContain("GET /api/collections/:collection/records");
    const collections = page.getByRole("table", { name: "Requests per collection" });
    const row = collections.getByRole("row").filter({ hasText: orders });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("15");
    expect(await row.getByRole("cell").nth(2).textContent()).toBe("3");
    const statuses = page.getByRole("table", { name: "Requests per status code" });
    expect(await statuses.getByRole("row").filter({ hasText: "404" }).count()).toBe(1);

    await expectNoSeriousAxeViolations(page, "dashboard");
    if (kind === "sqlite") await screenshot(page, "dashboard");
  });

  it("changes with the period and the filter", async () => {
    await page.getByLabel("Period", { exact: true }).selectOption("week");
    await page
      .getByLabel("Filter", { exact: true })
      .fill(`data.collection = "${orders}" && data.status >= 400`);
    await page.getByRole("button", { name: "Apply" }).click();
    const statuses = page.getByRole("table", { name: "Requests per status code" });
    await expect.poll(() => statuses.getByRole("row").count()).toBe(2); // the heading row and 404
    expect(await statuses.textContent()).toContain("404");
    const row = page
      .getByRole("table", { name: "Requests per collection" })
      .getByRole("row")
      .filter({ hasText: orders });
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("3");
    await page.getByLabel("Filter", { exact: true }).fill("data.status >");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByRole("alert").waitFor();
    expect(cspViolations).toEqual([]);
  });
});
