import { ApiError } from "./api-error.js";

/**
 * What went wrong outside Backroom's own code when a dependency failed: the database could not be
 * reached (connection refused, cut, or the server restarting), another service's socket failed
 * (a refused or reset connection: the database when it is down, or S3, SMTP…), or the disk is full.
 * None is the client's fault nor a bug, so they get their own answers (503, 507) instead of a 500.
 */
export type DependencyProblem = "database-unavailable" | "service-unavailable" | "storage-full";

/** PostgreSQL SQLSTATEs of a lost or refused connection: class 08, and 57P01–57P03 (shutdown, crash, starting up). */
const PG_CONNECTION_STATES = /^(08\d{3}|57P0[123]|53300)$/;
/** Socket-level failures (Node's system error codes) while reaching the database. */
const SOCKET_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);
/** The pg driver's own messages when its socket goes away (they carry no code). */
const PG_CONNECTION_MESSAGES = [
  "Connection terminated",
  "Client has encountered a connection error and is not queryable",
  "timeout exceeded when trying to connect",
];
/** No space (SQLite's own code, a file write's errno) or over a disk quota. */
const FULL_CODES = new Set(["SQLITE_FULL", "ENOSPC", "EDQUOT"]);

/** The problem behind an error (its `cause` chain is followed), or undefined for anything else. */
export function classifyDependencyError(err: unknown): DependencyProblem | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      if (FULL_CODES.has(code)) return "storage-full";
      if (PG_CONNECTION_STATES.test(code)) return "database-unavailable";
      if (SOCKET_CODES.has(code)) return "service-unavailable";
    }
    const message = current.message;
    if (PG_CONNECTION_MESSAGES.some((m) => message.startsWith(m))) return "database-unavailable";
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An answer that tells the client the failure is temporary, and when to try again (`Retry-After`). */
export class DependencyError extends ApiError {
  constructor(
    status: 503 | 507,
    message: string,
    readonly problem: DependencyProblem,
    readonly retryAfterSeconds?: number,
  ) {
    super(status, message);
  }
}

/** Seconds a client should wait before retrying while a service is away (the database usually returns within one or two). */
const RETRY_AFTER_S = 2;

const MESSAGES: Record<DependencyProblem, string> = {
  "database-unavailable": "The database is temporarily unavailable. Try again in a few seconds.",
  "service-unavailable":
    "A service the server relies on is temporarily unavailable. Try again in a few seconds.",
  "storage-full": "The server's storage is full; the write was not saved. Try again later.",
};

/** The API answer for a dependency problem: 507 for a full disk, else 503 with `Retry-After`. */
export function dependencyApiError(problem: DependencyProblem): DependencyError {
  return problem === "storage-full"
    ? new DependencyError(507, MESSAGES[problem], problem)
    : new DependencyError(503, MESSAGES[problem], problem, RETRY_AFTER_S);
}
