import { isIP } from "node:net";
import type { FastifyRequest } from "fastify";
import type { Settings } from "../settings/settings-model.js";

/**
 * The address of the client a request comes from: the socket's peer, unless settings name
 * trusted proxy headers (only then are they read; anyone can send them). From a header's list the
 * rightmost valid address is taken (the one our proxy appended; what the client itself wrote sits
 * further left), or the leftmost with `useLeftmostIP` (for proxies that keep a clean list).
 * When a header repeats, its last occurrence counts: a proxy appends, it doesn't replace.
 */
export function clientIp(request: FastifyRequest, trustedProxy: Settings["trustedProxy"]): string {
  for (const name of trustedProxy.headers) {
    const value = lastHeaderValue(request.raw.rawHeaders, name);
    if (!value) continue;
    const addresses = value.split(",").flatMap((part) => {
      const ip = parseAddress(part);
      return ip ? [ip] : [];
    });
    const picked = trustedProxy.useLeftmostIP ? addresses[0] : addresses[addresses.length - 1];
    if (picked) return picked;
  }
  return normalizeIp(request.ip);
}

/** The value of a header's last occurrence (Node joins repeats into one string; the raw list keeps them apart). */
export function lastHeaderValue(rawHeaders: readonly string[], name: string): string | undefined {
  const wanted = name.trim().toLowerCase();
  for (let i = rawHeaders.length - 2; i >= 0; i -= 2) {
    if (rawHeaders[i]?.toLowerCase() === wanted) return rawHeaders[i + 1];
  }
  return undefined;
}

/**
 * One list item as an address: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`, `[2001:db8::1]:443`,
 * or an RFC 7239 element `for="[2001:db8::1]:443";proto=https`. Anything else is skipped.
 */
export function parseAddress(item: string): string | undefined {
  let s = item.trim();
  const forPair = /(?:^|;)\s*for=("?)([^";]*)\1/i.exec(s);
  if (forPair) s = forPair[2] ?? "";
  else if (s.includes("=")) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1] ?? "";
  else if (/^\d{1,3}(?:\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
  return isIP(s) ? normalizeIp(s) : undefined;
}

/** One spelling per address: IPv4-mapped IPv6 as IPv4, IPv6 lower-case. */
export function normalizeIp(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  return ip.toLowerCase();
}
