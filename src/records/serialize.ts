import type { Collection } from "../collections/model.js";
import { compiledShape } from "./compiled-shapes.js";
import type { RequestContext } from "./request-context.js";
import type { RecordValues } from "./row-mapping.js";

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
  const shape = compiledShape(collection);
  if (collection.type !== "auth" || values.emailVisibility || ctx.superuser)
    return shape.toApi(collection, values);
  const isSelf = ctx.auth?.collection.id === collection.id && ctx.auth.record.id === values.id;
  return isSelf ? shape.toApi(collection, values) : shape.toApiWithoutEmail(collection, values);
}
