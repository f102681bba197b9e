import { type RequestContext, systemContext } from "../../records/request-context.js";

/**
 * The context a flow writes with: full rights (the token or password already proved who asks,
 * and `verified`/`tokenKey` are only writable with them), but the caller's request id and IP,
 * so the audit entry says where the change came from.
 */
export function flowContext(from: Pick<RequestContext, "requestId" | "ip">): RequestContext {
  return { ...systemContext(), requestId: from.requestId, ip: from.ip };
}
