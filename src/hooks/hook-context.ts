import type { Collection } from "../collections/model.js";
import type { RequestContext } from "../records/request-context.js";
import type { HookAuth, HookCollection, HookRequest } from "./types.js";

export function hookCollection(c: Collection): HookCollection {
  return { id: c.id, name: c.name, type: c.type };
}

export function hookAuth(ctx: RequestContext | undefined): HookAuth | null {
  const auth = ctx?.auth;
  if (!auth) return null;
  return {
    id: auth.record.id,
    collectionName: auth.collection.name,
    isSuperuser: auth.isSuperuser,
    record: { ...auth.record },
  };
}

/** The headers that have one value (Node gives `set-cookie` as a list). */
function singleValues(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (typeof value === "string") out[name] = value;
  return out;
}

/** The request as hooks see it, from what the records layer knows of it. */
export function hookRequest(
  ctx: RequestContext,
  body: unknown,
  pathValues: Record<string, string> = {},
): HookRequest {
  return {
    method: ctx.method,
    url: ctx.url ?? "",
    headers: singleValues(ctx.headers),
    query: ctx.query,
    body,
    ip: ctx.ip,
    pathValue: (name) => pathValues[name] ?? "",
  };
}
