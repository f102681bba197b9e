import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";
import { LETS_ENCRYPT_DIRECTORY } from "./https-config.js";

describe("--https", () => {
  it("is off unless asked for", () => {
    expect(loadConfig({}, {}).https).toBeUndefined();
  });

  it("serves certificate files at host:port, from flags or environment", () => {
    const c = loadConfig(
      {},
      { BACKROOM_HTTPS: "0.0.0.0:8443", BACKROOM_TLS_CERT: "/c.pem", BACKROOM_TLS_KEY: "/k.pem" },
    );
    expect(c.https).toEqual({
      host: "0.0.0.0",
      port: 8443,
      certificate: { kind: "files", certFile: "/c.pem", keyFile: "/k.pem" },
      redirect: false,
    });
    expect(c.port).toBe(8090);
    expect(
      loadConfig({ https: ":443", tlsCert: "/c", tlsKey: "/k", httpsRedirect: true }, {}).https,
    ).toMatchObject({
      host: "127.0.0.1",
      port: 443,
      redirect: true,
    });
  });

  it("gets certificates by ACME for a domain name, with port 80 for the challenges", () => {
    const c = loadConfig({ https: "shop.example.com", acmeEmail: "ops@example.com", dir: "/data" }, {});
    expect(c.https).toEqual({
      host: "0.0.0.0",
      port: 443,
      certificate: {
        kind: "acme",
        domains: ["shop.example.com"],
        email: "ops@example.com",
        directoryUrl: LETS_ENCRYPT_DIRECTORY,
        storeDir: "/data/tls",
      },
      redirect: true,
    });
    expect([c.host, c.port]).toEqual(["0.0.0.0", 80]);
    expect(loadConfig({ https: "a.example.com,b.example.com:8443", http: ":8080" }, {}).https).toMatchObject({
      port: 8443,
      certificate: { domains: ["a.example.com", "b.example.com"] },
    });
  });

  it.each([
    [{ https: "127.0.0.1:8443" }, /needs --tls-cert and --tls-key, or a public domain/],
    [{ https: "localhost" }, /needs --tls-cert/],
    [{ https: ":8443", tlsCert: "/c.pem" }, /go together/],
    [{ https: "example.com:99999" }, /invalid --https address/],
    [{ https: "example.com", acmeDirectory: "ftp://x" }, /invalid ACME directory/],
  ])("refuses %j", (input, message) => {
    expect(() => loadConfig(input, {})).toThrow(ConfigError);
    expect(() => loadConfig(input, {})).toThrow(message);
  });
});
