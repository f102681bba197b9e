import type { FastifyInstance } from "fastify";
import { writeAudit } from "../../audit/audit-entry.js";
import { notFound } from "../../errors/api-error.js";
import { randomId } from "../../ids.js";
import { transactionWithAfterCommit } from "../../records/after-commit.js";
import { parseListParams } from "../../records/list-params.js";
import { actorOf } from "../../records/record-consequences.js";
import type { RequestContext } from "../../records/request-context.js";
import type { Db } from "../../store/store.js";
import { countDeliveries, listDeliveries } from "../../webhooks/delivery-log.js";
import { destinationIssue } from "../../webhooks/ssrf/destination-issue.js";
import { enqueueTestDelivery } from "../../webhooks/test-delivery.js";
import {
  generateWebhookSecret,
  parseWebhookInput,
  type WebhookInputDeps,
} from "../../webhooks/webhook-input.js";
import { webhookOptionsFromEnv } from "../../webhooks/webhook-options.js";
import {
  countWebhooks,
  deleteWebhook,
  getWebhook,
  insertWebhook,
  listWebhooks,
  updateWebhook,
  type Webhook,
} from "../../webhooks/webhook-store.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

const MAX_ID_LENGTH = 255;
/** The secret is write-only: reads show that one is set, never its value. */
const MASK = "********";

const masked = (hook: Webhook) => ({ ...hook, secret: MASK });

function page<T>(params: { page: number; perPage: number }, total: number, items: T[]) {
  return {
    page: params.page,
    perPage: params.perPage,
    totalItems: total,
    totalPages: total < 0 ? -1 : Math.ceil(total / params.perPage),
    items,
  };
}

async function audit(
  tx: Db,
  ctx: RequestContext,
  action: string,
  id: string,
  changes: string[],
): Promise<void> {
  await writeAudit(tx, {
    action: `webhook.${action}`,
    collectionName: "_webhooks",
    recordId: id,
    actor: actorOf(ctx),
    changes,
    requestId: ctx.requestId,
    ip: ctx.ip,
  });
}

/** /api/webhooks (beyond PocketBase): superusers manage outbound webhooks and read their delivery log. */
export function webhookRoutes(app: FastifyInstance, services: Services): void {
  const { store } = services;
  // The allow list deliveries use (read from the same environment at startup).
  const options = webhookOptionsFromEnv();
  const { allow } = options;
  const inputDeps: WebhookInputDeps = { destinationIssue: (url) => destinationIssue(url, allow) };
  const existing = async (id: string) => {
    const hook = id.length <= MAX_ID_LENGTH ? await getWebhook(store.db, id) : undefined;
    if (!hook) throw notFound();
    return hook;
  };

  app.get("/api/webhooks", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const params = parseListParams(ctx.query);
    const items = await listWebhooks(store.db, {
      limit: params.perPage,
      offset: (params.page - 1) * params.perPage,
    });
    return page(params, params.skipTotal ? -1 : await countWebhooks(store.db), items.map(masked));
  });

  app.post("/api/webhooks", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const input = await parseWebhookInput(await requestBody(req), false, inputDeps);
    const generated = input.secret === undefined ? generateWebhookSecret() : undefined;
    const hook = await transactionWithAfterCommit(store, async (tx) => {
      const created = await insertWebhook(tx, {
        id: randomId(),
        url: input.url as string,
        events: input.events as string[],
        secret: input.secret ?? (generated as string),
        active: input.active ?? true,
      });
      await audit(tx, ctx, "create", created.id, ["url", "events", "secret", "active"]);
      return created;
    });
    // A generated secret is shown once, here; a given one is never echoed back.
    return generated ? { ...hook, secret: generated } : masked(hook);
  });

  app.get<{ Params: { id: string } }>("/api/webhooks/:id", async (req) => {
    await requireSuperuser(req, services);
    return masked(await existing(req.params.id));
  });

  app.patch<{ Params: { id: string } }>("/api/webhooks/:id", async (req) => {
    const ctx = await requireSuperuser(req, services);
    await existing(req.params.id);
    const input = await parseWebhookInput(await requestBody(req), true, inputDeps);
    const hook = await transactionWithAfterCommit(store, async (tx) => {
      const updated = await updateWebhook(tx, req.params.id, input);
      if (!updated) throw notFound();
      await audit(tx, ctx, "update", updated.id, Object.keys(input));
      return updated;
    });
    return masked(hook);
  });

  app.delete<{ Params: { id: string } }>("/api/webhooks/:id", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    const id = req.params.id;
    await transactionWithAfterCommit(store, async (tx) => {
      if (id.length > MAX_ID_LENGTH || !(await deleteWebhook(tx, id))) throw notFound();
      await audit(tx, ctx, "delete", id, []);
    });
    return reply.code(204).send();
  });

  // A sample event through the normal delivery job; its result lands in the delivery log.
  app.post<{ Params: { id: string } }>("/api/webhooks/:id/test", async (req) => {
    await requireSuperuser(req, services);
    const { jobId, event } = await enqueueTestDelivery(services.jobs, options, await existing(req.params.id));
    return { jobId, eventId: event.id, type: event.type };
  });

  app.get<{ Params: { id: string } }>("/api/webhooks/:id/deliveries", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const params = parseListParams(ctx.query);
    const hook = await existing(req.params.id);
    const items = await listDeliveries(store.db, hook.id, {
      limit: params.perPage,
      offset: (params.page - 1) * params.perPage,
    });
    return page(params, params.skipTotal ? -1 : await countDeliveries(store.db, hook.id), items);
  });
}
