import type { FastifyReply } from "fastify";
import { RateLimitError } from "../../errors/rate-limit-error.js";

export { limiterUnavailable, RateLimitError, tooManyRequests } from "../../errors/rate-limit-error.js";

/** Sets `Retry-After` when the error is a rate limit's, and hands the error back to be thrown. */
export function withRetryAfter(reply: FastifyReply, err: unknown): unknown {
  if (err instanceof RateLimitError) reply.header("retry-after", String(err.retryAfterSeconds));
  return err;
}
