import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { raw, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import { adminCsp, HSTS } from "./security-headers.js";

const STRICT_ADMIN_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

describe.each(await storesUnderTest())("security headers (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let notes: string;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    notes = uniqueName("notes");
    await su.collections.create({
      name: notes,
      type: "base",
      fields: [{ name: "doc", type: "file", maxSelect: 1 }],
      listRule: "",
      viewRule: "",
    });
  });
  afterAll(() => server?.close());

  const get = (path: string, headers: Record<string, string> = {}) => raw(server.url, path, { headers });

  it("the API's answers, errors too, can't be sniffed or framed", async () => {
    for (const path of ["/api/health", "/api/collections/nope/records", "/api/nowhere"]) {
      const res = await get(path);
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("content-security-policy"), path).toBe("frame-ancestors 'none'");
      expect(res.headers.get("referrer-policy"), path).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("strict-transport-security"), path).toBeNull();
    }
  });

  it("the admin UI gets a CSP of its own files only, and can't be framed", async () => {
    for (const path of ["/_/", "/_/collections/posts"]) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-security-policy"), path).toBe(STRICT_ADMIN_CSP);
      expect(res.headers.get("x-frame-options"), path).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
    }
    expect(adminCsp("'none'")).toBe(STRICT_ADMIN_CSP);
  });

  it("the realtime stream carries them too", async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.url}/api/realtime`, { signal: controller.signal });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    controller.abort();
  });

  it("uploaded HTML and SVG download as sandboxed attachments; files stay embeddable", async () => {
    for (const [name, type, text] of [
      ["page.html", "text/html", "<!doctype html><script>alert(document.cookie)</script>"],
      [
        "logo.svg",
        "image/svg+xml",
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      ],
    ] as const) {
      const rec = await su.collection(notes).create({ doc: new File([text], name, { type }) });
      const res = await get(`/api/files/${notes}/${rec.id}/${rec.doc}`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get("content-type"), name).toBe("application/octet-stream");
      expect(res.headers.get("content-disposition"), name).toMatch(/^attachment; filename="/);
      expect(res.headers.get("x-content-type-options"), name).toBe("nosniff");
      expect(res.headers.get("content-security-policy"), name).toContain("sandbox");
      // As PocketBase: an app may show its files (a PDF, a video) in a frame of its own pages.
      expect(res.headers.get("x-frame-options"), name).toBeNull();
      expect(res.headers.get("content-security-policy"), name).not.toContain("frame-ancestors");
    }
  });

  describe("HSTS only over HTTPS", () => {
    const hsts = async (headers: Record<string, string>) =>
      (await get("/api/health", headers)).headers.get("strict-transport-security");

    it("ignores a forwarded protocol while no trusted proxy is configured (anyone can send it)", async () => {
      expect(await hsts({ "x-forwarded-proto": "https" })).toBeNull();
      expect(await hsts({ forwarded: "for=203.0.113.9;proto=https" })).toBeNull();
    });

    it("sends it when the trusted proxy says the browser used https", async () => {
      await su.settings.update({ trustedProxy: { headers: ["X-Forwarded-For"], useLeftmostIP: false } });
      try {
        expect(await hsts({ "x-forwarded-proto": "https" })).toBe(HSTS);
        expect(await hsts({ "x-forwarded-proto": "http" })).toBeNull();
        expect(await hsts({ forwarded: 'for="[2001:db8::1]";proto=https' })).toBe(HSTS);
        expect(await hsts({})).toBeNull();
        expect(
          (await get("/_/", { "x-forwarded-proto": "https" })).headers.get("strict-transport-security"),
        ).toBe(HSTS);
      } finally {
        await su.settings.update({ trustedProxy: { headers: [], useLeftmostIP: false } });
      }
    });
  });
});

describe("an app that embeds the admin on purpose", () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it("names who may frame it; X-Frame-Options follows where it can say the same", async () => {
    server = await startServer("sqlite", { adminFrameAncestors: "'self' https://app.example.com" });
    const admin = await raw(server.url, "/_/");
    expect(admin.headers.get("content-security-policy")).toBe(adminCsp("'self' https://app.example.com"));
    expect(admin.headers.get("content-security-policy")).toMatch(
      /frame-ancestors 'self' https:\/\/app\.example\.com$/,
    );
    // X-Frame-Options can't name another site: left out, CSP (which browsers prefer) decides.
    expect(admin.headers.get("x-frame-options")).toBeNull();
    // The API keeps refusing frames.
    expect((await raw(server.url, "/api/health")).headers.get("x-frame-options")).toBe("DENY");
  });
});
