import type { FastifyInstance } from "fastify";
import { badRequest } from "../../errors/api-error.js";
import { invalidJson } from "../../errors/invalid-json.js";

const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Parses JSON bodies and refuses shapes that hurt later code: keys that reach object prototypes
 * and nesting deeper than `maxDepth`. Walking the parsed value once is cheaper than a reviver.
 */
export function checkJsonShape(value: unknown, maxDepth: number): void {
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length > 0) {
    const { v, d } = stack.pop() as { v: unknown; d: number };
    if (v === null || typeof v !== "object") continue;
    if (d >= maxDepth) throw badRequest(`The JSON body is nested deeper than ${maxDepth} levels.`);
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ v: item, d: d + 1 });
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) throw badRequest(`The key "${key}" is not allowed.`);
      stack.push({ v: (v as Record<string, unknown>)[key], d: d + 1 });
    }
  }
}

declare module "fastify" {
  interface FastifyInstance {
    /** How deep a JSON body (or a form's `@jsonPayload`) may nest (BACKROOM_JSON_MAX_DEPTH). */
    jsonMaxDepth: number;
  }
}

export function registerJsonBody(app: FastifyInstance, maxDepth: number): void {
  app.decorate("jsonMaxDepth", maxDepth);
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === "") return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(invalidJson("The request body", text), undefined);
    }
    try {
      checkJsonShape(parsed, maxDepth);
    } catch (err) {
      return done(err as Error, undefined);
    }
    done(null, parsed);
  });
}

/** A JSON body that must be an object (routes that take no multipart: batch items, admin drafts). */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body))
    throw badRequest("The request body must be a JSON object.");
  return body as Record<string, unknown>;
}
