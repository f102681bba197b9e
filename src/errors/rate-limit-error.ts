import { ApiError } from "./api-error.js";

/** A refusal by a rate limit; it tells the client when to come back (`Retry-After`). */
export class RateLimitError extends ApiError {
  constructor(
    status: 429 | 503,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(status, message);
  }
}

export const tooManyRequests = (retryAfterMs: number) =>
  new RateLimitError(429, "Too Many Requests.", Math.max(1, Math.ceil(retryAfterMs / 1000)));

/** Auth checks refuse while their counters can't be read: guessing passwords unlimited is worse. */
export const limiterUnavailable = () =>
  new RateLimitError(503, "The service is temporarily unavailable. Try again shortly.", 5);
