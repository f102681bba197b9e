import type { Collection } from "../collections/model.js";
import type { RequestContext } from "./request-context.js";
import type { RecordValues } from "./row-mapping.js";

/** Fields that never leave the server, whoever asks. */
const NEVER_SHOWN = new Set(["password", "tokenKey"]);

/**
 * A record in its wire shape: `collectionId`, `collectionName`, then the fields a requester may
 * see. Hidden fields are dropped; an auth record's email only shows to itself, superusers, or
 * everyone when `emailVisibility` is on.
 */
export function recordToApi(
  collection: Collection,
  values: RecordValues,
  ctx: RequestContext,
): Record<string, unknown> {
  const out: Record<string, unknown> = { collectionId: collection.id, collectionName: collection.name };
  const isSuperuser = ctx.superuser;
  const isSelf = ctx.auth?.collection.id === collection.id && ctx.auth.record.id === values.id;
  for (const field of collection.fields) {
    if (field.hidden || (collection.type === "auth" && NEVER_SHOWN.has(field.name))) continue;
    if (
      collection.type === "auth" &&
      field.name === "email" &&
      !values.emailVisibility &&
      !isSuperuser &&
      !isSelf
    ) {
      continue;
    }
    out[field.name] = values[field.name];
  }
  return out;
}
