import { mkdtempSync, rmSync, statSync } from "node:fs";
import { get, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { selfSigned } from "../../test-support/tls.js";
import { AcmeCertificates, type Issuer } from "./acme-certificates.js";
import { AcmeStore } from "./acme-store.js";
import type { KeyPair } from "./certificate-source.js";
import { createRedirectListener, listenOn } from "./redirect-listener.js";
import { nextCheckIn, RENEWAL_CHECK_MS, renewAt } from "./renewal.js";

const DAY = 24 * 60 * 60 * 1000;

describe("ACME renewal timing", () => {
  it("renews once two thirds of the lifetime have passed: 30 days before the end of 90", () => {
    const from = new Date("2026-01-01T00:00:00Z");
    const to = new Date(from.getTime() + 90 * DAY);
    expect(renewAt(from, to)).toEqual(new Date(from.getTime() + 60 * DAY));
  });

  it("looks at least every 12 hours, and at once when due", () => {
    const from = new Date("2026-01-01T00:00:00Z");
    const to = new Date(from.getTime() + 90 * DAY);
    expect(nextCheckIn(from, to, from)).toBe(RENEWAL_CHECK_MS);
    expect(nextCheckIn(from, to, new Date(from.getTime() + 60 * DAY - 1000))).toBe(1000);
    expect(nextCheckIn(from, to, new Date(from.getTime() + 70 * DAY))).toBe(0);
  });
});

describe("ACME certificates", () => {
  let dir: string;
  let store: AcmeStore;
  const logs: string[] = [];
  const log = (_level: string, message: string) => void logs.push(message);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "backroom-acme-"));
    store = new AcmeStore(join(dir, "tls"));
    logs.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** An issuer that answers with a fresh 2-day certificate and counts its calls. */
  function countingIssuer(): Issuer & { calls: number } {
    const issue = Object.assign(
      async () => {
        issue.calls++;
        const { cert, key } = selfSigned(dir, `issued${issue.calls}`, `${issue.calls}0`);
        return { cert, key };
      },
      { calls: 0 },
    );
    return issue;
  }

  it("orders one at start when none is stored, keeps it in the data folder (private), serves it", async () => {
    const issue = countingIssuer();
    const acme = new AcmeCertificates({ domains: ["shop.example.com"], store, issue, log });
    expect(acme.initial()).toBeUndefined();
    const applied: KeyPair[] = [];
    await acme.start((pair) => applied.push(pair));
    await acme.reload();
    expect(issue.calls).toBe(1);
    expect(applied).toHaveLength(1);
    expect(store.certificate("shop.example.com")).toEqual(applied[0]);
    expect(statSync(join(dir, "tls", "shop.example.com.key")).mode & 0o777).toBe(0o600);
    acme.close();
  });

  it("starts on the stored certificate and orders nothing while it isn't due", async () => {
    const { cert, key } = selfSigned(dir, "stored", "99");
    store.saveCertificate("shop.example.com", { cert, key });
    const issue = countingIssuer();
    const acme = new AcmeCertificates({ domains: ["shop.example.com"], store, issue, log });
    expect(acme.initial()).toEqual({ cert, key });
    await acme.start(() => {});
    await acme.reload();
    expect(issue.calls).toBe(0);
    acme.close();
  });

  it("renews a stored certificate past two thirds of its life, and keeps the old one when renewal fails", async () => {
    const { cert, key } = selfSigned(dir, "stored", "99");
    store.saveCertificate("shop.example.com", { cert, key });
    const later = () => new Date(Date.now() + 1.5 * DAY); // of a 2-day certificate
    let fail = true;
    const good = countingIssuer();
    const issue: Issuer = async (domains, challenges) => {
      if (fail) throw new Error("the ACME server is down");
      return good(domains, challenges);
    };
    const applied: KeyPair[] = [];
    const acme = new AcmeCertificates({ domains: ["shop.example.com"], store, issue, log, now: later });
    expect(acme.initial()).toEqual({ cert, key });
    await acme.start((pair) => applied.push(pair));
    await acme.reload();
    expect(applied).toEqual([]);
    expect(store.certificate("shop.example.com")).toEqual({ cert, key });
    expect(logs.at(-1)).toMatch(/failed; trying again later/);
    fail = false;
    await acme.reload();
    expect(applied).toHaveLength(1);
    expect(applied[0]?.cert).not.toBe(cert);
    acme.close();
  });

  it("answers HTTP-01 challenges on the plain port while an order runs, and redirects the rest", async () => {
    const challenges = new Map([["tok-123", "tok-123.thumbprint"]]);
    const server = createRedirectListener(
      () => 8443,
      (token) => challenges.get(token),
    );
    const url = await listenOn(server, "127.0.0.1", 0);
    try {
      const hit = await fetch(`${url}/.well-known/acme-challenge/tok-123`);
      expect([hit.status, await hit.text()]).toEqual([200, "tok-123.thumbprint"]);
      expect((await fetch(`${url}/.well-known/acme-challenge/other`)).status).toBe(404);
      // fetch sets Host itself: a plain request names the site the browser asked for.
      const other = await new Promise<IncomingMessage>((resolve, reject) =>
        get(`${url}/_/`, { headers: { host: "shop.example.com" } }, resolve).on("error", reject),
      );
      expect([other.statusCode, other.headers.location]).toEqual([308, "https://shop.example.com:8443/_/"]);
    } finally {
      server.close();
    }
  });
});
