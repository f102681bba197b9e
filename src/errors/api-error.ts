/**
 * The one error type the API shows. Its JSON form is PocketBase's:
 * `{"status":400,"message":"…","data":{"field":{"code":"validation_required","message":"…"}}}`.
 * Anything thrown that is not an ApiError becomes a generic 500 without details (see the HTTP error handler).
 */

export interface FieldIssue {
  code: string;
  message: string;
  /** Extra values for the message (PocketBase's `params`), e.g. `{ max: 10 }`. */
  params?: Record<string, unknown>;
  /** A batch sub-request's own error response. */
  response?: unknown;
}

/** Nested issues: `{ title: {code,message} }` or for nested objects (batch, options) a deeper map. */
export type IssueMap = { [key: string]: FieldIssue | IssueMap };

/** Marks API errors so one thrown by a hook (whose "backroom" import may be another copy of this module) is still recognised. */
const API_ERROR = Symbol.for("backroom.ApiError");

export class ApiError extends Error {
  readonly status: number;
  readonly data: IssueMap;
  readonly [API_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof asks about; subclasses keep the prototype check.
    if (this !== ApiError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return (
      typeof value === "object" && value !== null && (value as { [API_ERROR]?: unknown })[API_ERROR] === true
    );
  }

  constructor(status: number, message: string, data: IssueMap = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.data = data;
  }

  toJSON(): { status: number; message: string; data: IssueMap } {
    return { status: this.status, message: this.message, data: this.data };
  }
}

export const badRequest = (
  message = "Something went wrong while processing your request.",
  data: IssueMap = {},
) => new ApiError(400, message, data);
export const unauthorized = (message = "The request requires valid authorization token.") =>
  new ApiError(401, message);
export const forbidden = (message = "You are not allowed to perform this request.") =>
  new ApiError(403, message);
export const notFound = (message = "The requested resource wasn't found.") => new ApiError(404, message);
export const tooLarge = (message = "Request entity too large.") => new ApiError(413, message);
export const tooManyRequests = (message = "Too Many Requests.") => new ApiError(429, message);

/** A single-field validation failure, in the shape the SDK's ClientResponseError exposes. */
export function issue(code: string, message: string, params?: Record<string, unknown>): FieldIssue {
  return params ? { code, message, params } : { code, message };
}

export function validationError(message: string, data: IssueMap): ApiError {
  return new ApiError(400, message, data);
}
