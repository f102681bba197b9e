import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerErrorHandler } from "../http/plugins/error-handler.js";
import { staticUiRoutes } from "./static-ui.js";

const INDEX =
  '<!doctype html><html><head><script type="module" src="/_/assets/index-AbC123.js"></script></head></html>';

/** The same router options as the real server (src/http/server.ts), around a build folder of our own. */
async function serve(buildDir: string): Promise<FastifyInstance> {
  const app = Fastify({ routerOptions: { ignoreTrailingSlash: true } });
  registerErrorHandler(app);
  staticUiRoutes(app, buildDir);
  await app.ready();
  return app;
}

describe("serving the admin build at /_/", () => {
  let dir: string;
  let app: FastifyInstance;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backroom-admin-"));
    mkdirSync(join(dir, "assets"));
    writeFileSync(join(dir, "index.html"), INDEX);
    writeFileSync(join(dir, "assets", "index-AbC123.js"), "console.log(1)");
    writeFileSync(join(dir, "assets", "index-DeF456.css"), "body{}");
    // Anything else in the folder (a stray file) is never served: only index.html and assets/.
    writeFileSync(join(dir, "static-ui.js"), "server code");
    writeFileSync(join(dir, "secret.txt"), "not for the web");
    app = await serve(dir);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(["/_/", "/_", "/_/collections/posts", "/_/settings?x=1", "/_/records/abc"])(
    "%s answers index.html, never cached",
    async (url) => {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.body).toBe(INDEX);
    },
  );

  it.each(["/_/extensions.js", "/_/static-ui.js", "/_/secret.txt", "/_/a/b/style.css"])(
    "%s names a file, not a page: a 404 in the error shape (never the page as a script, never the file)",
    async (url) => {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.body).not.toContain("server code");
      expect(res.body).not.toContain("not for the web");
    },
  );

  it("hashed assets have their type and a year of immutable caching", async () => {
    const js = await app.inject({ method: "GET", url: "/_/assets/index-AbC123.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(js.body).toBe("console.log(1)");
    const css = await app.inject({ method: "GET", url: "/_/assets/index-DeF456.css" });
    expect(css.headers["content-type"]).toBe("text/css; charset=utf-8");
    const head = await app.inject({ method: "HEAD", url: "/_/assets/index-AbC123.js" });
    expect(head.statusCode).toBe(200);
  });

  it.each([
    "/_/assets/missing-123.js",
    "/_/assets/index-AbC123.exe",
    "/_/assets/..%2Findex.html",
    "/_/assets/..%2F..%2Fsecret.txt",
    "/_/assets/%2e%2e%2fsecret.txt",
    "/_/assets/sub/index-AbC123.js",
    "/_/assets/../secret.txt",
    "/_/assets/.hidden.js",
  ])("%s is a 404 in the error shape, never a file outside assets/", async (url) => {
    const res = await app.inject({ method: "GET", url });
    if (res.statusCode === 200) {
      // A path the router normalised out of assets/ may reach the page, but never a file's content.
      expect(res.body).toBe(INDEX);
      return;
    }
    expect(res.statusCode).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const body = res.json() as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["data", "message", "status"]);
    expect(res.body).not.toContain("not for the web");
  });

  it("without a build, /_/ explains how to build it (not a 500)", async () => {
    const empty = mkdtempSync(join(tmpdir(), "backroom-admin-empty-"));
    const bare = await serve(join(empty, "missing"));
    try {
      const res = await bare.inject({ method: "GET", url: "/_/" });
      expect(res.statusCode).toBe(200);
      expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
      expect(res.body).toContain("npm run build:admin");
      const asset = await bare.inject({ method: "GET", url: "/_/assets/index-AbC123.js" });
      expect(asset.statusCode).toBe(404);
    } finally {
      await bare.close();
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
