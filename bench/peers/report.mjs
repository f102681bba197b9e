// The peers' results: Backroom ÷ peer per scenario as a table for people, and
// bench/results/peers.json for tools.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";

const RESULTS_DIR = new URL("../results/", import.meta.url);

const round = (value, digits) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : 0);

/** What one measurement keeps: median req/s, median p99 and the runs it came from. */
export function summary(result) {
  return { rps: Math.round(result.rps), p99_ms: round(result.p99_ms, 2), runs: result.runs };
}

/**
 * One row per scenario and measured peer: both sides' numbers, Backroom ÷ peer, and whether that
 * ratio reaches the peer's target. Each peer carries the Backroom measurement taken right before
 * its own (`peer.backroom`), so the two saw the same machine.
 */
export function ratioRows(peers) {
  const rows = [];
  for (const peer of peers) {
    if (!peer.available) continue;
    for (const [scenario, theirs] of Object.entries(peer.scenarios)) {
      const ours = peer.backroom?.[scenario];
      if (!ours) continue;
      const ratio = theirs.rps > 0 ? round(ours.rps / theirs.rps, 1) : 0;
      rows.push({
        scenario,
        peer: peer.name,
        backroom: { rps: ours.rps, p99_ms: ours.p99_ms },
        theirs: { rps: theirs.rps, p99_ms: theirs.p99_ms },
        ratio,
        target: peer.target,
        meets_target: ratio >= peer.target,
      });
    }
  }
  return rows;
}

export function printPeersTable(rows, peers) {
  const header = ["scenario", "peer", "Backroom req/s", "p99 ms", "peer req/s", "p99 ms", "ratio", "target"];
  const lines = rows.map((r) => [
    r.scenario,
    r.peer,
    String(r.backroom.rps),
    r.backroom.p99_ms.toFixed(2),
    String(r.theirs.rps),
    r.theirs.p99_ms.toFixed(2),
    `${r.ratio.toFixed(1)}×`,
    `≥ ${r.target}× ${r.meets_target ? "met" : "MISSED"}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  // Text columns left-aligned, numbers right-aligned.
  const format = (cells) =>
    cells.map((c, i) => (i < 2 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${format(header)}`);
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const line of lines) console.log(format(line));
  for (const peer of peers.filter((p) => !p.available))
    console.log(`${peer.name}: not available: ${peer.reason}`);
  console.log("");
}

/** Writes peers.json into bench/results/ (or `dir`); returns its path. */
export function writePeersJson({ options, loadavg, backroom, peers, rows }, dir = RESULTS_DIR) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir instanceof URL ? dir.pathname : dir, "peers.json");
  const report = {
    node: process.version,
    cpus: availableParallelism(),
    mode: options.mode,
    settings: {
      orders: options.orders,
      customers: options.customers,
      connections: options.connections,
      warmup_seconds: options.warmupSeconds,
      run_seconds: options.runSeconds,
      runs: options.runs,
    },
    loadavg,
    backroom,
    peers,
    ratios: rows,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
