/** Log levels as PocketBase numbers them (slog's): lower is chattier. */
export const LOG_LEVEL = { debug: -4, info: 0, warn: 4, error: 8 } as const;

/** What a request leaves in the log's `data` (PocketBase's request log shape). */
export interface RequestLogData {
  type: "request";
  method: string;
  url: string;
  status: number;
  /** Milliseconds from the request's arrival to the response's end. */
  execTime: number;
  remoteIP: string;
  userIP: string;
  referer: string;
  userAgent: string;
  /** The auth collection of the caller, or "guest". */
  auth: string;
  authId: string;
  /** Backroom's own, while tracing is on: the request's trace (W3C trace id, 32 hex digits). */
  traceId?: string;
  /** The route template that answered (`/api/collections/:collection/records/:id`), "" if none. */
  route: string;
  /** The collection the URL names (`:collection`), "" if none: the Dashboard groups by it. */
  collection: string;
}

/** One buffered log line, before it is written (its id is drawn when it is written). */
export interface LogEntry {
  created: string;
  level: number;
  message: string;
  data: RequestLogData;
}

/** 5xx are errors, other 4xx warnings, the rest information. */
export function levelForStatus(status: number): number {
  if (status >= 500) return LOG_LEVEL.error;
  if (status >= 400) return LOG_LEVEL.warn;
  return LOG_LEVEL.info;
}

/**
 * The URL as it may be stored: values of `token` query parameters (file tokens, OAuth2 state
 * links, …) are replaced, so the log never holds a credential.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  if (q < 0) return url;
  // Every API call with a query passes here: names are decoded only when they hold an escape,
  // and a URL without a token parameter is returned as it came.
  const pairs = url.slice(q + 1).split("&");
  let redacted = false;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i] as string;
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const name = pair.slice(0, eq);
    if (TOKEN_NAME.test(name.includes("%") ? safeDecode(name) : name)) {
      pairs[i] = `${name}=REDACTED`;
      redacted = true;
    }
  }
  return redacted ? `${url.slice(0, q)}?${pairs.join("&")}` : url;
}

const TOKEN_NAME = /token$/i;

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
