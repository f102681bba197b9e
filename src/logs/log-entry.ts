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
  const query = url
    .slice(q + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return /token$/i.test(safeDecode(name)) && eq >= 0 ? `${name}=REDACTED` : pair;
    })
    .join("&");
  return `${url.slice(0, q)}?${query}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
