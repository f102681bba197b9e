import { classifyDependencyError } from "../errors/dependency-errors.js";

/** How long a full disk is reported after the last write it refused (unless a write commits first). */
const STORAGE_FULL_REPORTED_MS = 60_000;
/** During a long outage, one reminder line this often (with how many failures it stood for). */
const REMIND_EVERY_MS = 60_000;

export interface StoreHealthSnapshot {
  database: "ok" | "unavailable";
  storage: "ok" | "full";
}

export type HealthLog = (level: "warn" | "info", message: string, err?: unknown) => void;

/** Outages as the log sees them: an unreachable database or service, or a full disk. */
type OutageKind = "unavailable" | "storage";

interface Outage {
  since: number;
  loggedAt: number;
  /** Failures seen since the last line about this outage. */
  unlogged: number;
}

/**
 * What the store has seen of its database and disk lately: a lost or refused connection, a write
 * refused for lack of space, and what brought them back. `/api/health` reports it, and it keeps
 * logs readable during an outage: the first failure of each kind is logged with its cause, the
 * ones after it only counted (`shouldLog` says which), and the recovery is logged once.
 */
export class StoreHealth {
  private readonly outages = new Map<OutageKind, Outage>();
  private databaseLost = false;
  private storageFullAt: number | undefined;
  private log: HealthLog = () => {};

  setLogger(log: HealthLog): void {
    this.log = log;
  }

  snapshot(now = Date.now()): StoreHealthSnapshot {
    const full = this.storageFullAt !== undefined && now - this.storageFullAt < STORAGE_FULL_REPORTED_MS;
    return { database: this.databaseLost ? "unavailable" : "ok", storage: full ? "full" : "ok" };
  }

  /**
   * Notes a failure; true when it should be logged: anything that is not a dependency problem, and
   * the first failure of an outage (then a reminder once a minute). Code that logs failures asks here first.
   */
  shouldLog(err: unknown, now = Date.now()): boolean {
    const problem = classifyDependencyError(err);
    if (!problem) return true;
    if (problem === "storage-full") this.storageFullAt = now;
    const kind: OutageKind = problem === "storage-full" ? "storage" : "unavailable";
    const outage = this.outages.get(kind);
    if (!outage) {
      this.outages.set(kind, { since: now, loggedAt: now, unlogged: 0 });
      return true;
    }
    if (now - outage.loggedAt < REMIND_EVERY_MS) {
      outage.unlogged++;
      return false;
    }
    outage.loggedAt = now;
    outage.unlogged = 0;
    return true;
  }

  /** The database connection was lost or refused (the driver said so, even with no query running). */
  lost(err: unknown): void {
    this.databaseLost = true;
    if (this.shouldLog(err))
      this.log("warn", "database connection lost; requests that need it get 503 until it answers again", err);
  }

  /** A new connection to the database opened: it answers again. */
  connected(): void {
    this.databaseLost = false;
    this.recovered("unavailable", "database answers again");
  }

  /** A write transaction committed: there is room on disk again. */
  wrote(): void {
    if (this.storageFullAt === undefined) return;
    this.storageFullAt = undefined;
    this.recovered("storage", "writes succeed again");
  }

  private recovered(kind: OutageKind, message: string): void {
    const outage = this.outages.get(kind);
    if (!outage) return;
    this.outages.delete(kind);
    const seconds = ((Date.now() - outage.since) / 1000).toFixed(1);
    this.log("info", `${message} after ${seconds} s (${outage.unlogged} failures in between not logged)`);
  }
}
