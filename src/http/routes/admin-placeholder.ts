import type { FastifyInstance } from "fastify";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Backroom</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px}</style>
</head><body>
<h1>Backroom</h1>
<p>The server is running. The admin panel is coming; until then, manage collections and records through the API
(<code>/api/collections</code>, <code>/api/collections/{name}/records</code>) with the <code>pocketbase</code> SDK.</p>
<p>Create a superuser with <code>backroom superuser upsert EMAIL PASSWORD</code> (in a checkout: <code>node bin/backroom.js superuser upsert EMAIL PASSWORD</code>).</p>
</body></html>`;

/** /_/ until the admin UI lands. */
export function adminPlaceholderRoutes(app: FastifyInstance): void {
  // With ignoreTrailingSlash, this also answers /_.
  app.get("/_/", async (_req, reply) => reply.type("text/html; charset=utf-8").send(PAGE));
}
