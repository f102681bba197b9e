import { notFound, unauthorized } from "../errors/api-error.js";
import type { RequestContext } from "../records/request-context.js";
import type { Settings } from "../settings/settings-model.js";
import type { Viewer } from "./viewer.js";

/**
 * Who asks for the document, or why they may not: off → 404 (as if there were none); a guest
 * while `guests` is off → 401, like other endpoints that need a token.
 */
export function openApiViewer(ctx: RequestContext, settings: Pick<Settings, "openapi">): Viewer {
  if (!settings.openapi.enabled) throw notFound();
  if (ctx.apiKey) return { kind: "apiKey", scopes: ctx.apiKey.scopes };
  if (ctx.auth?.isSuperuser) return { kind: "superuser" };
  if (!ctx.auth && !settings.openapi.guests)
    throw unauthorized("Sign in to read the API document (or let guests read it: settings.openapi.guests).");
  return { kind: "client" };
}
