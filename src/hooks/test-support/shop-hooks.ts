/** The hooks files of the shop app the hooks suite runs against (TypeScript, as users write them). */
export const SHOP_HOOKS: Record<string, string> = {
  "lib/slug.ts": `
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}
`,
  "orders.ts": `
import { defineHooks, type RecordEvent } from "backroom";
import { slug } from "./lib/slug";

const log = (e: RecordEvent, message: string) => e.app.createRecord("logs", { message });

export default defineHooks((app) => {
  app.onRecordCreate(async (e) => {
    if (e.record.get("title") === "forbidden") {
      e.badRequest("Orders can't be forbidden.", { title: { code: "validation_forbidden", message: "Pick another title." } });
    }
    if (e.record.get("title") === "hang") await new Promise(() => {});
    e.record.set("slug", slug(String(e.record.get("title"))));
    await e.next();
    await log(e, "created " + e.record.get("slug"));
    if (e.record.get("title") === "explode after insert") throw new Error("a bug in a hook");
  }, "orders");

  app.onRecordValidate(async (e) => {
    if (Number(e.record.get("qty")) > 100) {
      e.badRequest("Failed to create record.", { qty: { code: "validation_max", message: "At most 100." } });
    }
    await e.next();
  }, "orders");

  app.onRecordAfterCreateSuccess(async (e) => {
    await e.app.createRecord("logs", { message: "committed " + e.record.get("slug") });
    await e.next();
  }, "orders");

  app.onRecordAfterCreateError(async (e) => {
    await e.app.createRecord("logs", { message: "rolled back " + e.record.get("title") });
    await e.next();
  }, "orders");

  app.onRecordCreateRequest(async (e) => {
    e.body.note = "from " + (e.auth ? e.auth.collectionName : "a guest");
    await e.next();
    if (e.record) e.record.hooked = true;
  }, "orders");

  app.onRecordDeleteRequest(async (e) => {
    if (e.record?.locked) e.forbidden("Locked orders can't be deleted.");
    await e.next();
  }, "orders");

  app.onRecordsListRequest(async (e) => {
    await e.next();
    if (e.result) e.result.items = e.result.items.map((item) => ({ ...(item as object), listed: true }));
  }, "orders");

  app.onRecordUpdate(async (e) => {
    if (e.record.get("qty") === 13) {
      e.record.set("qty", 12);
    }
    await e.next();
  }, "orders");
});
`,
  "auth.ts": `
import { defineHooks } from "backroom";

export default defineHooks((app) => {
  app.onRecordAuthRequest(async (e) => {
    if (e.record.get("name") === "banned") e.forbidden("This account is suspended.");
    await e.next();
    if (e.response) e.response.meta = { ...(e.response.meta as object | undefined), greeted: e.authMethod };
  }, "users");
});
`,
  "routes.ts": `
import { defineHooks, verifyWebhookSignature } from "backroom";
import { greet } from "greeter";

export default defineHooks((app) => {
  app.routerAdd("GET", "/api/hello/{name}", async (e) => {
    e.json(200, { message: greet(e.request.pathValue("name")) });
  });
  app.routerAdd("POST", "/api/shop/close-day", async (e) => {
    const open = await e.app.countRecords("orders", "qty > {:min}", { min: 0 });
    e.json(200, { by: e.auth?.id, open });
  }, app.requireSuperuser());
  app.routerAdd("GET", "/api/shop/me", async (e) => {
    e.json(200, { id: e.auth?.id, collection: e.auth?.collectionName });
  }, app.requireAuth("users"));
  app.routerAdd("GET", "/api/shop/bug", async () => {
    throw new Error("a bug in a route");
  });
  app.routerAdd("GET", "/api/shop/hang", () => new Promise<void>(() => {}));
  app.routerAdd("POST", "/api/shop/jobs", async (e) => {
    const job = await e.app.jobs.enqueue("shop.note", e.request.body);
    e.json(202, job);
  });
  app.routerAdd("GET", "/api/shop/files/{path...}", async (e) => {
    e.string(200, e.request.pathValue("path"));
  });
  // A payment provider's signed webhook (Stripe-style "t=…,v1=…" header over the raw body).
  app.routerAdd("POST", "/api/shop/payments", async (e) => {
    const signature = e.request.headers["stripe-signature"];
    if (!verifyWebhookSignature("whsec_shop", signature, e.request.rawBody ?? "")) e.badRequest("Bad signature.");
    const event = e.request.body as { amount: number };
    await e.app.createRecord("logs", { message: "paid " + event.amount });
    e.json(200, { received: true });
  });
  app.jobs.define("shop.note", async (payload) => {
    await app.createRecord("logs", { message: "job " + JSON.stringify(payload) });
  });
});
`,
  "_ignored.ts": "throw new Error('files starting with _ are helpers, not hooks');\n",
};
