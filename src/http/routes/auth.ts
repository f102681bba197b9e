import type { FastifyInstance } from "fastify";
import { SUPERUSERS } from "../../auth/authenticate.js";
import { dummyHash, verifyPassword } from "../../auth/passwords.js";
import { signToken } from "../../auth/tokens.js";
import { writeAudit } from "../../audit/audit-entry.js";
import type { AuthOptions, Collection } from "../../collections/model.js";
import { ApiError, badRequest, notFound } from "../../errors/api-error.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import type { RequestContext } from "../../records/request-context.js";
import { contextOf, requireAuth } from "../request-context.js";
import type { Services } from "../services.js";
import { objectBody } from "./records.js";
import { sql } from "kysely";

type Params = { collection: string };

function authCollection(services: Services, idOrName: string): Collection {
  const c = services.registry.get(idOrName);
  if (!c || c.type !== "auth") throw notFound("Missing or invalid auth collection context.");
  return c;
}

/** The response of every successful sign-in: a fresh token and the record as its owner sees it. */
async function authResponse(services: Services, collection: Collection, record: Record<string, unknown> & { id: string }, ctx: RequestContext) {
  const token = await signToken(collection, record, "auth", { refreshable: true });
  const isSuperuser = collection.name === SUPERUSERS;
  const selfCtx: RequestContext = { ...ctx, superuser: isSuperuser, auth: { record, collection, isSuperuser } };
  const view = await services.records.present(collection, record, selfCtx);
  return { token, record: view };
}

/** Sign-in and token routes of auth collections (the full auth surface grows in its own module). */
export function authRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: Params }>("/api/collections/:collection/auth-methods", async (req) => {
    const c = authCollection(services, req.params.collection);
    const options = c.auth as AuthOptions;
    return {
      password: { enabled: options.passwordAuth.enabled, identityFields: options.passwordAuth.identityFields },
      oauth2: { enabled: false, providers: [] },
      mfa: { enabled: false, duration: 0 },
      otp: { enabled: false, duration: 0 },
    };
  });

  app.post<{ Params: Params }>("/api/collections/:collection/auth-with-password", async (req) => {
    const c = authCollection(services, req.params.collection);
    const body = objectBody(req.body);
    const ctx = await contextOf(req, services);
    const options = c.auth as AuthOptions;
    if (!options.passwordAuth.enabled) throw badRequest("The collection is not configured to allow password authentication.");
    const identity = body.identity;
    const password = body.password;
    if (typeof identity !== "string" || typeof password !== "string" || identity === "" || password === "") {
      throw badRequest("Failed to authenticate.", {
        ...(typeof identity !== "string" || identity === "" ? { identity: { code: "validation_required", message: "Missing required value." } } : {}),
        ...(typeof password !== "string" || password === "" ? { password: { code: "validation_required", message: "Missing required value." } } : {}),
      });
    }
    if (identity.length > 255 || password.length > 1024) throw badRequest("Failed to authenticate.");
    const record = await findByIdentity(services, c, identity, options.passwordAuth.identityFields);
    // An unknown identity still costs one hash verification, so timing doesn't tell them apart.
    const ok = await verifyPassword(record ? String(record.password) : await dummyHash(), password);
    await services.store.transaction((tx) =>
      writeAudit(tx, {
        action: ok && record ? "auth.login" : "auth.login_failed",
        collectionId: c.id,
        collectionName: c.name,
        recordId: record?.id ?? "",
        actor: ok && record ? { collectionName: c.name, id: record.id } : null,
        requestId: ctx.requestId,
        ip: ctx.ip,
      }),
    );
    if (!ok || !record) throw badRequest("Failed to authenticate.");
    return authResponse(services, c, record, ctx);
  });

  app.post<{ Params: Params }>("/api/collections/:collection/auth-refresh", async (req) => {
    const ctx = await requireAuth(req, services);
    const c = authCollection(services, req.params.collection);
    const auth = ctx.auth;
    if (!auth || auth.collection.id !== c.id) throw new ApiError(403, "The authorized record is not from this collection.");
    return authResponse(services, c, auth.record, ctx);
  });
}

async function findByIdentity(services: Services, c: Collection, identity: string, fields: string[]) {
  for (const name of fields) {
    const field = c.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = field.type === "email" ? canonicalEmail(identity) : identity;
    const rows = await sql<{ id: string }>`SELECT id FROM ${sql.table(c.name)} WHERE ${sql.ref(name)} = ${value} LIMIT 2`.execute(services.store.db);
    if (rows.rows.length === 1) return services.records.query.findOne(c, String(rows.rows[0]?.id));
  }
  return undefined;
}
