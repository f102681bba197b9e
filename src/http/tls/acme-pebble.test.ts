import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, createApp } from "../../app.js";
import { loadConfig } from "../../config/config.js";
import { selfSigned } from "../../test-support/tls.js";

/**
 * A real ACME order against pebble (Let's Encrypt's test ACME server, a Debian package), whose
 * DNS is pebble-challtestsrv answering 127.0.0.1 for every name: pebble fetches the HTTP-01
 * answer from our plain-HTTP port, signs, and the HTTPS port serves what it signed.
 */
const hasPebble = ["/usr/bin/pebble", "/usr/bin/pebble-challtestsrv"].every(existsSync);
if (!hasPebble && process.env.CI === "true")
  throw new Error("pebble is required under CI=true (apt-get install pebble)");
if (!hasPebble)
  console.warn("[tests] pebble not installed: skipping the real ACME order (apt-get install pebble)");

const DOMAIN = "shop.example.com";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function httpsGet(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (res) => {
      let body = "";
      res.on("data", (d) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

async function until<T>(what: string, get: () => Promise<T | undefined>, ms = 25_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await get().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(!hasPebble)("ACME against pebble", () => {
  let dir: string;
  const children: ChildProcess[] = [];
  let app: App;
  let pebbleCa: string;
  let mgmt: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backroom-pebble-"));
    const own = selfSigned(dir, "pebble", "01");
    pebbleCa = own.cert;
    const [acmePort, dnsPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    mgmt = await freePort();
    writeFileSync(
      join(dir, "pebble.json"),
      JSON.stringify({
        pebble: {
          listenAddress: `127.0.0.1:${acmePort}`,
          managementListenAddress: `127.0.0.1:${mgmt}`,
          certificate: own.certFile,
          privateKey: own.keyFile,
          httpPort,
          tlsPort: await freePort(),
          ocspResponderURL: "",
          externalAccountBindingRequired: false,
        },
      }),
    );
    const quiet = { stdio: "ignore" as const };
    children.push(
      spawn(
        "pebble-challtestsrv",
        [
          "-dns01",
          `127.0.0.1:${dnsPort}`,
          "-http01",
          "",
          "-https01",
          "",
          "-tlsalpn01",
          "",
          "-management",
          `127.0.0.1:${await freePort()}`,
          "-defaultIPv6",
          "",
        ],
        quiet,
      ),
    );
    children.push(
      spawn("pebble", ["-config", join(dir, "pebble.json"), "-dnsserver", `127.0.0.1:${dnsPort}`], {
        ...quiet,
        env: { ...process.env, PEBBLE_VA_NOSLEEP: "1", PEBBLE_WFE_NONCEREJECT: "0" },
      }),
    );
    const directory = `https://127.0.0.1:${acmePort}/dir`;
    await until("pebble", async () =>
      (await httpsGet(directory, pebbleCa)).status === 200 ? true : undefined,
    );
    const config = loadConfig(
      {
        https: `${DOMAIN}:0`,
        http: `127.0.0.1:${httpPort}`,
        acmeDirectory: directory,
        acmeCa: own.certFile,
        acmeEmail: "ops@example.com",
        dir: join(dir, "data"),
        hooks: join(dir, "no-hooks"),
        migrations: join(dir, "migrations"),
        logLevel: "silent",
      },
      {},
    );
    app = await createApp(config);
    await app.listen();
  }, 90_000);

  afterAll(async () => {
    await app?.close();
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gets a certificate by HTTP-01 on the plain port, serves it, and keeps it in the data folder", async () => {
    // The certificate chains to pebble's root of this run, fetched from its management port.
    const root = await until("pebble's root", async () => {
      const res = await httpsGet(`https://127.0.0.1:${mgmt}/roots/0`, pebbleCa);
      return res.status === 200 ? res.body : undefined;
    });
    const port = Number(new URL(app.http.listeningOrigin).port);
    const served = await until(
      "the ACME certificate",
      () =>
        new Promise<string | undefined>((resolve, reject) => {
          const socket = connect({ host: "127.0.0.1", port, servername: DOMAIN, ca: root }, () => {
            const cert = socket.getPeerCertificate();
            socket.end();
            resolve(cert.subjectaltname);
          });
          socket.on("error", reject);
        }),
    );
    expect(served).toBe(`DNS:${DOMAIN}`);
    expect(existsSync(join(dir, "data", "tls", `${DOMAIN}.crt`))).toBe(true);
    expect(existsSync(join(dir, "data", "tls", "account.key"))).toBe(true);
    execFileSync("openssl", ["x509", "-noout", "-in", join(dir, "data", "tls", `${DOMAIN}.crt`)]);
  });
});
