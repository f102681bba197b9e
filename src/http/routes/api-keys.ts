import type { FastifyInstance } from "fastify";
import { writeAudit } from "../../audit/audit-entry.js";
import { generateApiKey, hashApiKey, visiblePrefix } from "../../auth/api-keys/api-key-secret.js";
import { insertApiKey, listActiveApiKeys, revokeApiKey } from "../../auth/api-keys/api-key-store.js";
import { API_KEYS_ACTOR } from "../../auth/api-keys/principal.js";
import { parseScopes } from "../../auth/api-keys/scopes.js";
import { badRequest, type IssueMap, issue, notFound } from "../../errors/api-error.js";
import { randomId } from "../../ids.js";
import { actorOf } from "../../records/record-consequences.js";
import { requestBody } from "../plugins/multipart-body.js";
import { requireSuperuser } from "../request-context.js";
import type { Services } from "../services.js";

/** A key's name: 1–255 characters after trimming. */
function parseName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = value.trim();
  return name.length > 0 && name.length <= 255 ? name : undefined;
}

/**
 * /api/keys (beyond PocketBase): superusers create, list and revoke API keys for machines.
 * The secret is shown once, in the create response; only its SHA-256 is stored.
 */
export function apiKeyRoutes(app: FastifyInstance, services: Services): void {
  app.post("/api/keys", async (req) => {
    const ctx = await requireSuperuser(req, services);
    const body = await requestBody(req);
    const name = parseName(body.name);
    const scopes = parseScopes(body.scopes);
    const issues: IssueMap = "issues" in scopes ? { ...scopes.issues } : {};
    if (name === undefined)
      issues.name = issue("validation_required", "A name of 1 to 255 characters is required.");
    if (name === undefined || "issues" in scopes) throw badRequest("Failed to create the API key.", issues);

    const key = generateApiKey();
    const id = randomId();
    const info = await services.store.transaction(async (tx) => {
      const created = await insertApiKey(tx, {
        id,
        name,
        prefix: visiblePrefix(key),
        hash: hashApiKey(key),
        scopes: scopes.scopes,
        createdBy: ctx.auth?.record.id ?? "",
      });
      await writeAudit(tx, {
        action: "apikey.create",
        collectionName: API_KEYS_ACTOR,
        recordId: id,
        actor: actorOf(ctx),
        changes: ["name", "scopes"],
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
      return created;
    });
    return { id: info.id, name: info.name, key, scopes: info.scopes, created: info.created };
  });

  app.get("/api/keys", async (req) => {
    await requireSuperuser(req, services);
    return listActiveApiKeys(services.store.db);
  });

  app.delete<{ Params: { id: string } }>("/api/keys/:id", async (req, reply) => {
    const ctx = await requireSuperuser(req, services);
    const id = req.params.id;
    await services.store.transaction(async (tx) => {
      if (id.length > 255 || !(await revokeApiKey(tx, id))) throw notFound();
      await writeAudit(tx, {
        action: "apikey.revoke",
        collectionName: API_KEYS_ACTOR,
        recordId: id,
        actor: actorOf(ctx),
        changes: ["revoked"],
        requestId: ctx.requestId,
        ip: ctx.ip,
      });
    });
    return reply.code(204).send();
  });
}
