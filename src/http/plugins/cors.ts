import cors from "@fastify/cors";
import type { FastifyInstance } from "fastify";

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
