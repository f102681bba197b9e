import cors from "@fastify/cors";
import type { FastifyInstance, FastifyRequest } from "fastify";

/**
 * Cross-origin access for browser apps on another origin (a Vite dev server, a static site), as
 * PocketBase allows by default. Tokens travel in the Authorization header, not cookies, so
 * credentials mode stays off and "*" is safe as the default.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  await app.register(cors, {
    origin: origins.includes("*") ? "*" : [...origins],
    methods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
    maxAge: 86_400,
  });
}

/**
 * Whether a browser page of the request's Origin may use a route that CORS does not guard: browsers
 * open WebSockets to any origin and leave the check to the server. Requests without an Origin (not
 * from a browser page) and pages of the server's own origin always may.
 */
export function originAllowed(request: FastifyRequest, origins: readonly string[]): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || origins.includes("*") || origins.includes(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
