// Before any load: one request of each kind a scenario sends goes to Backroom, then to the
// baseline; the answers and the rows they wrote to `_audit` and `_outbox` must be alike once the
// values that differ by nature (ids, times, request ids) are blanked out. A difference is a
// warning (the baseline then needs updating), a failed request or a bad answer is an error.
import { isDeepStrictEqual } from "node:util";

const DATE = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}Z$/;
const VOLATILE = new Set(["id", "record_id", "request_id", "seq"]);

function decodeClaims(token) {
  try {
    const { exp, ...claims } = JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
    return { claims, expires: typeof exp === "number" };
  } catch {
    return "<not a JWT>";
  }
}

/** A value with what may legitimately differ between two servers' answers replaced by placeholders. */
export function scrub(value, key = "") {
  if (typeof value === "string") {
    if (key === "token") return decodeClaims(value);
    if (value !== "" && VOLATILE.has(key)) return `<${key}>`;
    if (DATE.test(value)) return "<date>";
    if ((key === "record" || key === "previous") && value.startsWith("{")) {
      // Outbox payloads. `previous` differs by nature in the update check (the second server
      // updates the row the first one just changed), so only its shape is compared.
      const parsed = JSON.parse(value);
      return key === "previous" ? Object.keys(parsed) : scrub(parsed);
    }
    return value;
  }
  if (typeof value === "number" && VOLATILE.has(key)) return `<${key}>`;
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (value && typeof value === "object") {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = scrub(v, k);
    return out;
  }
  return value;
}

/** Side-effect rows, scrubbed and in a stable order (a batch writes many alike rows). */
const scrubRows = (rows) =>
  rows
    .map((r) => scrub(r))
    .map((r) => JSON.stringify(r))
    .sort();

async function send(url, load, kind) {
  const body = kind.bodies?.[0]?.replaceAll("__RAND__", "parity");
  const headers = body === undefined ? load.headers : { ...load.headers, "content-type": "application/json" };
  const res = await fetch(url + kind.paths[0], { method: kind.method, headers, body });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${kind.method} ${url}${kind.paths[0]} answered ${res.status}: ${text.slice(0, 300)}`);
  const json = JSON.parse(text);
  const problem = kind.check(json);
  if (problem)
    throw new Error(`${kind.method} ${url}${kind.paths[0]} answered ${problem}: ${text.slice(0, 300)}`);
  return json;
}

/**
 * Runs the check for one scenario; returns the differences found (empty when alike). `inspector`
 * is openInspector(); both servers must be running and otherwise idle.
 */
export async function checkParity(scenario, load, { backroomUrl, baselineUrl, inspector }) {
  const differences = [];
  for (const kind of load.requests) {
    const seen = [];
    for (const url of [backroomUrl, baselineUrl]) {
      const mark = await inspector.mark();
      const body = await send(url, load, kind);
      const effects = await inspector.since(mark);
      seen.push({
        body: scrub(body),
        audit: scrubRows(effects.audit),
        outbox: scrubRows(effects.outbox),
      });
    }
    const [ours, theirs] = seen;
    for (const part of ["body", "audit", "outbox"]) {
      if (!isDeepStrictEqual(ours[part], theirs[part])) {
        differences.push(
          `${scenario.name} ${kind.method} ${part} differs\n` +
            `    Backroom: ${JSON.stringify(ours[part]).slice(0, 400)}\n` +
            `    baseline: ${JSON.stringify(theirs[part]).slice(0, 400)}`,
        );
      }
    }
  }
  return differences;
}
