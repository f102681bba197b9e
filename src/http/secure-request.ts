import type { TLSSocket } from "node:tls";
import type { FastifyRequest } from "fastify";
import type { Settings } from "../settings/settings-model.js";
import { lastHeaderValue } from "./client-ip.js";

/**
 * Whether the browser reached us over HTTPS: the connection itself is TLS, or a trusted proxy
 * (settings name its headers, see client-ip.ts) says so in `X-Forwarded-Proto` or RFC 7239
 * `Forwarded: proto=https`. Without a trusted proxy those headers are ignored, as anyone can send them.
 */
export function isSecureRequest(request: FastifyRequest, trustedProxy: Settings["trustedProxy"]): boolean {
  if (isTlsConnection(request)) return true;
  if (trustedProxy.headers.length === 0) return false;
  return forwardedProto(request) === "https";
}

/** Whether the connection itself is TLS (Backroom behind no proxy, serving HTTPS). */
export function isTlsConnection(request: FastifyRequest): boolean {
  return (request.raw.socket as Partial<TLSSocket>).encrypted === true;
}

/** Whether a request carries a header that could claim HTTPS (then settings are worth reading). */
export function claimsForwardedProto(request: FastifyRequest): boolean {
  return request.headers["x-forwarded-proto"] !== undefined || request.headers.forwarded !== undefined;
}

/** The protocol the nearest proxy reported: the last value, as proxies append. */
function forwardedProto(request: FastifyRequest): string | undefined {
  const xfp = lastHeaderValue(request.raw.rawHeaders, "x-forwarded-proto");
  if (xfp !== undefined) return xfp.split(",").pop()?.trim().toLowerCase();
  const forwarded = lastHeaderValue(request.raw.rawHeaders, "forwarded");
  const element = forwarded?.split(",").pop() ?? "";
  return /(?:^|;)\s*proto="?([a-z]+)"?/i.exec(element)?.[1]?.toLowerCase();
}
