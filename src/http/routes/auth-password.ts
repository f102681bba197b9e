import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { writeAudit } from "../../audit/audit-entry.js";
import { completeAuth } from "../../auth/complete-auth.js";
import {
  dummyHash,
  hashPassword,
  MAX_PASSWORD_BYTES,
  needsRehash,
  verifyPassword,
} from "../../auth/passwords.js";
import type { AuthOptions, Collection } from "../../collections/model.js";
import { badRequest, type IssueMap, issue } from "../../errors/api-error.js";
import { canonicalEmail } from "../../records/auth-fields.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { authCollection } from "./auth-collection.js";
import { objectBody } from "./records.js";

type Params = { collection: string };

/** POST /api/collections/{c}/auth-with-password. */
export function authPasswordRoutes(app: FastifyInstance, services: Services): void {
  app.post<{ Params: Params }>("/api/collections/:collection/auth-with-password", async (req) => {
    const c = authCollection(services, req.params.collection);
    const body = objectBody(req.body);
    const ctx = await contextOf(req, services);
    const options = c.auth as AuthOptions;
    if (!options.passwordAuth.enabled)
      throw badRequest("The collection is not configured to allow password authentication.");
    const { identity, password } = body;
    const missing: IssueMap = {};
    if (typeof identity !== "string" || identity === "")
      missing.identity = issue("validation_required", "Missing required value.");
    if (typeof password !== "string" || password === "")
      missing.password = issue("validation_required", "Missing required value.");
    if (Object.keys(missing).length > 0) throw badRequest("Failed to authenticate.", missing);
    const id = identity as string;
    const pw = password as string;
    if (id.length > 255 || Buffer.byteLength(pw) > MAX_PASSWORD_BYTES)
      throw badRequest("Failed to authenticate.");

    const identityField = typeof body.identityField === "string" ? body.identityField : undefined;
    const fields = identityField
      ? options.passwordAuth.identityFields.filter((f) => f === identityField)
      : options.passwordAuth.identityFields;
    const record = await findByIdentity(services, c, id, fields);
    // An unknown identity still costs one hash verification, so timing doesn't tell them apart.
    const ok = await verifyPassword(record ? String(record.password) : await dummyHash(), pw);
    if (!ok || !record) {
      await services.store.transaction((tx) =>
        writeAudit(tx, {
          action: "auth.login_failed",
          collectionId: c.id,
          collectionName: c.name,
          recordId: record?.id ?? "",
          actor: null,
          changes: ["password"],
          requestId: ctx.requestId,
          ip: ctx.ip,
        }),
      );
      throw badRequest("Failed to authenticate.");
    }
    if (needsRehash(String(record.password))) {
      // An imported (bcrypt) hash becomes argon2id now that we know the password; tokens stay valid.
      const rehashed = await hashPassword(pw);
      await sql`UPDATE ${sql.table(c.name)} SET password = ${rehashed} WHERE id = ${record.id}`.execute(
        services.store.db,
      );
    }
    return completeAuth(services, c, record, ctx, "password", undefined, { mfaId: body.mfaId });
  });
}

/** The one record whose identity field equals the given value (emails compared canonically). */
async function findByIdentity(services: Services, c: Collection, identity: string, fields: string[]) {
  for (const name of fields) {
    const field = c.fields.find((f) => f.name === name);
    if (!field) continue;
    const value = field.type === "email" ? canonicalEmail(identity) : identity;
    const rows = await sql<{
      id: string;
    }>`SELECT id FROM ${sql.table(c.name)} WHERE ${sql.ref(name)} = ${value} LIMIT 2`.execute(
      services.store.db,
    );
    if (rows.rows.length === 1) return services.records.query.findOne(c, String(rows.rows[0]?.id));
  }
  return undefined;
}
