/**
 * What PocketBase apps reach for in hooks beyond records, under PocketBase's JSVM names: a mail
 * client on Settings → SMTP (`newMailClient()`), the record before the change (`record.original()`)
 * for "status became paid" logic, and routes that answer with their own content type.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { TestSmtpServer, useTestSmtp } from "../test-support/smtp-server.js";
import { appFolder } from "./test-support/app-folder.js";

const HOOKS = {
  "shop.ts": `
import { defineHooks } from "backroom";

export default defineHooks((app) => {
  app.onRecordUpdate(async (e) => {
    const before = e.record.original().get("status");
    await e.next();
    if (before !== "paid" && e.record.get("status") === "paid") {
      await e.app.createRecord("events", { message: "paid " + e.record.get("title") + " (was " + before + ")" });
    }
  }, "orders");

  app.onRecordCreate(async (e) => {
    await e.next();
    await e.app.createRecord("events", { message: "new " + e.record.get("title") + ", original id '" + e.record.original().id + "'" });
  }, "orders");

  app.onRecordAfterUpdateSuccess(async (e) => {
    const mail = e.app.newMailClient();
    if (e.record.original().get("status") !== "shipped" && e.record.get("status") === "shipped") {
      await mail.send({
        to: [{ address: String(e.record.get("email")), name: "Customer" }],
        bcc: [{ address: "archive@shop.test" }],
        subject: "Your order " + e.record.get("title") + " is on its way",
        html: "<p>It was <b>" + e.record.original().get("status") + "</b>.</p>",
        headers: { "X-Order": e.record.id },
      });
    }
    await e.next();
  }, "orders");

  app.onRecordAfterDeleteSuccess(async (e) => {
    await e.app.createRecord("events", { message: "deleted " + e.record.original().get("title") });
    await e.next();
  }, "orders");

  app.routerAdd("GET", "/feed.csv", (e) => {
    e.header("Content-Type", "text/csv; charset=utf-8");
    e.string(200, "title,status\\nmugs,paid\\n");
  });
  app.routerAdd("GET", "/feed.json", (e) => {
    e.json(200, { ok: true });
    e.header("content-type", "application/feed+json");
  });
  app.routerAdd("GET", "/logo.svg", (e) => e.blob(200, "image/svg+xml", "<svg/>"));
  app.routerAdd("GET", "/plain", (e) => e.string(200, "still text"));
  app.routerAdd("GET", "/hello.txt", (e) => e.string(200, "from the hook"));
  app.routerAdd("POST", "/api/contact", async (e) => {
    const body = e.request.body as { email?: string };
    await e.app.newMailClient().send({
      from: { address: "shop@shop.test", name: "The Shop" },
      to: [{ address: String(body.email) }],
      subject: "Thanks for writing",
      text: "We'll answer soon.",
      attachments: { "terms.txt": "Be nice." },
    });
    e.json(200, { sent: true });
  });
  app.routerAdd("POST", "/api/bad-mail", async (e) => {
    await e.app.newMailClient().send({ to: [], subject: "nobody" });
    e.json(200, { sent: true });
  });
});
`,
};

describe.each(await storesUnderTest())("hooks with PocketBase's JSVM names (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let smtp: TestSmtpServer;
  const folder = appFolder(HOOKS);
  const publicDir = join(folder.root, "backroom_public");

  const events = async () =>
    (await su.collection("events").getFullList<{ message: string }>({ sort: "@rowid" })).map(
      (e) => e.message,
    );

  beforeAll(async () => {
    mkdirSync(publicDir, { recursive: true });
    writeFileSync(join(publicDir, "hello.txt"), "from the folder");
    writeFileSync(join(publicDir, "other.txt"), "from the folder");
    smtp = await TestSmtpServer.start();
    server = await startServer(kind, { hooks: folder.hooks, publicDir });
    su = await server.superuserClient();
    await useTestSmtp(su, smtp);
    await su.collections.create({
      name: "orders",
      type: "base",
      fields: [
        { name: "title", type: "text" },
        { name: "status", type: "text" },
        { name: "email", type: "email" },
      ],
    });
    await su.collections.create({
      name: "events",
      type: "base",
      fields: [{ name: "message", type: "text" }],
    });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
    folder.remove();
  });

  it("record.original() is the stored record in update hooks, empty on create, the deleted one after delete", async () => {
    const order = await su.collection("orders").create({ title: "mugs", status: "new" });
    await su.collection("orders").update(order.id, { status: "paid" });
    await su.collection("orders").update(order.id, { title: "mugs" }); // still paid: no event
    await su.collection("orders").delete(order.id);
    expect(await events()).toEqual(["new mugs, original id ''", "paid mugs (was new)", "deleted mugs"]);
  });

  it("newMailClient() sends through Settings → SMTP with the sender from settings", async () => {
    const order = await su
      .collection("orders")
      .create({ title: "bowls", status: "paid", email: "cy@shop.test" });
    await su.collection("orders").update(order.id, { status: "shipped" });
    const mail = await smtp.next("cy@shop.test");
    expect(mail.subject).toBe("Your order bowls is on its way");
    expect(mail.html).toContain("It was <b>paid</b>.");
    expect(mail.text).toContain("It was paid.");
    expect(mail.from).toBe("support@app.test");
    expect(mail.raw).toMatch(/^X-Order: /m);
    expect((await smtp.next("archive@shop.test")).subject).toBe("Your order bowls is on its way");
  });

  it("newMailClient() in a route: own sender, text body, attachments; a bad message is a 500, not a hang", async () => {
    const res = await raw(server.url, "/api/contact", { method: "POST", body: { email: "dee@shop.test" } });
    expect(res.status).toBe(200);
    const mail = await smtp.next("dee@shop.test");
    expect(mail.from).toBe("shop@shop.test");
    expect(mail.text).toContain("We'll answer soon.");
    expect(mail.raw).toContain("filename=terms.txt");
    const bad = await raw(server.url, "/api/bad-mail", { method: "POST", body: {} });
    expect(bad.status).toBe(500);
    expect(bad.body).toMatchObject({ status: 500, data: {} });
  });

  it("routes answer with the content type they set (e.header, e.blob); the default stays text/plain", async () => {
    const csv = await fetch(`${server.url}/feed.csv`);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(await csv.text()).toBe("title,status\nmugs,paid\n");
    const feed = await fetch(`${server.url}/feed.json`);
    expect(feed.headers.get("content-type")).toMatch(/^application\/feed\+json/);
    expect(await feed.json()).toEqual({ ok: true });
    const logo = await fetch(`${server.url}/logo.svg`);
    expect(logo.headers.get("content-type")).toBe("image/svg+xml");
    expect(await logo.text()).toBe("<svg/>");
    const plain = await fetch(`${server.url}/plain`);
    expect(plain.headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("a hook's route wins over a public file of the same path", async () => {
    expect(await (await fetch(`${server.url}/hello.txt`)).text()).toBe("from the hook");
    expect(await (await fetch(`${server.url}/other.txt`)).text()).toBe("from the folder");
  });
});
