import { ClientResponseError } from "pocketbase";

export type { ListResult } from "pocketbase";

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

/** Any thrown value as an ApiError: the SDK's errors keep their status and data (no answer: 0). */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ClientResponseError) {
    if (err.status === 0) return new ApiError(0, "The server could not be reached.");
    const body = err.response as { message?: unknown; data?: unknown };
    const message = typeof body.message === "string" ? body.message : `The server answered ${err.status}.`;
    const data = body.data && typeof body.data === "object" ? (body.data as Record<string, unknown>) : {};
    return new ApiError(err.status, message, data);
  }
  return new ApiError(0, String(err));
}

/** A message for any error, for toasts and banners. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError || err instanceof ClientResponseError) return toApiError(err).message;
  return err instanceof Error ? err.message : String(err);
}

/** Query parameters without the empty ones (an empty filter or sort is no filter or sort). */
export function present(query: Record<string, string | number | boolean | undefined>) {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== ""));
}
