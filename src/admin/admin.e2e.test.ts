import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import {
  ARTIFACTS,
  browserSuiteReady,
  collectCspViolations,
  expectNoSeriousAxeViolations,
  launchChromium,
  screenshot,
} from "./test-support/browser.js";

const OWNER = { email: "owner@example.com", password: "first owner password" };
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

/**
 * The acceptance flow of the admin UI in a real chromium against a real server: first-run setup,
 * a collection with several field types and rules, records added, filtered, sorted, edited and
 * deleted, a setting changed; axe-core on every main screen; screenshots in test-artifacts/admin.
 */
const kinds = browserSuiteReady() ? await storesUnderTest() : [];

describe.each(kinds)("admin UI end to end (%s)", (kind) => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let token = "";
  let cspViolations: string[] = [];
  const timings: Record<string, number> = {};

  const api = async (path: string) => {
    const res = await fetch(new URL(path, server.url), { headers: { authorization: token } });
    expect(res.status, `${path}`).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  };
  const patch = async (path: string, body: unknown) => {
    const res = await fetch(new URL(path, server.url), {
      method: "PATCH",
      headers: { authorization: token, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status, `PATCH ${path}`).toBe(200);
  };
  const titles = async () => page.locator("tbody tr td:nth-child(3)").allInnerTexts();
  /** Screenshots of one run are enough to look at: the SQLite one. */
  const shot = (name: string) => (kind === "sqlite" ? screenshot(page, name) : Promise.resolve());
  const toast = (text: string | RegExp) => page.locator(".toast").filter({ hasText: text }).first().waitFor();

  beforeAll(async () => {
    server = await startServer(kind, { noSuperuser: true });
    browser = await launchChromium();
    // Reduced motion: screenshots and axe see drawers where they end up, not mid-slide.
    page = await browser.newPage({ viewport: DESKTOP, reducedMotion: "reduce" });
    // Fail a step in seconds, not at the 30 s test timeout, so the report names the step.
    page.setDefaultTimeout(8000);
    page.on("pageerror", (err) => {
      throw err;
    });
    cspViolations = await collectCspViolations(page);
  });

  afterEach(async ({ task }) => {
    // What the page showed when a step failed: the first thing to look at.
    if (task.result?.state === "fail" && page)
      await screenshot(page, `failed-${kind}-${task.name.replace(/\W+/g, "-")}`).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (Object.keys(timings).length)
      writeFileSync(join(ARTIFACTS, `timings-${kind}.json`), JSON.stringify(timings, null, 2));
  });

  it("first run: the printed setup link creates the first superuser and signs in", async () => {
    const link = server.app.setupLink();
    expect(link).toMatch(/\/_\/#\/setup\/[A-Za-z0-9_-]{43}$/);
    const started = performance.now();
    await page.goto(link as string);
    const email = page.getByLabel("Email");
    await email.waitFor();
    await expect.poll(() => email.isEditable()).toBe(true);
    timings.firstScreenInteractiveMs = Math.round(performance.now() - started);
    await expectNoSeriousAxeViolations(page, "setup");
    await shot("01-setup");

    await email.fill(OWNER.email);
    await page.getByLabel("Password", { exact: true }).fill("short");
    await page.getByLabel("Confirm password").fill("short");
    await page.getByRole("button", { name: "Create superuser and sign in" }).click();
    // The API's message lands next to the password field, and the token is not used up.
    await expect.poll(() => page.locator("#setup-password-error").textContent()).toMatch(/\S/);
    await shot("02-setup-error");

    await page.getByLabel("Password", { exact: true }).fill(OWNER.password);
    await page.getByLabel("Confirm password").fill(OWNER.password);
    await page.getByRole("button", { name: "Create superuser and sign in" }).click();
    await page.getByRole("heading", { level: 1, name: /^users\b/ }).waitFor();
    // Page code is passed as text: the server's tsconfig has no DOM types.
    token = await page.evaluate<string>(
      'JSON.parse(localStorage.getItem("backroom.admin.auth") ?? "{}").token',
    );
    expect(token).toMatch(/\S+/);
  });

  it("creates a collection with several field types and checked rules", async () => {
    await page.getByRole("button", { name: "+ New collection" }).click();
    await page.getByLabel("Name", { exact: true }).fill("posts");
    const addField = async (type: string, name: string) => {
      await page.getByLabel("New field type").selectOption(type);
      await page.getByRole("button", { name: "+ Add field" }).click();
      const nameInput = page.locator(".field-name").last();
      await nameInput.fill(name);
      return page.locator(".field-card").last();
    };
    const title = await addField("text", "title");
    await title.getByLabel("Required").check();
    await title.locator("summary").click();
    await title.getByLabel("Full-text searchable").check();
    await addField("number", "views");
    await addField("bool", "published");
    const status = await addField("select", "status");
    await status.locator("summary").click();
    await status.getByLabel("Choices").fill("draft, live");
    await status.getByLabel("Choices").blur();
    await addField("json", "meta");
    const author = await addField("relation", "author");
    await author.locator("summary").click();
    await author.getByLabel("Related collection").selectOption({ label: "users" });
    await addField("file", "cover");
    await addField("date", "publishedAt");
    // Shown once a field is searchable: the language its words are matched in.
    await page.getByLabel("Search language").selectOption("english");
    await expectNoSeriousAxeViolations(page, "collection editor (fields)");
    await shot("03-collection-fields");

    await page.getByRole("tab", { name: "API rules" }).click();
    // List rule: completion of a field name, then the live check says it is valid.
    await page.locator("#rule-listRule-locked").uncheck();
    const listRule = page.locator("#rule-listRule");
    await listRule.pressSequentially("publ");
    await page.getByRole("option", { name: "published", exact: true }).waitFor();
    await listRule.press("Enter");
    await listRule.pressSequentially(" = true || @request.au");
    await page.getByRole("option", { name: "@request.auth.id" }).waitFor();
    await listRule.press("Enter");
    await listRule.pressSequentially(' != ""');
    expect(await listRule.inputValue()).toBe('published = true || @request.auth.id != ""');
    await expect.poll(() => page.locator("#rule-listRule-status").textContent()).toContain("Valid rule");
    // View rule: an unknown field is reported next to the rule while typing.
    await page.locator("#rule-viewRule-locked").uncheck();
    // Completion offers :length only where the server takes it: lists, not a single select.
    await page.locator("#rule-viewRule").pressSequentially("statu");
    await page.getByRole("option", { name: "status", exact: true }).waitFor();
    expect(await page.getByRole("option", { name: "status:length" }).count()).toBe(0);
    await page.locator("#rule-viewRule").fill("nosuchfield = 1");
    await expect.poll(() => page.locator("#rule-viewRule-status").textContent()).toMatch(/nosuchfield/);
    expect(await page.locator("#rule-viewRule").getAttribute("aria-invalid")).toBe("true");
    await shot("04-collection-rules");
    await page.locator("#rule-viewRule").fill("published = true");
    await expect.poll(() => page.locator("#rule-viewRule-status").textContent()).toContain("Valid rule");
    await page.locator("#rule-createRule-locked").uncheck();
    await expectNoSeriousAxeViolations(page, "collection editor (rules)");

    await page.getByRole("button", { name: "Create collection" }).click();
    await page.getByRole("heading", { level: 1, name: "posts", exact: true }).waitFor();
    const saved = await api("/api/collections/posts");
    expect(saved.listRule).toBe('published = true || @request.auth.id != ""');
    expect(saved.viewRule).toBe("published = true");
    expect(saved.createRule).toBe("");
    expect(saved.updateRule).toBeNull();
    const fields = saved.fields as { name: string; type: string; required?: boolean; values?: string[] }[];
    expect(fields.map((f) => `${f.name}:${f.type}`)).toEqual(
      expect.arrayContaining([
        "title:text",
        "views:number",
        "published:bool",
        "status:select",
        "meta:json",
        "author:relation",
        "cover:file",
        "publishedAt:date",
      ]),
    );
    expect(fields.find((f) => f.name === "title")?.required).toBe(true);
    expect(fields.find((f) => f.name === "title")).toMatchObject({ searchable: true });
    expect(saved.searchLanguage).toBe("english");
    expect(fields.find((f) => f.name === "status")?.values).toEqual(["draft", "live"]);

    // The API preview shows SDK calls for this collection, with the rule that guards each.
    await page.getByRole("button", { name: "API preview" }).click();
    const preview = page.getByRole("dialog", { name: "API preview: posts" });
    await preview.getByText('pb.collection("posts").getList(1, 30').waitFor();
    await preview.getByText('Rule: published = true || @request.auth.id != ""').first().waitFor();
    await expectNoSeriousAxeViolations(page, "API preview");
    await shot("05-api-preview");
    await page.keyboard.press("Escape");
    await preview.waitFor({ state: "detached" });
  });

  it("adds records, with the API's errors next to their fields", async () => {
    const newRecord = page.getByRole("button", { name: "+ New record" });
    // Keyboard: the drawer opens from the keyboard, traps focus, and Escape returns focus to the opener.
    await newRecord.focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", { name: "New posts record" });
    await drawer.waitFor();
    expect(await page.evaluate<boolean>("document.activeElement?.closest('[role=dialog]') !== null")).toBe(
      true,
    );
    await expectNoSeriousAxeViolations(page, "record editor");
    await shot("06-record-new");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    expect(await newRecord.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);

    // A required field left empty and bad JSON: each message sits under its field.
    await newRecord.click();
    // Escape closes only the innermost dialog: the relation picker, not the drawer under it.
    await drawer.getByRole("button", { name: "Choose from users…" }).click();
    const picker = page.getByRole("dialog", { name: "Choose from users" });
    await picker.getByText("No records found.").waitFor();
    await page.keyboard.press("Escape");
    await picker.waitFor({ state: "detached" });
    expect(await drawer.isVisible()).toBe(true);
    await drawer.locator("#field-meta").fill("{not json");
    await drawer.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => drawer.locator("#field-meta-error").textContent()).toContain("not valid JSON");
    await drawer.locator("#field-meta").fill('{"tags":["a"]}');
    await drawer.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => drawer.locator("#field-title-error").textContent()).toMatch(/\S/);
    await shot("07-record-error");

    const add = async (title: string, views: number, published: boolean, status: string) => {
      if (!(await drawer.isVisible())) await newRecord.click();
      await drawer.locator("#field-title").fill(title);
      await drawer.locator("#field-views").fill(String(views));
      if (published) await drawer.locator("#field-published").check();
      await drawer.locator("#field-status").selectOption(status);
      await drawer.getByRole("button", { name: "Create" }).click();
      await drawer.waitFor({ state: "detached" });
    };
    await add("Hello world", 5, true, "live");
    await add("Second post", 50, false, "draft");
    await add("Third post", 20, true, "live");
    await add("Fourth post", 1, false, "draft");
    await expect.poll(titles).toHaveLength(4);
    const list = await api("/api/collections/posts/records?sort=views");
    expect((list.items as { title: string }[]).map((r) => r.title)).toEqual([
      "Fourth post",
      "Hello world",
      "Third post",
      "Second post",
    ]);
    expect((list.items as { meta: unknown }[])[1]?.meta).toEqual({ tags: ["a"] });
    await expectNoSeriousAxeViolations(page, "records");
    await shot("08-records");
  });

  it("filters in the filter language and sorts by column", async () => {
    const filter = page.getByLabel("Filter records");
    await filter.fill("views >");
    await filter.press("Enter");
    await expect.poll(() => page.locator("#records-filter-error").textContent()).toMatch(/expression/i);
    await shot("09-filter-error");
    await filter.fill('views >= 5 && status = "live"');
    await filter.press("Enter");
    await expect.poll(async () => (await titles()).sort()).toEqual(["Hello world", "Third post"]);
    await page.getByRole("button", { name: "Clear", exact: true }).click();
    await expect.poll(titles).toHaveLength(4);

    const viewsHeader = page.getByRole("columnheader", { name: /views/ });
    await viewsHeader.getByRole("button").click();
    await expect.poll(() => viewsHeader.getAttribute("aria-sort")).toBe("ascending");
    await expect.poll(titles).toEqual(["Fourth post", "Hello world", "Third post", "Second post"]);
    await viewsHeader.getByRole("button").click();
    await expect.poll(() => viewsHeader.getAttribute("aria-sort")).toBe("descending");
    await expect.poll(titles).toEqual(["Second post", "Third post", "Hello world", "Fourth post"]);
  });

  it("edits a record", async () => {
    await page
      .getByRole("row", { name: /Third post/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    const drawer = page.getByRole("dialog", { name: "Edit posts record" });
    await drawer.locator("#field-title").fill("Third post, edited");
    await drawer.locator("#field-views").fill("30");
    await shot("10-record-edit");
    await drawer.getByRole("button", { name: "Save changes" }).click();
    await drawer.waitFor({ state: "detached" });
    await expect.poll(titles).toContain("Third post, edited");
    const found = await api(
      `/api/collections/posts/records?filter=${encodeURIComponent('title = "Third post, edited"')}`,
    );
    expect((found.items as { views: number }[])[0]?.views).toBe(30);
  });

  it("deletes one record from its editor and others in bulk", async () => {
    await page
      .getByRole("row", { name: /Fourth post/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    const drawer = page.getByRole("dialog", { name: "Edit posts record" });
    await drawer.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog", { name: "Delete record" });
    await confirm.getByRole("button", { name: "Delete" }).click();
    await expect.poll(titles).toHaveLength(3);

    await page
      .getByRole("row", { name: /Second post/ })
      .getByRole("checkbox")
      .check();
    await page
      .getByRole("row", { name: /Hello world/ })
      .getByRole("checkbox")
      .check();
    await shot("11-bulk-select");
    await page.getByRole("button", { name: "Delete selected" }).click();
    await page
      .getByRole("dialog", { name: "Delete records" })
      .getByRole("button", { name: "Delete" })
      .click();
    await expect.poll(titles).toEqual(["Third post, edited"]);
    expect((await api("/api/collections/posts/records")).totalItems).toBe(1);
  });

  it("picks a relation, uploads and previews a file, exports CSV", async () => {
    const user = await fetch(new URL("/api/collections/users/records", server.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        email: "ada@example.com",
        password: "ada's long password",
        passwordConfirm: "ada's long password",
        name: "Ada",
      }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    await page
      .getByRole("row", { name: /Third post/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    const drawer = page.getByRole("dialog", { name: "Edit posts record" });
    await drawer.getByRole("button", { name: "Choose from users…" }).click();
    const picker = page.getByRole("dialog", { name: "Choose from users" });
    await picker.getByLabel("Search").fill("Ada");
    await picker.getByRole("button", { name: /ada@example\.com/ }).click();
    await picker.waitFor({ state: "detached" });
    // The chip names the related account (its email), not its id.
    await drawer.getByRole("listitem").filter({ hasText: "ada@example.com" }).waitFor();
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#3366cc" } })
      .png()
      .toBuffer();
    await drawer
      .locator("#field-cover")
      .setInputFiles({ name: "cover.png", mimeType: "image/png", buffer: png });
    await drawer.getByRole("button", { name: "Save changes" }).click();
    await drawer.waitFor({ state: "detached" });
    const saved = (
      (await api("/api/collections/posts/records")).items as { author: string; cover: string }[]
    )[0];
    expect(saved?.author).toBe(user.id);
    expect(saved?.cover).toMatch(/^cover_\w+\.png$/);
    // The table previews the image through the files API.
    const thumb = page.getByRole("img", { name: saved?.cover });
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);
    await shot("17-records-file");

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export CSV" }).click();
    const csv = readFileSync(await (await download).path(), "utf8");
    const [header, row, ...rest] = csv.trim().split("\r\n");
    expect(header?.split(",")).toEqual(expect.arrayContaining(["id", "title", "views", "author", "cover"]));
    expect(row).toContain('"Third post, edited"');
    expect(row).toContain(user.id);
    expect(rest).toEqual([]);
  });

  it("previews a protected file with a file token, and removes a file from its record", async () => {
    // The cover field becomes protected: the table asks for a file token (pb.files.getToken).
    const posts = await api("/api/collections/posts");
    const fields = (posts.fields as { name: string }[]).map((f) =>
      f.name === "cover" ? { ...f, protected: true } : f,
    );
    await patch("/api/collections/posts", { fields });
    // A reload renews the stored session once (auth-refresh through the SDK).
    const refreshed = page.waitForResponse((r) =>
      r.url().includes("/api/collections/_superusers/auth-refresh"),
    );
    await page.reload();
    expect((await refreshed).status()).toBe(200);
    const cover = ((await api("/api/collections/posts/records")).items as { cover: string }[])[0]?.cover;
    const thumb = page.getByRole("img", { name: cover });
    await thumb.waitFor();
    expect(await thumb.getAttribute("src")).toMatch(/[?&]token=[^&]+/);
    await expect
      .poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth))
      .toBeGreaterThan(0);

    await page
      .getByRole("row", { name: /Third post/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    const drawer = page.getByRole("dialog", { name: "Edit posts record" });
    await drawer.getByRole("button", { name: `Remove ${cover}` }).click();
    await drawer.getByRole("button", { name: "Save changes" }).click();
    await drawer.waitFor({ state: "detached" });
    expect(((await api("/api/collections/posts/records")).items as { cover: string }[])[0]?.cover).toBe("");
  });

  it("marks an account verified and impersonates it", async () => {
    await page.getByRole("link", { name: /^users/ }).click();
    await page
      .getByRole("row", { name: /ada@example\.com/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    const drawer = page.getByRole("dialog", { name: "Edit users record" });
    await drawer.getByRole("button", { name: "Mark verified" }).click();
    await toast("Marked as verified.");
    const users = (await api("/api/collections/users/records")).items as { id: string; verified: boolean }[];
    expect(users[0]?.verified).toBe(true);
    await page
      .getByRole("row", { name: /ada@example\.com/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    await expectNoSeriousAxeViolations(page, "auth record editor");
    await shot("18-auth-record");
    await drawer.getByRole("button", { name: "Impersonate" }).click();
    const dialog = page.getByRole("dialog", { name: "Impersonation token" });
    const impersonation = await dialog.getByLabel("Token").inputValue();
    const asAda = await fetch(new URL(`/api/collections/users/records/${users[0]?.id}`, server.url), {
      headers: { authorization: impersonation },
    });
    expect(asAda.status).toBe(200);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
  });

  it("creates an account with a password and its confirmation, and sends it a password reset", async () => {
    await page.getByRole("link", { name: /^users/ }).click();
    await page.getByRole("button", { name: "+ New record" }).click();
    const drawer = page.getByRole("dialog", { name: "New users record" });
    await drawer.locator("#field-email").fill("grace@example.com");
    await drawer.locator("#field-password").fill("grace's long password");
    await drawer.locator("#field-password-confirm").fill("something else");
    await drawer.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => drawer.locator("#field-password-confirm-error").textContent()).toMatch(/\S/);
    await drawer.locator("#field-password-confirm").fill("grace's long password");
    await drawer.getByRole("button", { name: "Create" }).click();
    await drawer.waitFor({ state: "detached" });
    const signIn = await fetch(new URL("/api/collections/users/auth-with-password", server.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ identity: "grace@example.com", password: "grace's long password" }),
    });
    expect(signIn.status).toBe(200);

    await page
      .getByRole("row", { name: /grace@example\.com/ })
      .getByRole("button", { name: /Edit record/ })
      .click();
    const editor = page.getByRole("dialog", { name: "Edit users record" });
    await editor.getByRole("button", { name: "Send password reset" }).click();
    await toast("Password reset email sent.");
    await page.keyboard.press("Escape");
    await editor.waitFor({ state: "detached" });
  });

  it("changes a setting", async () => {
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Application name").fill("Acme back office");
    await expectNoSeriousAxeViolations(page, "settings");
    await page.getByRole("button", { name: "Save application settings" }).click();
    await toast("Settings saved.");
    await shot("19-settings");
    const settings = await api("/api/settings");
    expect((settings.meta as { appName: string }).appName).toBe("Acme back office");
    // A bad value is refused with the message next to its field.
    await page.getByLabel("Application URL").fill("not a url");
    await page.getByRole("button", { name: "Save application settings" }).click();
    await expect.poll(() => page.locator("#meta-appURL-error").textContent()).toMatch(/\S/);

    // File storage: turning S3 on without its details is refused field by field; the test says
    // what is wrong with what was saved (here: S3 is off).
    await page.getByRole("tab", { name: "File storage" }).click();
    // Without S3, PostgreSQL keeps files in the database (shared by every node); SQLite in a folder.
    const whereFilesGo =
      kind === "postgres"
        ? "Files are kept in the PostgreSQL database, shared by every node."
        : "Files go to the local storage folder.";
    await page.getByText(whereFilesGo).waitFor();
    await page.getByLabel("Store uploaded files in S3-compatible storage").check();
    await page.getByLabel("Endpoint").fill("ftp://nowhere");
    await expectNoSeriousAxeViolations(page, "settings (file storage)");
    await page.getByRole("button", { name: "Save storage settings" }).click();
    await expect.poll(() => page.locator("#s3-bucket-error").textContent()).toMatch(/blank/);
    await expect.poll(() => page.locator("#s3-endpoint-error").textContent()).toMatch(/URL/);
    expect(((await api("/api/settings")).s3 as { enabled: boolean }).enabled).toBe(false);
    await page.getByRole("button", { name: "Test S3 connection" }).click();
    await expect.poll(() => page.getByRole("alert").last().textContent()).toMatch(/not enabled/);
    await shot("19b-settings-storage");

    // Rate limits and token durations, each saved on its own.
    await page.getByRole("tab", { name: "Rate limits" }).click();
    await page.getByLabel("Enable rate limits").check();
    await page.getByLabel("Rule 1 max requests").fill("5");
    await page.getByLabel("Failed sign-ins per account").fill("7");
    await expectNoSeriousAxeViolations(page, "settings (rate limits)");
    await page.getByRole("button", { name: "Save rate limits" }).click();
    // The application settings' "Settings saved." toast may still be up: wait for the data.
    const saved = async () =>
      (await api("/api/settings")).rateLimits as { enabled: boolean; rules: { maxRequests: number }[] };
    await expect.poll(async () => (await saved()).enabled).toBe(true);
    expect((await saved()).rules[0]?.maxRequests).toBe(5);
    expect((await api("/api/settings")).authFailureLimits).toMatchObject({ perIdentity: 7, perIP: 30 });
    await page.getByLabel("Enable rate limits").uncheck();
    await page.getByRole("button", { name: "Save rate limits" }).click();
    await expect
      .poll(async () => ((await api("/api/settings")).rateLimits as { enabled: boolean }).enabled)
      .toBe(false);

    // The test email goes through the SDK (pb.settings.testEmail); SMTP is off, so the API says so.
    await page.getByRole("tab", { name: "Mail (SMTP)" }).click();
    await page.getByLabel("Recipient").fill("owner@example.com");
    await page.getByRole("button", { name: "Send test email" }).click();
    await expect
      .poll(() => page.locator("#test-email-to-error").textContent())
      .toMatch(/SMTP is not enabled/);

    await page.getByRole("tab", { name: "Token durations" }).click();
    await page.getByLabel("users", { exact: true }).fill("3600");
    await page.getByRole("button", { name: "Save users token duration" }).click();
    await toast("Token duration of users saved.");
    expect(((await api("/api/collections/users")).authToken as { duration: number }).duration).toBe(3600);
  });

  it("the audit log, jobs and webhooks screens pass axe", async () => {
    for (const [link, heading, name] of [
      ["Audit log", "Audit log", "12-audit"],
      ["Jobs", "Jobs", "13-jobs"],
      ["Webhooks", "Webhooks", "14-webhooks"],
    ] as const) {
      await page.getByRole("link", { name: link }).click();
      await page.getByRole("heading", { name: heading, exact: true }).waitFor();
      await page.waitForLoadState("networkidle");
      // The audit log already holds this session's work (collection and record changes, sign-ins).
      if (heading === "Audit log")
        await expect.poll(() => page.locator("tbody tr").count()).toBeGreaterThan(5);
      await expectNoSeriousAxeViolations(page, heading);
      await shot(name);
    }
  });

  it("retries a dead job", async () => {
    const { jobs } = server.app.services;
    let runs = 0;
    jobs.define("admin.e2e.flaky", () => {
      runs++;
      if (runs === 1) throw new Error("the first run fails");
    });
    const job = await jobs.enqueue("admin.e2e.flaky", {}, { attempts: 1 });
    await expect.poll(async () => (await jobs.get(job.id))?.status, { timeout: 10_000 }).toBe("dead");
    await page.getByRole("link", { name: "Jobs" }).click();
    await page.getByLabel("Status").selectOption("dead");
    const row = page.getByRole("row", { name: /admin\.e2e\.flaky/ });
    await row.getByText("the first run fails").waitFor();
    await shot("15-jobs-dead");
    await row.getByRole("button", { name: /Retry/ }).click();
    await toast("Job queued again.");
    await expect.poll(async () => (await jobs.get(job.id))?.status, { timeout: 10_000 }).toBe("succeeded");
    expect(runs).toBe(2);
  });

  it("adds and pauses a webhook", async () => {
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("button", { name: "+ New webhook" }).click();
    const dialog = page.getByRole("dialog", { name: "New webhook" });
    await dialog.getByLabel("URL").fill("not a url");
    await dialog.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => dialog.locator("#webhook-url-error").textContent()).toMatch(/URL/);
    // A public address that needs no DNS (TEST-NET-3): URLs are resolved and checked when saved.
    await dialog.getByLabel("URL").fill("https://203.0.113.10/backroom");
    await dialog.getByLabel("Events").fill("posts.create, posts.update");
    await dialog.getByRole("button", { name: "Create" }).click();
    const created = page.getByRole("dialog", { name: "Webhook created" });
    expect(await created.getByLabel("Secret").inputValue()).toMatch(/\S{16,}/);
    await expectNoSeriousAxeViolations(page, "webhook secret");
    await page.keyboard.press("Escape");
    const row = page.getByRole("row", { name: /203\.0\.113\.10/ });
    await row.getByRole("button", { name: /^Pause/ }).click();
    await row.getByText("paused").waitFor();
    await shot("16-webhooks");
    const hooks = (await api("/api/webhooks")).items as { url: string; active: boolean; events: string[] }[];
    expect(hooks).toEqual([
      expect.objectContaining({
        url: "https://203.0.113.10/backroom",
        active: false,
        events: ["posts.create", "posts.update"],
      }),
    ]);
    await row.getByRole("button", { name: /^Remove/ }).click();
    const confirm = page.getByRole("dialog", { name: "Remove webhook" });
    await confirm.getByRole("button", { name: "Remove" }).click();
    await page.getByText("No webhooks yet.").waitFor();
    expect((await api("/api/webhooks")).items).toEqual([]);
  });

  it("the request logs: filtered by status, a request's details in a drawer", async () => {
    await page.getByRole("link", { name: "Logs", exact: true }).click();
    await page.getByRole("heading", { name: "Request logs", exact: true }).waitFor();
    // Requests are written in batches about once a second; this session made plenty.
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 5000 }).toBeGreaterThan(5);
    await page.getByLabel("Filter", { exact: true }).fill("data.status >= 400");
    await page.keyboard.press("Enter");
    // The webhook form's invalid URL above was refused with a 400.
    await expect
      .poll(async () => {
        const statuses = await page.locator("tbody tr td:nth-child(4)").allInnerTexts();
        return statuses.length > 0 && statuses.every((s) => Number(s) >= 400);
      })
      .toBe(true);
    await page.waitForLoadState("networkidle");
    await expectNoSeriousAxeViolations(page, "request logs");
    await shot("17-request-logs");
    await page
      .getByRole("button", { name: /^Details/ })
      .first()
      .focus();
    await page.keyboard.press("Enter");
    const drawer = page.getByRole("dialog", { name: /^(GET|POST|PATCH|DELETE) \/api\// });
    await drawer.getByText('"status": 4').first().waitFor();
    await expectNoSeriousAxeViolations(page, "request log details");
    await shot("18-request-log-details");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    await page.getByLabel("Filter", { exact: true }).fill("data.status >=");
    await page.keyboard.press("Enter");
    await page.getByRole("alert").waitFor();
  });

  it("works on a phone-sized screen", async () => {
    await page.setViewportSize(PHONE);
    await page.goto(`${server.url}/_/#/collections/posts`);
    await page.reload(); // A fresh page: no toasts left over from the steps before.
    await page.getByRole("heading", { level: 1, name: "posts", exact: true }).waitFor();
    await expectNoSeriousAxeViolations(page, "records (phone)");
    await shot("20-phone-records");
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("link", { name: "Settings" }).waitFor();
    await shot("21-phone-menu");
    await page.getByRole("button", { name: "Menu" }).click();
    await page
      .getByRole("button", { name: /Edit record/ })
      .first()
      .click();
    await page.getByRole("dialog", { name: "Edit posts record" }).waitFor();
    await shot("22-phone-record");
    await page.keyboard.press("Escape");
  });

  it("deletes a collection", async () => {
    await page.setViewportSize(DESKTOP);
    await page.getByRole("button", { name: "+ New collection" }).click();
    await page.getByLabel("Name", { exact: true }).fill("scratch");
    await page.getByRole("button", { name: "Create collection" }).click();
    await page.getByRole("heading", { level: 1, name: "scratch", exact: true }).waitFor();
    await page.goto(`${server.url}/_/#/collections/scratch/schema`);
    await page.getByRole("button", { name: "Delete collection" }).click();
    await page
      .getByRole("dialog", { name: "Delete collection" })
      .getByRole("button", { name: "Delete collection" })
      .click();
    await toast("Collection scratch deleted.");
    const gone = await fetch(new URL("/api/collections/scratch", server.url), {
      headers: { authorization: token },
    });
    expect(gone.status).toBe(404);
  });

  it("a revoked session token signs the admin out", async () => {
    await page.evaluate(
      'localStorage.setItem("backroom.admin.auth", JSON.stringify({ token: "revoked", record: { id: "x", email: "x@example.com" } }))',
    );
    await page.reload();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    expect(await page.evaluate<string | null>('localStorage.getItem("backroom.admin.auth")')).toBeNull();
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  });

  it("signs out, and the sign-in page passes axe", async () => {
    await page.setViewportSize(DESKTOP);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    await expectNoSeriousAxeViolations(page, "sign in");
    await shot("00-sign-in");
    await page.getByLabel("Email").fill(OWNER.email);
    await page.getByLabel("Password").fill(OWNER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  });

  it("nothing the admin did was blocked by its strict Content Security Policy", async () => {
    const res = await fetch(new URL("/_/", server.url));
    expect(res.headers.get("content-security-policy")).toMatch(/script-src 'self'; style-src 'self';/);
    expect(cspViolations).toEqual([]);
  });

  it("the CSP check itself sees a violation", async () => {
    const other = await browser.newPage();
    try {
      const seen = await collectCspViolations(other);
      await other.goto(new URL("/_/", server.url).href);
      await other.evaluate('document.body.setAttribute("style", "color: red")');
      await expect.poll(() => seen.join("\n")).toMatch(/style-src/);
    } finally {
      await other.close();
    }
  });

  it("the axe check itself fails on a page with a serious violation", async () => {
    const blank = await browser.newPage();
    try {
      await blank.setContent(
        '<html lang="en"><body><main><img src="data:,"><button></button></main></body></html>',
      );
      await expect(expectNoSeriousAxeViolations(blank, "a broken page")).rejects.toThrow(
        /image-alt|button-name/,
      );
    } finally {
      await blank.close();
    }
  });
});
