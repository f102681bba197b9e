import { OAuth2Failure } from "./oauth2-failure.js";

/** Every call to a provider gives up after this long. */
export const OUTBOUND_TIMEOUT_MS = 10_000;
/** Largest provider response we read (tokens, user info, discovery documents, key sets). */
export const OUTBOUND_MAX_BYTES = 1024 * 1024;

/** Only http(s) URLs are ever fetched: no file:, data: or other schemes. */
export function httpUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new OAuth2Failure("provider URL is not a valid URL");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new OAuth2Failure("provider URL must be http(s)");
  return url;
}

async function readBounded(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new OAuth2Failure("provider response too large");
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new OAuth2Failure("provider response too large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export interface OutboundRequest {
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: URLSearchParams;
  /** An outer signal (e.g. jose's own timeout); the 10 s limit applies as well. */
  signal?: AbortSignal;
}

/**
 * fetch() with the limits every provider call needs: http(s) only, no redirects followed,
 * a timeout, and a response size cap. The returned Response is fully buffered.
 */
export async function boundedFetch(
  url: string,
  req: OutboundRequest = {},
  maxBytes = OUTBOUND_MAX_BYTES,
): Promise<Response> {
  const target = httpUrl(url);
  const timeout = AbortSignal.timeout(OUTBOUND_TIMEOUT_MS);
  const signal = req.signal ? AbortSignal.any([timeout, req.signal]) : timeout;
  let res: Response;
  try {
    res = await fetch(target, {
      method: req.method ?? "GET",
      headers: { accept: "application/json", ...req.headers },
      ...(req.body ? { body: req.body } : {}),
      redirect: "manual",
      signal,
    });
  } catch (err) {
    throw new OAuth2Failure(`provider unreachable: ${target.origin}`, { cause: err });
  }
  const bytes = await readBounded(res, maxBytes).catch((err: unknown) => {
    if (err instanceof OAuth2Failure) throw err;
    throw new OAuth2Failure(`provider response unreadable: ${target.origin}`, { cause: err });
  });
  return new Response(bytes.byteLength > 0 ? bytes : null, { status: res.status, headers: res.headers });
}

/** A provider's JSON answer; anything but a 2xx JSON object/array is a failure. */
export async function fetchJson(url: string, req: OutboundRequest = {}): Promise<unknown> {
  const res = await boundedFetch(url, req);
  if (res.status < 200 || res.status >= 300)
    throw new OAuth2Failure(
      `provider answered ${res.status}: ${new URL(url).origin}${new URL(url).pathname}`,
    );
  try {
    return await res.json();
  } catch (err) {
    throw new OAuth2Failure("provider response is not JSON", { cause: err });
  }
}

/** A JSON object, or a failure naming what was expected. */
export function jsonObject(value: unknown, what: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new OAuth2Failure(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}
