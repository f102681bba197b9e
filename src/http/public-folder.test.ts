/**
 * The public folder served at `/`: pages and assets with their content types, folders' index.html
 * (never a listing), the single-page-app fallback, and nothing outside the folder whatever the
 * path says. The server's own routes and hooks' routes win.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/config.js";
import { startServer, type TestServer } from "../test-support/server.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A GET with the path sent byte for byte (fetch and URL would normalise `..` away). */
function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("public folder", () => {
  let server: TestServer;
  let base: string;
  let outside: string;

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), "backroom-public-"));
    const pub = join(base, "site");
    outside = join(base, "secret.txt");
    writeFileSync(outside, "top secret");
    mkdirSync(join(pub, "docs"), { recursive: true });
    mkdirSync(join(pub, "empty"));
    mkdirSync(join(pub, ".git"));
    writeFileSync(join(pub, "index.html"), "<h1>shop</h1>");
    writeFileSync(join(pub, "app.js"), "console.log(1)");
    writeFileSync(join(pub, "style.css"), "h1{}");
    writeFileSync(join(pub, "logo.svg"), "<svg/>");
    writeFileSync(join(pub, "data.bin"), "raw");
    writeFileSync(join(pub, "price list.txt"), "cheap");
    writeFileSync(join(pub, ".env"), "SECRET=1");
    writeFileSync(join(pub, ".git", "config"), "[core]");
    writeFileSync(join(pub, "docs", "index.html"), "<h1>docs</h1>");
    symlinkSync(outside, join(pub, "leak.txt"));
    symlinkSync(base, join(pub, "up"));
    server = await startServer("sqlite", { publicDir: pub });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(base, { recursive: true, force: true });
  });

  it("serves index.html at / and files with their content types", async () => {
    const home = await get(server.url, "/");
    expect(home.status).toBe(200);
    expect(home.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(home.body).toBe("<h1>shop</h1>");
    const types = {
      "/app.js": "text/javascript; charset=utf-8",
      "/style.css": "text/css; charset=utf-8",
      "/logo.svg": "image/svg+xml",
      "/data.bin": "application/octet-stream",
      "/price%20list.txt": "text/plain; charset=utf-8",
      "/index.html": "text/html; charset=utf-8",
    };
    for (const [path, type] of Object.entries(types)) {
      const res = await get(server.url, path);
      expect(res.status, path).toBe(200);
      expect(res.headers["content-type"], path).toBe(type);
    }
    expect((await get(server.url, "/app.js")).headers["x-content-type-options"]).toBe("nosniff");
  });

  it("a folder serves its index.html, redirects to its slash form, never lists", async () => {
    expect((await get(server.url, "/docs/")).body).toBe("<h1>docs</h1>");
    const bare = await get(server.url, "/docs?x=1");
    expect(bare.status).toBe(301);
    expect(bare.headers.location).toBe("/docs/?x=1");
    // A folder without index.html is a missing page (the root index.html), not a listing.
    expect((await get(server.url, "/empty/")).body).toBe("<h1>shop</h1>");
  });

  it("a missing page falls back to the root index.html; a missing asset is a 404", async () => {
    const page = await get(server.url, "/products/42");
    expect(page.status).toBe(200);
    expect(page.body).toBe("<h1>shop</h1>");
    const asset = await get(server.url, "/missing.js");
    expect(asset.status).toBe(404);
    expect(JSON.parse(asset.body)).toMatchObject({ status: 404 });
  });

  it("revalidates with an ETag (304) and answers HEAD without a body", async () => {
    const first = await get(server.url, "/style.css");
    const etag = String(first.headers.etag);
    expect((await get(server.url, "/style.css", { "if-none-match": etag })).status).toBe(304);
    const head = await get(server.url, "/style.css", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe("4");
    expect(head.body).toBe("");
  });

  it.each([
    "/../secret.txt",
    "/%2e%2e/secret.txt",
    "/%2e%2e%2fsecret.txt",
    "/docs/..%2f..%2fsecret.txt",
    "/..%5csecret.txt",
    "/leak.txt",
    "/up/secret.txt",
    "/.env",
    "/.git/config",
    "/%2egit/config",
    "/app.js%00.html",
    "/%E0%A4%A",
    "//etc/passwd",
    "/docs//index.html",
  ])("never serves what lies outside or hidden: %s", async (path) => {
    const res = await get(server.url, path);
    expect(res.body).not.toContain("top secret");
    expect(res.body).not.toContain("SECRET=1");
    expect(res.body).not.toContain("[core]");
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.parse(res.body)).toMatchObject({ status: res.status });
  });

  it("the API and the admin win: /api/* stays JSON, /_/ the admin", async () => {
    const health = await get(server.url, "/api/health");
    expect(health.status).toBe(200);
    const unknown = await get(server.url, "/api/nothing-here");
    expect(unknown.status).toBe(404);
    expect(unknown.headers["content-type"]).toMatch(/^application\/json/);
    const admin = await get(server.url, "/_/");
    expect(admin.body).not.toContain("<h1>shop</h1>");
  });

  it("only GET and HEAD read it", async () => {
    const post = await get(server.url, "/index.html", {}, "POST");
    expect(post.status).toBe(404);
  });

  it("defaults to backroom_public beside the data folder; --public-dir / BACKROOM_PUBLIC_DIR move it", () => {
    expect(loadConfig({ dir: "/srv/app/backroom_data" }, {}).publicDir).toBe("/srv/app/backroom_public");
    expect(loadConfig({ dir: "/srv/app/data" }, { BACKROOM_PUBLIC_DIR: "/var/www" }).publicDir).toBe(
      "/var/www",
    );
    expect(loadConfig({ publicDir: "/site" }, { BACKROOM_PUBLIC_DIR: "/var/www" }).publicDir).toBe("/site");
  });
});
