import { describe, expect, it } from "vitest";
import { StoreHealth } from "../store/store-health.js";
import { classifyDependencyError, dependencyApiError } from "./dependency-errors.js";

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe("classifyDependencyError", () => {
  it("a lost or refused PostgreSQL connection is 'database-unavailable'", () => {
    for (const err of [
      withCode("terminating connection due to administrator command", "57P01"),
      withCode("terminating connection because of crash of another server process", "57P02"),
      withCode("the database system is starting up", "57P03"),
      withCode("connection failure", "08006"),
      withCode("sorry, too many clients already", "53300"),
      new Error("Connection terminated unexpectedly"),
      new Error("Client has encountered a connection error and is not queryable"),
    ])
      expect(classifyDependencyError(err), err.message).toBe("database-unavailable");
  });

  it("a refused or reset socket is 'service-unavailable', also as the cause of another error", () => {
    expect(classifyDependencyError(withCode("connect ECONNREFUSED 127.0.0.1:5432", "ECONNREFUSED"))).toBe(
      "service-unavailable",
    );
    const wrapped = new Error("fetch failed", { cause: withCode("read ECONNRESET", "ECONNRESET") });
    expect(classifyDependencyError(wrapped)).toBe("service-unavailable");
  });

  it("no space left (SQLite's code, a file write's errno, a quota) is 'storage-full'", () => {
    expect(classifyDependencyError(withCode("database or disk is full", "SQLITE_FULL"))).toBe("storage-full");
    expect(classifyDependencyError(withCode("no space left on device, write", "ENOSPC"))).toBe(
      "storage-full",
    );
    expect(classifyDependencyError(withCode("disk quota exceeded", "EDQUOT"))).toBe("storage-full");
  });

  it("anything else is not a dependency problem", () => {
    for (const err of [
      new Error("boom"),
      withCode("duplicate key value violates unique constraint", "23505"),
      withCode("UNIQUE constraint failed: t.x", "SQLITE_CONSTRAINT_UNIQUE"),
      withCode("cannot rollback - no transaction is active", "SQLITE_ERROR"),
      "a string",
      undefined,
    ])
      expect(classifyDependencyError(err)).toBeUndefined();
  });

  it("answers: 503 with Retry-After that says to try again, 507 that says storage is full", () => {
    const unavailable = dependencyApiError("database-unavailable");
    expect(unavailable.toJSON()).toEqual({
      status: 503,
      message: "The database is temporarily unavailable. Try again in a few seconds.",
      data: {},
    });
    expect(unavailable.retryAfterSeconds).toBeGreaterThan(0);
    const full = dependencyApiError("storage-full");
    expect(full.toJSON()).toEqual({
      status: 507,
      message: "The server's storage is full; the write was not saved. Try again later.",
      data: {},
    });
  });
});

describe("StoreHealth", () => {
  const full = withCode("database or disk is full", "SQLITE_FULL");
  const cut = withCode("terminating connection due to administrator command", "57P01");

  it("logs the first failure of an outage, counts the rest, and logs the recovery once", () => {
    const health = new StoreHealth();
    const lines: string[] = [];
    health.setLogger((level, message) => lines.push(`${level} ${message}`));
    const t = 1_000_000;
    expect(health.shouldLog(full, t)).toBe(true);
    expect(health.shouldLog(full, t + 10)).toBe(false);
    expect(health.shouldLog(full, t + 20)).toBe(false);
    expect(health.shouldLog(new Error("a bug"), t + 30)).toBe(true);
    // A minute on, one reminder.
    expect(health.shouldLog(full, t + 61_000)).toBe(true);
    health.wrote();
    expect(lines).toEqual([expect.stringMatching(/^info writes succeed again after .* s \(0 failures/)]);
    expect(health.shouldLog(full)).toBe(true);
  });

  it("reports a full disk until a write commits, or for a minute after the last refusal", () => {
    const health = new StoreHealth();
    const t = 2_000_000;
    expect(health.snapshot(t)).toEqual({ database: "ok", storage: "ok" });
    health.shouldLog(full, t);
    expect(health.snapshot(t + 59_000).storage).toBe("full");
    expect(health.snapshot(t + 61_000).storage).toBe("ok");
    health.shouldLog(full, t);
    health.wrote();
    expect(health.snapshot(t).storage).toBe("ok");
  });

  it("reports the database unavailable from a lost connection until a new one opens", () => {
    const health = new StoreHealth();
    const lines: string[] = [];
    health.setLogger((level, message) => lines.push(`${level} ${message}`));
    health.lost(cut);
    health.lost(cut);
    expect(health.snapshot().database).toBe("unavailable");
    // The requests that were using the lost connections fail too: already logged.
    expect(health.shouldLog(cut)).toBe(false);
    health.connected();
    expect(health.snapshot().database).toBe("ok");
    expect(lines).toEqual([
      "warn database connection lost; requests that need it get 503 until it answers again",
      expect.stringMatching(/^info database answers again after .* s \(2 failures in between not logged\)$/),
    ]);
  });
});
