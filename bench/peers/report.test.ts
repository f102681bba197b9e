import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ratioRows, summary, writePeersJson } from "./report.mjs";

const numbers = (rps: number, p99_ms = 10) => ({ rps, p99_ms, runs: [rps] });

const directus = {
  name: "directus",
  target: 10,
  available: true,
  backroom: { "get-one": numbers(5000), list: numbers(2000), create: numbers(900) },
  scenarios: { "get-one": numbers(250), list: numbers(400), create: numbers(100) },
};
const strapi = { name: "strapi", target: 10, available: false, reason: "install: npm failed" };

describe("bench:peers report", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("divides Backroom's req/s by the peer's, measured side by side, and checks the target", () => {
    const rows = ratioRows([directus, strapi]);
    expect(rows.map((r) => [r.scenario, r.ratio, r.meets_target])).toEqual([
      ["get-one", 20, true],
      ["list", 5, false],
      ["create", 9, false],
    ]);
    expect(rows[0]).toMatchObject({
      peer: "directus",
      backroom: { rps: 5000 },
      theirs: { rps: 250 },
      target: 10,
    });
  });

  it("leaves out peers that did not run and scenarios without a Backroom figure", () => {
    const partial = { ...directus, backroom: { list: numbers(2000) } };
    expect(ratioRows([strapi])).toEqual([]);
    expect(ratioRows([partial]).map((r) => r.scenario)).toEqual(["list"]);
  });

  it("gives a zero ratio, not Infinity, when a peer served nothing", () => {
    const idle = { ...directus, scenarios: { list: numbers(0) } };
    expect(ratioRows([idle])[0]?.ratio).toBe(0);
  });

  it("keeps rounded medians and the runs from a measurement", () => {
    expect(summary({ rps: 1234.56, p99_ms: 12.345, runs: [1200, 1234, 1300] })).toEqual({
      rps: 1235,
      p99_ms: 12.35,
      runs: [1200, 1234, 1300],
    });
  });

  it("writes the peers, their reasons and the ratios to peers.json", () => {
    dir = mkdtempSync(join(tmpdir(), "peers-report-"));
    const options = {
      mode: "quick",
      orders: 10,
      customers: 2,
      connections: 4,
      warmupSeconds: 1,
      runSeconds: 1,
      runs: 3,
    };
    const peers = [directus, strapi];
    const file = writePeersJson(
      {
        options,
        loadavg: { start: [1, 1, 1], end: [2, 2, 2] },
        backroom: { store: "sqlite" },
        peers,
        rows: ratioRows(peers),
      },
      dir,
    );
    const report = JSON.parse(readFileSync(file, "utf8"));
    expect(report.mode).toBe("quick");
    expect(report.settings).toMatchObject({ orders: 10, connections: 4, runs: 3 });
    expect(report.peers[1]).toMatchObject({
      name: "strapi",
      available: false,
      reason: "install: npm failed",
    });
    expect(report.ratios).toHaveLength(3);
    expect(report.loadavg.end).toEqual([2, 2, 2]);
  });
});
