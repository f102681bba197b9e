import { linkSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueName } from "../../test-support/api.js";
import { SUPERUSER, startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";
import {
  fetchTrusting,
  handshake,
  type SelfSigned,
  sdkTrusting,
  selfSigned,
} from "../../test-support/tls.js";
import { HSTS } from "../plugins/security-headers.js";

/** Polls until `check` holds (a certificate swap is picked up asynchronously). */
async function eventually(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(await storesUnderTest())("HTTPS (%s)", (kind) => {
  let dir: string;
  let first: SelfSigned;
  /** The certificate the server should be serving now (each test's swap moves it on). */
  let ca: string;
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backroom-tls-"));
    first = selfSigned(dir, "server", "a1");
    server = await startServer(kind, {
      https: { certFile: first.certFile, keyFile: first.keyFile, redirect: true },
    });
    ca = first.cert;
    su = sdkTrusting(server.url, ca);
    await su.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("serves the API to the SDK over HTTPS, with HSTS", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const name = uniqueName("orders");
    await su.collections.create({
      name,
      type: "base",
      fields: [{ name: "total", type: "number" }],
      listRule: "",
    });
    await su.collection(name).create({ total: 42 });
    const page = await su.collection(name).getList(1, 10);
    expect(page.items.map((r) => r.total)).toEqual([42]);
    const res = await fetchTrusting(first.cert)(`${server.url}/api/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get("strict-transport-security")).toBe(HSTS);
  });

  it("redirects the plain HTTP port to HTTPS, path and query kept, and serves nothing else there", async () => {
    const plain = server.app.redirectUrl();
    expect(plain).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const httpsPort = new URL(server.url).port;
    const res = await fetch(`${plain}/api/collections/x/records?page=2`, {
      method: "POST",
      redirect: "manual",
    });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe(
      `https://127.0.0.1:${httpsPort}/api/collections/x/records?page=2`,
    );
    expect(res.headers.get("strict-transport-security")).toBeNull();
    // No ACME order runs with certificate files: no challenge is answered.
    const challenge = await fetch(`${plain}/.well-known/acme-challenge/anything`);
    expect(challenge.status).toBe(404);
  });

  it("speaks HTTP/1.1 (see docs/DESIGN.md for why not HTTP/2)", async () => {
    expect((await handshake(server.url, ca, ["h2", "http/1.1"])).protocol).toBe("http/1.1");
  });

  it("picks up a renewed certificate written over the files, without a restart", async () => {
    expect((await handshake(server.url, ca)).serial).toBe("A1");
    const renewed = selfSigned(dir, "renewed", "b2");
    writeFileSync(first.keyFile, renewed.key);
    writeFileSync(first.certFile, renewed.cert);
    await eventually(
      async () => (await handshake(server.url, renewed.cert).catch(() => null))?.serial === "B2",
    );
    // The SDK's connection keeps working on the new certificate.
    const health = await sdkTrusting(server.url, renewed.cert).health.check();
    expect(health.code).toBe(200);
    ca = renewed.cert;
  });

  it("reads the files again on SIGHUP", async () => {
    // Written through hard links in another folder: the folder watch doesn't see these writes,
    // so only the signal can make the server read them.
    const elsewhere = mkdtempSync(join(tmpdir(), "backroom-tls-links-"));
    const certLink = join(elsewhere, "c.pem");
    const keyLink = join(elsewhere, "k.pem");
    linkSync(join(dir, "server.crt"), certLink);
    linkSync(join(dir, "server.key"), keyLink);
    const next = selfSigned(elsewhere, "next", "c3");
    writeFileSync(keyLink, next.key);
    writeFileSync(certLink, next.cert);
    await new Promise((r) => setTimeout(r, 400));
    expect((await handshake(server.url, ca)).serial).toBe("B2");
    process.kill(process.pid, "SIGHUP");
    await eventually(async () => (await handshake(server.url, next.cert).catch(() => null))?.serial === "C3");
    ca = next.cert;
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it("keeps serving the current certificate when the new files don't make a pair", async () => {
    const before = (await handshake(server.url, ca)).serial;
    const stray = selfSigned(dir, "stray", "d4");
    writeFileSync(join(dir, "server.crt"), stray.cert); // the key still belongs to the old certificate
    await new Promise((r) => setTimeout(r, 500));
    expect((await handshake(server.url, ca)).serial).toBe(before);
  });
});
