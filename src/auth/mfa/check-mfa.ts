import type { Collection } from "../../collections/model.js";
import { badRequest } from "../../errors/api-error.js";
import { nowDate } from "../../ids.js";
import type { RequestContext } from "../../records/request-context.js";
import type { AuthDeps } from "../auth-deps.js";
import { mfaOptions } from "./mfa-options.js";
import { deleteMfa, findMfa, insertMfa, purgeExpiredMfas } from "./mfa-store.js";
import { wantsMfa } from "./wants-mfa.js";

/** Go on signing in (naming the first method when this call completed an MFA session), or stop and ask for another method. */
export type MfaOutcome = { kind: "proceed"; firstMethod?: string } | { kind: "required"; mfaId: string };

const expired = () => badRequest("Invalid or expired MFA session.");

/**
 * PocketBase's MFA: when the collection enables it and its rule matches, the first successful
 * method only opens a session (`_mfas` row) and the caller must pass its id with a different
 * method within `mfa.duration` seconds. Any two distinct methods pair up.
 */
export async function checkMfa(
  services: AuthDeps,
  collection: Collection,
  record: { id: string },
  selfCtx: RequestContext,
  method: string,
  mfaId: unknown,
): Promise<MfaOutcome> {
  const options = mfaOptions(collection);
  if (!options.enabled || !(await wantsMfa(services, collection, record, selfCtx, options.rule)))
    return { kind: "proceed" };
  const db = services.store.db;
  const cutoff = nowDate(new Date(Date.now() - options.duration * 1000));
  if (mfaId === undefined || mfaId === null || mfaId === "") {
    await purgeExpiredMfas(db, collection.id, cutoff);
    const id = await insertMfa(db, { collection_id: collection.id, record_id: record.id, method });
    return { kind: "required", mfaId: id };
  }
  if (typeof mfaId !== "string" || mfaId.length > 255) throw expired();
  const session = await findMfa(db, mfaId);
  if (!session || session.created < cutoff) {
    if (session) await deleteMfa(db, session.id);
    throw expired();
  }
  if (session.record_id !== record.id || session.collection_id !== collection.id)
    throw badRequest("Invalid MFA session.");
  if (session.method === method) throw badRequest("A different authentication method is required.");
  // Deleting is the claim: of two concurrent second steps only one completes the session.
  if (!(await deleteMfa(db, session.id))) throw expired();
  return { kind: "proceed", firstMethod: session.method };
}
