import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { type SqlResult, SqlRunError, type SqlRunOptions, splitStatements } from "../sql-console.js";

// Runs in a child process: a runaway query busies that process, never the server, and is ended by
// killing it (a thread could not be stopped while SQLite runs native code). Its input comes on
// stdin, its answer goes to stdout as JSON; it reaches the driver through the path the server resolved.
const WORKER_SOURCE = `
let input = "";
process.stdin.on("data", (d) => (input += d));
process.stdin.on("end", () => {
const workerData = JSON.parse(input);
const parentPort = { postMessage: (m) => process.stdout.write(JSON.stringify(m)) };
const Database = require(workerData.driver);
const { file, statements, allowWrites, maxRows } = workerData;
const db = new Database(file, { fileMustExist: true, readonly: !allowWrites });
db.pragma("busy_timeout = 5000");
const text = (v) => (v === null || v === undefined ? null : Buffer.isBuffer(v) ? v.toString("utf8") : String(v));
try {
  let result = { affectedRows: 0, columns: [], rows: [] };
  db.exec(allowWrites ? "BEGIN IMMEDIATE" : "BEGIN");
  try {
    for (const sql of statements) {
      if (/^\\s*(ATTACH|DETACH)\\b/i.test(sql)) throw new Error("ATTACH and DETACH are not allowed");
      const stmt = db.prepare(sql);
      if (!allowWrites && !stmt.readonly) throw new Error("the SQL console is read-only (writes are off on this server)");
      if (stmt.reader) {
        const rows = [];
        for (const row of stmt.raw(true).iterate()) {
          if (rows.length >= maxRows) break;
          rows.push(row.map(text));
        }
        result = { affectedRows: 0, columns: stmt.columns().map((c) => ({ name: c.name, type: c.type || "", nullable: true })), rows };
      } else {
        const info = stmt.run();
        result = { affectedRows: info.changes, columns: [], rows: [] };
      }
    }
    db.exec(allowWrites ? "COMMIT" : "ROLLBACK");
  } catch (err) {
    if (db.inTransaction) db.exec("ROLLBACK");
    throw err;
  }
  parentPort.postMessage({ ok: true, result });
} catch (err) {
  parentPort.postMessage({ ok: false, message: String(err && err.message ? err.message : err) });
} finally {
  db.close();
}
});
`;

/** Runs console SQL on a SQLite file in a process of its own, killed at the time limit. */
export function runSqliteSql(file: string, query: string, options: SqlRunOptions): Promise<SqlResult> {
  const statements = splitStatements(query);
  if (statements.length === 0) return Promise.reject(new SqlRunError("empty query"));
  const started = performance.now();
  const child = spawn(process.execPath, ["-e", WORKER_SOURCE], { stdio: ["pipe", "pipe", "pipe"] });
  child.stdin.end(
    JSON.stringify({
      driver: createRequire(import.meta.url).resolve("better-sqlite3"),
      file,
      statements,
      allowWrites: options.allowWrites,
      maxRows: options.maxRows,
    }),
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d: Buffer) => {
    out += d;
  });
  child.stderr.on("data", (d: Buffer) => {
    err += d;
  });
  return new Promise<SqlResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new SqlRunError(`the query ran longer than ${options.timeoutMs} ms and was stopped`));
    }, options.timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new SqlRunError(e.message));
    });
    child.once("close", () => {
      clearTimeout(timer);
      let message: { ok: boolean; message?: string; result?: Omit<SqlResult, "execTime"> };
      try {
        message = JSON.parse(out);
      } catch {
        return reject(new SqlRunError(err.trim().split("\n").pop() || "the query failed"));
      }
      if (!message.ok || !message.result) reject(new SqlRunError(message.message ?? "the query failed"));
      else resolve({ execTime: Math.round(performance.now() - started), ...message.result });
    });
  });
}
