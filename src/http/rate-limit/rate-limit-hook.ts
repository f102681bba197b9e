import type { FastifyInstance, FastifyReply } from "fastify";
import { RateLimitError } from "../../errors/rate-limit-error.js";
import type { RequestContext } from "../../records/request-context.js";
import { ipInList } from "../../settings/ip-list.js";
import type { RateLimitRule } from "../../settings/settings-model.js";
import { contextOf } from "../request-context.js";
import type { Services } from "../services.js";
import { actionCheck, type LimitCheck, type LimitTarget, pathCheck } from "./limit-checks.js";
import { routeTarget } from "./limit-targets.js";
import { withRetryAfter } from "./rate-limit-error.js";
import type { Audience } from "./rule-matching.js";

/**
 * Applies `settings.rateLimits` to requests, before their body is read. Superusers are exempt
 * (as in PocketBase); everyone else is counted by client address.
 */
export function registerRateLimits(app: FastifyInstance, services: Services): void {
  services.rateLimiter.on("unavailable", (err) =>
    app.log.error(
      { err: err.message },
      "rate-limit store unreachable: auth routes now refuse requests (503), other routes go unlimited",
    ),
  );
  services.rateLimiter.on("recovered", () => app.log.info("rate-limit store reachable again"));
  // Any refusal by a limit, also from a route (failed sign-in attempts), says when to come back.
  app.addHook("onError", async (_request, reply, err) => {
    withRetryAfter(reply, err);
  });

  const limitsOff = (s: { rateLimits: { enabled: boolean; rules: unknown[] } }) =>
    !s.rateLimits.enabled || s.rateLimits.rules.length === 0;
  // A callback hook with a synchronous way out: with limits off (and fresh settings in the cache)
  // a request pays for no promise here.
  app.addHook("onRequest", (request, reply, done) => {
    const cached = services.settings.peek();
    if (cached && limitsOff(cached)) return done();
    const check = async () => {
      if (limitsOff(await services.settings.get())) return;
      const ctx = await contextOf(request, services);
      await enforceRequestLimits(services, reply, ctx, [routeTarget(request, services.registry)], {
        pathCheck: true,
      });
    };
    check().then(() => done(), done);
  });
}

/**
 * Counts the given targets (one request, or the sub-requests of a batch) for a caller and throws
 * the limiter's error, with `Retry-After` set, when they exceed a limit. `pathCheck` adds the
 * path-level check; batch sub-requests get only their action checks (with the sub-request's path
 * labels as fallback), as in PocketBase.
 */
export async function enforceRequestLimits(
  services: Services,
  reply: FastifyReply,
  ctx: RequestContext,
  targets: readonly LimitTarget[],
  opts: {
    pathCheck: boolean;
    /** Checks of the caller's own (GraphQL's per-operation labels), from the rules in force. */
    extraChecks?: (rules: readonly RateLimitRule[], who: Audience) => LimitCheck[];
  },
): Promise<void> {
  if (ctx.auth?.isSuperuser) return;
  const { rateLimits } = await services.settings.get();
  if (!rateLimits.enabled) return;
  if (rateLimits.excludedIPs.length > 0 && ipInList(rateLimits.excludedIPs, ctx.ip)) return;
  const who: Audience = ctx.auth || ctx.superuser ? "@auth" : "@guest";
  const checks: LimitCheck[] = [];
  for (const target of targets) {
    const byPath = opts.pathCheck ? pathCheck(rateLimits.rules, target, who) : undefined;
    const byAction = actionCheck(rateLimits.rules, target, who);
    if (byPath) checks.push(byPath);
    if (byAction) checks.push(byAction);
  }
  if (opts.extraChecks) checks.push(...opts.extraChecks(rateLimits.rules, who));
  try {
    await services.rateLimiter.enforce(checks, ctx.ip);
  } catch (err) {
    if (err instanceof RateLimitError && err.status === 429) services.counters.rateLimitRefusals++;
    throw withRetryAfter(reply, err);
  }
}
