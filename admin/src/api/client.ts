import { session } from "./session";

/** An error answer of the API, in PocketBase's shape: `{status, message, data}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly data: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The message the API gave for one field (`data.title.message`), following nested keys. */
  fieldMessage(...path: (string | number)[]): string | undefined {
    let node: unknown = this.data;
    for (const key of path) {
      if (!node || typeof node !== "object") return undefined;
      node = (node as Record<string, unknown>)[String(key)];
    }
    if (node && typeof node === "object" && "message" in node) return String(node.message);
    return undefined;
  }
}

/** Any thrown value as an ApiError (a network failure becomes status 0). */
export function toApiError(err: unknown): ApiError {
  return err instanceof ApiError ? err : new ApiError(0, String(err));
}

export type Query = Record<string, string | number | boolean | undefined>;

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * Calls the API as the signed-in superuser. A JSON body is sent as JSON, FormData as multipart.
 * An answer of 401 ends the session (the token expired or was revoked).
 */
export async function api<T>(
  method: string,
  path: string,
  options: { body?: unknown; query?: Query } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  const token = session.token();
  if (token) headers.authorization = token;
  let body: BodyInit | undefined;
  if (options.body instanceof FormData) body = options.body;
  else if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(`${path}${queryString(options.query)}`, { method, headers, body });
  } catch {
    throw new ApiError(0, "The server could not be reached.");
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!res.ok) {
    const err = (parsed ?? {}) as { message?: unknown; data?: unknown };
    if (res.status === 401 && token) session.clear();
    throw new ApiError(
      res.status,
      typeof err.message === "string" ? err.message : `The server answered ${res.status}.`,
      err.data && typeof err.data === "object" ? (err.data as Record<string, unknown>) : {},
    );
  }
  return parsed as T;
}

export interface ListResult<T> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: T[];
}

/** A message for any error, for toasts and banners. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return err instanceof Error ? err.message : String(err);
}
