import { describe, expect, it } from "vitest";
import { PEER_NAMES, readPeerOptions } from "./options.mjs";

describe("bench:peers options", () => {
  it("measures every peer in the short mode by default", () => {
    const options = readPeerOptions([]);
    expect(options.mode).toBe("quick");
    expect(options.peers).toEqual(PEER_NAMES);
    expect(options.connections).toBe(16);
    expect(options.runs).toBe(3);
    expect(options.orders).toBe(10_000);
  });

  it("runs longer on more data with --full", () => {
    const quick = readPeerOptions([]);
    const full = readPeerOptions(["--full"]);
    expect(full.mode).toBe("full");
    expect(full.orders).toBeGreaterThan(quick.orders);
    expect(full.runSeconds).toBeGreaterThan(quick.runSeconds);
    expect(full.warmupSeconds).toBeGreaterThan(quick.warmupSeconds);
  });

  it("picks a subset of peers, in the order given", () => {
    expect(readPeerOptions(["--peers", "parse, directus"]).peers).toEqual(["parse", "directus"]);
  });

  it("rejects peers it does not know and empty or bad values", () => {
    expect(() => readPeerOptions(["--peers", "directus,supabase"])).toThrow(/unknown peer "supabase"/);
    expect(() => readPeerOptions(["--peers", ","])).toThrow(/at least one/);
    expect(() => readPeerOptions(["--connections", "0"])).toThrow(/positive integer/);
    expect(() => readPeerOptions(["--connections", "many"])).toThrow(/positive integer/);
    expect(() => readPeerOptions(["--quick-ish"])).toThrow();
  });
});
