import type { Browser, Page } from "playwright-core";
import type PocketBase from "pocketbase";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { raw } from "../test-support/api.js";
import { startMailSuite, stopMailSuite } from "../test-support/mail-suite.js";
import { SUPERUSER, storesUnderTest, type TestServer } from "../test-support/server.js";
import type { TestSmtpServer } from "../test-support/smtp-server.js";
import { startWebhookReceiver, type WebhookReceiver } from "../test-support/webhook-receiver.js";
import {
  browserSuiteReady,
  collectCspViolations,
  expectNoSeriousAxeViolations,
  launchChromium,
  screenshot,
} from "./test-support/browser.js";

/** How long a polled expectation may take: a loaded machine renders slower than the 1 s default. */
const STEP = { timeout: 8000 };

/** A collection wider than the screen: a dozen text columns after the relation. */
const WIDE_FIELDS = Array.from({ length: 12 }, (_, i) => ({ name: `column${i + 1}`, type: "text" }));

/**
 * Every element that looks clickable (the admin's button styles, or a pointer cursor) and what
 * assistive technology is told it is. Page code as text: the server's tsconfig has no DOM types.
 */
const CONTROLS_WITHOUT_A_ROLE = `(() => {
  const looksLikeButton = (el) =>
    el.matches(".btn, .link-button, .sort-button, .chip-remove, .picker-item, .tab, .skip-link");
  const roleOf = (el) => {
    const explicit = el.getAttribute("role");
    if (explicit) return explicit;
    const tag = el.tagName.toLowerCase();
    if (tag === "button") return "button";
    if (tag === "a" && el.hasAttribute("href")) return "link";
    if (tag === "input") return ["button", "submit", "reset"].includes(el.type) ? "button" : el.type;
    if (tag === "select" || tag === "textarea") return tag;
    if (tag === "summary") return "summary";
    if (tag === "label" && el.control) return "label";
    return "";
  };
  const offenders = [];
  for (const el of document.querySelectorAll("body *")) {
    if (el.closest("[hidden], [aria-hidden=true]") || el.getClientRects().length === 0) continue;
    const pointer = getComputedStyle(el).cursor === "pointer";
    // A pointer inherited from a clickable ancestor (a button's label text) is that ancestor's.
    const parentPointer = el.parentElement && getComputedStyle(el.parentElement).cursor === "pointer";
    const role = roleOf(el);
    const name = (el.textContent || el.getAttribute("aria-label") || "").trim().slice(0, 40);
    if (looksLikeButton(el) && !["button", "tab"].includes(role))
      offenders.push("looks like a button but is a " + (role || el.tagName.toLowerCase()) + ": " + name);
    else if (pointer && !parentPointer && !role)
      offenders.push("clickable-looking " + el.tagName.toLowerCase() + " without a role: " + name);
  }
  return offenders;
})()`;

/**
 * The admin covers every option (issue #21 point 6) in a real chromium against a real server with a
 * real SMTP server and webhook receiver: auth collection options (password, OAuth2, OTP, MFA,
 * token durations), email templates with a preview and a test send, webhooks (edit, test) and API
 * keys (shown once, used, revoked); and what a newcomer stumbled on: related records named by
 * their presentable fields, wide tables with a pinned id and a column picker, multi-line rules
 * with completion, what a max size of 0 means, and a button role on everything that looks like one.
 */
const kinds = browserSuiteReady() ? await storesUnderTest() : [];

describe.each(kinds)("admin UI: every option (%s)", (kind) => {
  let server: TestServer;
  let smtp: TestSmtpServer;
  let su: PocketBase;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let cspViolations: string[] = [];
  let authorId = "";
  const shot = (name: string) =>
    kind === "sqlite" ? screenshot(page, `options-${name}`) : Promise.resolve();
  const toast = (text: string | RegExp) => page.locator(".toast").filter({ hasText: text }).first().waitFor();
  const api = async (path: string, token = su.authStore.token) => raw(server.url, path, { token });
  /** Saves the collection editor and waits for the API's answer and the records screen it opens. */
  const save = async (collection: string) => {
    const answer = page.waitForResponse(
      (r) => r.request().method() === "PATCH" && r.url().includes("/api/collections/"),
    );
    await page.getByRole("button", { name: "Save changes" }).click();
    expect((await answer).status()).toBe(200);
    await page.getByRole("heading", { level: 1, name: new RegExp(`^${collection}`) }).waitFor();
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    process.env.BACKROOM_WEBHOOK_ALLOW_PRIVATE = `127.0.0.1:${receiver.port}`;
    process.env.BACKROOM_JOBS_POLL_MS = "25";
    ({ server, smtp, su } = await startMailSuite(kind));
    const authors = await su.collections.create({
      name: "authors",
      type: "base",
      fields: [
        { name: "name", type: "text", presentable: true },
        { name: "country", type: "text", presentable: true },
      ],
    });
    await su.collections.create({
      name: "books",
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "author", type: "relation", collectionId: authors.id, maxSelect: 1 },
        { name: "cover", type: "file", maxSelect: 1 },
        ...WIDE_FIELDS,
      ],
    });
    authorId = (await su.collection("authors").create({ name: "Ursula", country: "US" })).id;
    await su.collection("books").create({
      title: "The Dispossessed",
      author: authorId,
      ...Object.fromEntries(WIDE_FIELDS.map((f) => [f.name, `a long value of ${f.name}`])),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, reducedMotion: "reduce" });
    page.setDefaultTimeout(8000);
    page.on("pageerror", (err) => {
      throw err;
    });
    cspViolations = await collectCspViolations(page);
    await page.goto(`${server.url}/_/`);
    await page.getByLabel("Email").fill(SUPERUSER.email);
    await page.getByLabel("Password").fill(SUPERUSER.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("navigation", { name: "Main" }).waitFor();
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === "fail" && page)
      await screenshot(page, `failed-options-${kind}-${task.name.replace(/\W+/g, "-")}`).catch(
        () => undefined,
      );
  });

  afterAll(async () => {
    await browser?.close();
    await stopMailSuite({ server, smtp });
    await receiver?.close();
  });

  it("names related records by their presentable fields in cells and the drawer", async () => {
    await page.goto(`${server.url}/_/#/collections/books`);
    const row = page.getByRole("row", { name: /The Dispossessed/ });
    await row.waitFor();
    // Both presentable fields of the author, not its id (which stays in the tooltip).
    const chip = row.locator(".rel-chip");
    await expect.poll(() => chip.textContent(), STEP).toBe("Ursula · US");
    expect(await chip.getAttribute("title")).toBe(authorId);
    await row.getByRole("button", { name: /Edit record/ }).click();
    const drawer = page.getByRole("dialog", { name: "Edit books record" });
    await drawer.getByRole("listitem").filter({ hasText: "Ursula · US" }).waitFor();
    await drawer.getByRole("button", { name: "Remove Ursula · US" }).waitFor();
    // The picker names the records it lists the same way.
    await drawer.getByRole("button", { name: "Choose from authors…" }).click();
    const picker = page.getByRole("dialog", { name: "Choose from authors" });
    await picker.getByRole("button", { name: /Ursula · US/ }).waitFor();
    await page.keyboard.press("Escape");
    await picker.waitFor({ state: "detached" });
    await expectNoSeriousAxeViolations(page, "record drawer with a named relation");
    await shot("01-relation-drawer");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });

    // Where "presentable" is set, it is explained, and the checkbox points at the explanation.
    await page.getByRole("button", { name: "Edit collection" }).click();
    await page.getByRole("heading", { level: 1, name: "Edit books" }).waitFor();
    expect(await page.locator("#presentable-help").textContent()).toMatch(/names the record/);
    expect(await page.locator("#f1-presentable").getAttribute("aria-describedby")).toBe("presentable-help");
    // A file field's max size says what 0 means.
    const cover = page.locator(".field-card").nth(3); // id, title, author, cover
    await cover.locator("summary").click();
    const maxSize = cover.getByLabel("Max size per file (bytes)");
    expect(await maxSize.getAttribute("aria-describedby")).toMatch(/-hint$/);
    await cover.getByText("0: the default limit, 5 MB (5242880 bytes)").waitFor();
    await shot("02-file-max-size-hint");
  });

  it("scrolls a wide table sideways with the id pinned, and hides columns with the picker", async () => {
    await page.goto(`${server.url}/_/#/collections/books`);
    const wrap = page.locator(".table-wrap");
    await page.getByRole("row", { name: /The Dispossessed/ }).waitFor();
    const widths = await wrap.evaluate((el) => [el.scrollWidth, el.clientWidth]);
    expect(widths[0]).toBeGreaterThan(widths[1] as number);
    const idCell = page.getByRole("button", { name: /Edit record/ }).first();
    const before = await idCell.boundingBox();
    await wrap.evaluate((el) => {
      el.scrollLeft = 600;
    });
    await expect.poll(() => wrap.evaluate((el) => el.scrollLeft), STEP).toBeGreaterThan(500);
    const after = await idCell.boundingBox();
    // Sticky positioning may land a fraction of a pixel off; scrolled away it would be 600 px off.
    expect(Math.abs((after?.x ?? 0) - (before?.x ?? 0))).toBeLessThan(2);
    // The last column came into view: nothing is cut off, it scrolls.
    await wrap.evaluate((el) => {
      el.scrollLeft = el.scrollWidth;
    });
    expect(await page.getByRole("columnheader", { name: /column12/ }).isVisible()).toBe(true);
    await shot("03-wide-table-scrolled");

    await page.getByRole("button", { name: /^Columns/ }).click();
    await page.getByRole("checkbox", { name: "column3", exact: true }).uncheck();
    await page.getByRole("checkbox", { name: "column4", exact: true }).uncheck();
    expect(await page.getByRole("columnheader", { name: /column3/ }).count()).toBe(0);
    await expectNoSeriousAxeViolations(page, "column picker");
    await shot("04-column-picker");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("checkbox", { name: "column5", exact: true }).isVisible()).toBe(false);
    // Kept in this browser across visits.
    await page.reload();
    await page.getByRole("row", { name: /The Dispossessed/ }).waitFor();
    expect(await page.getByRole("columnheader", { name: /column4/ }).count()).toBe(0);
    expect(await page.getByRole("columnheader", { name: /column5/ }).count()).toBe(1);
    expect(await page.getByRole("button", { name: /^Columns/ }).textContent()).toContain("15/17");
  });

  it("edits rules in a multi-line editor with completion", async () => {
    await page.goto(`${server.url}/_/#/collections/books/schema`);
    await page.getByRole("tab", { name: "API rules" }).click();
    await page.locator("#rule-listRule-locked").uncheck();
    const rule = page.getByRole("textbox", { name: "List/Search rule" });
    expect(await rule.evaluate((el) => el.tagName)).toBe("TEXTAREA");
    await rule.pressSequentially("titl");
    await page.getByRole("option", { name: "title", exact: true }).waitFor();
    await rule.press("Enter");
    await rule.pressSequentially(' != ""');
    // No suggestion open: Enter is a new line.
    await rule.press("Enter");
    await rule.pressSequentially("&& @request.au");
    await page.getByRole("option", { name: "@request.auth.id" }).waitFor();
    await rule.press("Enter");
    await rule.pressSequentially(' != ""');
    expect(await rule.inputValue()).toBe('title != ""\n&& @request.auth.id != ""');
    await expect
      .poll(() => page.locator("#rule-listRule-status").textContent(), STEP)
      .toContain("Valid rule");
    await expectNoSeriousAxeViolations(page, "multi-line rules");
    await shot("05-rules-multiline");
    await save("books");
    const saved = (await api("/api/collections/books")).body as { listRule: string };
    expect(saved.listRule).toBe('title != ""\n&& @request.auth.id != ""');
  });

  it("sets password, OAuth2, OTP, MFA and token options of an auth collection", async () => {
    await page.goto(`${server.url}/_/#/collections/users/schema`);
    await page.getByRole("tab", { name: "Auth options" }).click();
    await page.getByRole("heading", { name: "OAuth2" }).waitFor();
    // Password: the identity fields are the collection's text and email fields.
    expect(await page.getByRole("checkbox", { name: "email", exact: true }).isChecked()).toBe(true);
    await page.getByRole("checkbox", { name: "name", exact: true }).check();
    // OAuth2: providers from GET /api/collections/meta/oauth2-providers.
    await page.getByLabel("Allow sign-in with OAuth2 providers").check();
    await page.getByLabel("Add a provider").selectOption({ label: "Google" });
    await page.getByRole("button", { name: "+ Add provider" }).click();
    const google = page.getByRole("group", { name: "Google" });
    await google.getByLabel("Client ID").fill("google-client-id");
    await google.getByLabel("Client secret").fill("google-client-secret");
    await page.getByLabel("Their name goes to").selectOption("name");
    // OTP and MFA.
    await page.getByLabel("Allow sign-in with a one-time password").check();
    await page.getByLabel("Code valid for (seconds)").fill("300");
    await page.getByLabel("Code length (digits)").fill("6");
    await page.getByLabel("Require a second sign-in method").check();
    await page.getByLabel("Time to finish the second step (seconds)").fill("900");
    const mfaRule = page.getByRole("textbox", { name: "Who must use MFA (rule)" });
    await mfaRule.pressSequentially("verif");
    await page.getByRole("listbox").getByRole("option", { name: "verified", exact: true }).waitFor();
    await mfaRule.press("Enter");
    await mfaRule.pressSequentially(" = true");
    await expect.poll(() => page.locator("#mfa-rule-status").textContent(), STEP).toContain("Valid rule");
    // Every token kind's lifetime.
    await page.getByLabel("Sign-in (auth) token").fill("3600");
    await page.getByLabel("Email verification link").fill("7200");
    await page.getByLabel("Password reset link").fill("900");
    await page.getByLabel("Email change link").fill("1200");
    await page.getByLabel("Protected file token").fill("120");
    await expectNoSeriousAxeViolations(page, "auth options");
    await shot("06-auth-options");
    await save("users");

    const users = (await api("/api/collections/users")).body as Record<string, Record<string, unknown>>;
    expect(users.oauth2).toMatchObject({
      enabled: true,
      mappedFields: { name: "name" },
      providers: [expect.objectContaining({ name: "google", clientId: "google-client-id" })],
    });
    // The secret was stored, and is never sent back.
    expect(JSON.stringify(users.oauth2)).not.toContain("google-client-secret");
    const stored = server.app.services.registry.get("users")?.auth as unknown as {
      oauth2: { providers: unknown[] };
    };
    expect(stored.oauth2.providers[0]).toMatchObject({ clientSecret: "google-client-secret" });
    expect(users.passwordAuth).toEqual({ enabled: true, identityFields: ["email", "name"] });
    expect(users.otp).toMatchObject({ enabled: true, duration: 300, length: 6 });
    expect(users.mfa).toMatchObject({ enabled: true, duration: 900, rule: "verified = true" });
    for (const [key, duration] of Object.entries({
      authToken: 3600,
      verificationToken: 7200,
      passwordResetToken: 900,
      emailChangeToken: 1200,
      fileToken: 120,
    }))
      expect(users[key], key).toEqual({ duration });

    // A round trip without the secret keeps it (the API never shows it). Saving opened the records.
    await page.getByRole("button", { name: "Edit collection" }).click();
    await page.getByRole("tab", { name: "Auth options" }).click();
    await page.getByLabel("Code valid for (seconds)").fill("240");
    await save("users");
    const again = server.app.services.registry.get("users")?.auth as unknown as {
      oauth2: { providers: unknown[] };
    };
    expect(again.oauth2.providers[0]).toMatchObject({ clientSecret: "google-client-secret" });
  });

  it("edits an email template with a live preview, and sends it as a test", async () => {
    await page.goto(`${server.url}/_/#/collections/users/schema`);
    await page.getByRole("tab", { name: "Emails" }).click();
    await page.getByLabel("Template", { exact: true }).selectOption({ label: "Password reset" });
    await page.getByLabel("Subject").fill("Reset it, {APP_NAME}");
    await page
      .getByLabel("Body (HTML)")
      .fill('<p>Hi {RECORD:email}</p><a href="{APP_URL}/reset/{TOKEN}">Reset now</a>');
    // The preview fills the placeholders with sample values, in a sandboxed frame.
    await expect
      .poll(() => page.locator("#template-preview-subject").textContent(), STEP)
      .toBe("Reset it, Acme");
    // The preview's content is read as text and attributes, not through frameLocator, visibility or
    // roles: with Chromium 156 those checks on elements of the sandboxed srcdoc frame came back
    // "hidden" or timed out now and then while the content was laid out on screen.
    await page.locator("iframe.preview-frame").waitFor();
    const preview = () => page.frames().find((f) => f.parentFrame() === page.mainFrame());
    await expect
      .poll(async () => (await preview()?.locator("p").allTextContents())?.join(), STEP)
      .toBe("Hi jane@example.com");
    expect(await preview()?.locator("a", { hasText: "Reset now" }).getAttribute("href")).toBe(
      "http://app.test/reset/SAMPLE_TOKEN",
    );
    expect(await page.locator("iframe.preview-frame").getAttribute("sandbox")).toBe("");
    await expectNoSeriousAxeViolations(page, "email templates");
    await shot("07-email-template");
    // A bad value comes back from the API next to its input, on the tab that holds it.
    await page.getByLabel("Subject").fill("");
    await page.getByRole("tab", { name: "Fields" }).click();
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByRole("tab", { name: /Emails/, selected: true }).waitFor();
    await expect.poll(() => page.locator("#template-subject-error").textContent(), STEP).toMatch(/\S/);
    await page.getByLabel("Subject").fill("Reset it, {APP_NAME}");
    await save("users");
    const users = (await api("/api/collections/users")).body as {
      resetPasswordTemplate: { subject: string };
    };
    expect(users.resetPasswordTemplate.subject).toBe("Reset it, {APP_NAME}");

    await page.getByRole("button", { name: "Edit collection" }).click();
    await page.getByRole("tab", { name: "Emails" }).click();
    await page.getByLabel("Template", { exact: true }).selectOption({ label: "Password reset" });
    await page.getByLabel("Recipient").fill("not an address");
    await page.getByRole("button", { name: "Send test email" }).click();
    await expect.poll(() => page.locator("#template-test-to-error").textContent(), STEP).toMatch(/\S/);
    await page.getByLabel("Recipient").fill("inbox@example.com");
    await page.getByRole("button", { name: "Send test email" }).click();
    await toast("Test email sent to inbox@example.com.");
    const mail = await smtp.next("inbox@example.com");
    expect(mail.subject).toBe("Reset it, Acme");
    expect(mail.html).toContain("Reset now");
  });

  it("edits a webhook and sends it a test event", async () => {
    await page.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("button", { name: "+ New webhook" }).click();
    const form = page.getByRole("dialog", { name: "New webhook" });
    await form.getByLabel("URL").fill(`${receiver.url}/first`);
    await form.getByLabel("Events").fill("books.create");
    await form.getByRole("button", { name: "Create" }).click();
    await page.getByRole("dialog", { name: "Webhook created" }).waitFor();
    await page.keyboard.press("Escape");

    const row = page.getByRole("row", { name: /\/first/ });
    await row.getByRole("button", { name: /^Edit/ }).click();
    const edit = page.getByRole("dialog", { name: "Edit webhook" });
    await edit.getByLabel("URL").fill(`${receiver.url}/second`);
    await edit.getByLabel("Events").fill("books.create, books.update");
    await edit.getByLabel("New signing secret").fill("whsec_chosen_by_the_superuser_0123456789");
    await expectNoSeriousAxeViolations(page, "webhook edit");
    await edit.getByRole("button", { name: "Save" }).click();
    await edit.waitFor({ state: "detached" });
    const hooks = (await api("/api/webhooks")).body as { items: { url: string; events: string[] }[] };
    expect(hooks.items[0]).toMatchObject({
      url: `${receiver.url}/second`,
      events: ["books.create", "books.update"],
    });

    await page
      .getByRole("row", { name: /\/second/ })
      .getByRole("button", { name: /^Send test/ })
      .click();
    await toast(/Test event queued/);
    await expect.poll(() => receiver.at("/second").length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(receiver.at("/second")[0]?.body ?? "{}")).toMatchObject({ type: "webhook.test" });
    await page
      .getByRole("row", { name: /\/second/ })
      .getByRole("button", { name: /^Deliveries/ })
      .click();
    const deliveries = page.getByRole("dialog", { name: /^Deliveries to/ });
    await deliveries.getByText("webhook.test").waitFor();
    await deliveries.getByText(/success/).waitFor();
    await shot("08-webhook-test-delivery");
    await page.keyboard.press("Escape");
  });

  it("creates an API key shown once, which works until it is revoked", async () => {
    await page.getByRole("link", { name: "API keys" }).click();
    await page.getByText("No API keys yet.").waitFor();
    await page.getByRole("button", { name: "+ New API key" }).click();
    const form = page.getByRole("dialog", { name: "New API key" });
    // No scope: the API's message shows in the form.
    await form.getByLabel("Name").fill("invoicing server");
    await form.getByRole("button", { name: "Create" }).click();
    await expect.poll(() => form.locator("#key-scopes-error").textContent(), STEP).toMatch(/scopes/);
    await form.getByRole("checkbox", { name: "list books" }).check();
    await form.getByRole("checkbox", { name: "view books" }).check();
    await expectNoSeriousAxeViolations(page, "new API key");
    await shot("09-api-key-new");
    await form.getByRole("button", { name: "Create" }).click();
    const created = page.getByRole("dialog", { name: "API key created" });
    const key = await created.getByLabel("Key").inputValue();
    expect(key).toMatch(/^bk_/);
    await shot("10-api-key-created");
    await page.keyboard.press("Escape");

    const row = page.getByRole("row", { name: /invoicing server/ });
    await row.getByText("books: list, view").waitFor();
    // The key is not in the list: only its first characters.
    expect(await page.locator("main").textContent()).not.toContain(key);
    const asKey = () =>
      fetch(new URL("/api/collections/books/records", server.url), {
        headers: { authorization: `Bearer ${key}` },
      });
    expect((await asKey()).status).toBe(200);
    await expectNoSeriousAxeViolations(page, "API keys");
    await shot("11-api-keys");

    await row.getByRole("button", { name: /^Revoke/ }).click();
    await page
      .getByRole("dialog", { name: "Revoke API key" })
      .getByRole("button", { name: "Revoke" })
      .click();
    await page.getByText("No API keys yet.").waitFor();
    await expect.poll(asKey, STEP).not.toBe(1);
  });

  it("every control that looks like a button has a button role, on every screen", async () => {
    const screens = [
      "/collections/books",
      "/collections/books/schema",
      "/collections/users/schema",
      "/settings",
      "/dashboard",
      "/audit",
      "/logs",
      "/jobs",
      "/webhooks",
      "/api-keys",
    ];
    const found: string[] = [];
    for (const path of screens) {
      await page.goto(`${server.url}/_/#${path}`);
      await page.getByRole("heading", { level: 1 }).first().waitFor();
      await page.waitForLoadState("networkidle");
      for (const offender of await page.evaluate<string[]>(CONTROLS_WITHOUT_A_ROLE))
        found.push(`${path}: ${offender}`);
    }
    // The auth options and emails tabs, and an open record drawer.
    await page.goto(`${server.url}/_/#/collections/users/schema`);
    for (const tab of ["Auth options", "Emails"]) {
      await page.getByRole("tab", { name: tab }).click();
      for (const offender of await page.evaluate<string[]>(CONTROLS_WITHOUT_A_ROLE))
        found.push(`users ${tab}: ${offender}`);
    }
    await page.goto(`${server.url}/_/#/collections/books`);
    await page
      .getByRole("button", { name: /Edit record/ })
      .first()
      .click();
    await page.getByRole("dialog", { name: "Edit books record" }).waitFor();
    for (const offender of await page.evaluate<string[]>(CONTROLS_WITHOUT_A_ROLE))
      found.push(`record drawer: ${offender}`);
    expect(found).toEqual([]);
  });

  it("the role check itself finds a link styled as a button", async () => {
    const other = await browser.newPage();
    try {
      await other.setContent(
        '<main><a class="btn" href="#/x">Edit collection</a><span style="cursor:pointer">x</span></main>',
      );
      expect(await other.evaluate<string[]>(CONTROLS_WITHOUT_A_ROLE)).toEqual([
        "looks like a button but is a link: Edit collection",
        "clickable-looking span without a role: x",
      ]);
    } finally {
      await other.close();
    }
  });

  it("nothing was blocked by the admin's Content Security Policy", () => {
    expect(cspViolations).toEqual([]);
  });
});
