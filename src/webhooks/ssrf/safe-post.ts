import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { AllowList } from "./allow-list.js";
import { type CheckedTarget, checkedTarget, type Lookup } from "./checked-target.js";

export interface SafePostOptions {
  allow: AllowList;
  /** For the whole exchange, redirects included. */
  timeoutMs: number;
  /** Response bytes read at most; the rest is dropped (only the status matters). */
  maxResponseBytes: number;
  maxRedirects: number;
  lookup?: Lookup;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One request to the checked address; resolves with the status once the (capped) body is read. */
function requestOnce(
  target: CheckedTarget,
  method: "POST" | "GET",
  body: string | Uint8Array | undefined,
  headers: Record<string, string>,
  signal: AbortSignal,
  maxBytes: number,
): Promise<{ status: number; location: string | undefined }> {
  const { url } = target;
  const transport = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        // The address that was checked, never the name again: a second DNS answer can't swap it (rebinding).
        host: target.address,
        family: target.family,
        port: target.port,
        method,
        path: `${url.pathname}${url.search}`,
        headers: {
          ...headers,
          host: url.host,
          ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}),
        },
        // TLS: SNI and the certificate check use the URL's name, not the IP we connect to.
        ...(url.protocol === "https:" && isIP(target.hostname) === 0 ? { servername: target.hostname } : {}),
        agent: false,
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const location = typeof res.headers.location === "string" ? res.headers.location : undefined;
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            res.destroy();
            resolve({ status, location });
          }
        });
        res.on("end", () => resolve({ status, location }));
        res.on("error", reject);
        // An abort errors first (rejecting); a plain early close still settles with the status.
        res.on("close", () => resolve({ status, location }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export interface SafePostResult {
  status: number;
  /** The URL that answered last (after redirects). */
  url: string;
}

/**
 * POSTs `body` to `url` without letting the URL reach private networks: each hop (the URL and
 * every redirect, followed by hand up to `maxRedirects`) is resolved and checked, then connected
 * to by address. 307/308 repeat the POST; 301/302/303 continue with a GET, as browsers do.
 * Throws DestinationRefused for a forbidden hop, other errors for network failures and timeouts.
 */
export async function safePost(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string>,
  options: SafePostOptions,
): Promise<SafePostResult> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  let current = new URL(url);
  let method: "POST" | "GET" = "POST";
  let payload: string | Uint8Array | undefined = body;
  for (let hop = 0; ; hop++) {
    const target = await checkedTarget(current, options.allow, options.lookup);
    const sent =
      method === "POST"
        ? headers
        : Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
    const res = await requestOnce(target, method, payload, sent, signal, options.maxResponseBytes);
    if (!REDIRECTS.has(res.status) || res.location === undefined || hop >= options.maxRedirects)
      return { status: res.status, url: current.toString() };
    current = new URL(res.location, current);
    if (res.status !== 307 && res.status !== 308) {
      method = "GET";
      payload = undefined;
    }
  }
}
