import type { FastifyReply } from "fastify";
import { ApiError } from "../../errors/api-error.js";

/** A refusal by the rate limiter; it tells the client when to come back (`Retry-After`). */
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

/** Auth routes refuse while their counters can't be checked: guessing passwords unlimited is worse. */
export const limiterUnavailable = () =>
  new RateLimitError(503, "The service is temporarily unavailable. Try again shortly.", 5);

/** Sets `Retry-After` when the error is the limiter's, and hands the error back to be thrown. */
export function withRetryAfter(reply: FastifyReply, err: unknown): unknown {
  if (err instanceof RateLimitError) reply.header("retry-after", String(err.retryAfterSeconds));
  return err;
}
