import { createHash } from "node:crypto";
import type { RequestContext } from "../../records/request-context.js";

/**
 * What "the same device" means for login alerts: the user agent and the client IP, hashed so
 * `_auth_origins` holds no raw addresses.
 */
export function originFingerprint(ctx: Pick<RequestContext, "headers" | "ip">): string {
  return createHash("sha256")
    .update(`${ctx.headers["user-agent"] ?? ""}\n${ctx.ip}`)
    .digest("hex");
}
