import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance, FastifyReply } from "fastify";
import { notFound } from "../errors/api-error.js";

/**
 * Where `vite build` puts the admin (admin/vite.config.ts). This file sits two folders below the
 * repository both as source (src/admin) and compiled (dist/admin), so one relative path serves both.
 * The folder holds the UI build only; still, only index.html and assets/ are ever served.
 */
export const ADMIN_BUILD_DIR = fileURLToPath(new URL("../../dist/admin-ui/", import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
};
/** Vite's asset names: `name-HASH.ext`, no folders, no dots that could climb out. */
const ASSET_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.[a-z0-9]+$/;

// No inline <style>: the admin's CSP allows its own stylesheet files only.
const MISSING_BUILD_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Backroom admin</title>
</head><body>
<h1>Backroom</h1>
<p>The server is running, but the admin UI has not been built. Build it with <code>npm run build:admin</code>
(<code>npm start</code> and <code>npm test</code> do it too), then reload this page.</p>
<p>Meanwhile the API answers at <code>/api/</code>.</p>
</body></html>`;

/**
 * Serves the admin single-page app at /_/: hashed files under /_/assets/ cached for a year, and
 * index.html (never cached, so a new build shows up at once) for every other path under /_/, where
 * the app's own router takes over.
 */
export function staticUiRoutes(app: FastifyInstance, buildDir = ADMIN_BUILD_DIR): void {
  const indexFile = join(buildDir, "index.html");
  const assetsDir = join(buildDir, "assets");

  const sendIndex = async (_req: unknown, reply: FastifyReply) => {
    reply.header("cache-control", "no-cache").type("text/html; charset=utf-8");
    // Read per request: a rebuild while the server runs needs no restart.
    if (!existsSync(indexFile)) return reply.send(MISSING_BUILD_PAGE);
    return reply.send(readFileSync(indexFile));
  };

  app.get<{ Params: { name: string } }>("/_/assets/:name", async (req, reply) => {
    const name = req.params.name;
    const type = CONTENT_TYPES[extname(name)];
    if (!ASSET_NAME.test(name) || !type) throw notFound();
    let content: Buffer;
    try {
      content = await readFile(join(assetsDir, name));
    } catch {
      throw notFound();
    }
    return reply.header("cache-control", "public, max-age=31536000, immutable").type(type).send(content);
  });
  // A missing script must not come back as HTML (the browser would report a confusing MIME error).
  app.get("/_/assets/*", async () => {
    throw notFound();
  });
  // With ignoreTrailingSlash, "/_/" also answers "/_".
  app.get("/_/", sendIndex);
  // A path naming a file (`/_/extensions.js`, which PocketBase's dashboard asks for) is not one of
  // the app's pages: 404, not the page as a script. The app routes by `#/…`, never by file names.
  app.get<{ Params: { "*": string } }>("/_/*", async (req, reply) => {
    if (extname(req.params["*"]) !== "") throw notFound();
    return sendIndex(req, reply);
  });
}
