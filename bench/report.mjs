// The results, as a table for people and as bench/results/latest.json for tools.

import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";

const RESULTS_DIR = new URL("./results/", import.meta.url);

const round = (value, digits) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : 0);

/** One result row: Backroom and the baseline on the same scenario and store. */
export function resultRow(name, store, backroom, baseline) {
  return {
    name,
    store,
    backroom: {
      rps: Math.round(backroom.rps),
      p99_ms: round(backroom.p99_ms, 2),
      generator_cpu_pct: backroom.generator_cpu_pct,
    },
    baseline: {
      rps: Math.round(baseline.rps),
      p99_ms: round(baseline.p99_ms, 2),
      generator_cpu_pct: baseline.generator_cpu_pct,
    },
    ratio: baseline.rps > 0 ? round(backroom.rps / baseline.rps, 2) : 0,
  };
}

export function printTable(rows) {
  // gen CPU: the load generator's CPU while it loaded that server, % of one core (near 100%, the
  // generator, not the server, set the req/s).
  const header = [
    "scenario",
    "store",
    "Backroom req/s",
    "p99 ms",
    "gen CPU",
    "baseline req/s",
    "p99 ms",
    "gen CPU",
    "ratio",
  ];
  const cpu = (pct) => (Number.isFinite(pct) ? `${pct}%` : "n/a");
  const lines = rows.map((r) => [
    r.name,
    r.store,
    String(r.backroom.rps),
    r.backroom.p99_ms.toFixed(2),
    cpu(r.backroom.generator_cpu_pct),
    String(r.baseline.rps),
    r.baseline.p99_ms.toFixed(2),
    cpu(r.baseline.generator_cpu_pct),
    `${r.ratio.toFixed(2)}×`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  // Text columns left-aligned, numbers right-aligned.
  const format = (cells) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${format(header)}`);
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const line of lines) console.log(format(line));
  console.log("");
}

/** The extra measurements, as short lines under the table. */
export function printExtra(extra) {
  const perStore = (values, unit) =>
    Object.entries(values)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([store, v]) => (unit ? `${store} ${v} ${unit}` : `${store} ${v}`))
      .join(", ") || "n/a";
  console.log(`idle RSS (fresh start, empty app):  ${perStore(extra.start_rss_mib ?? {}, "MiB")}`);
  console.log(`idle RSS (after seeding):          ${perStore(extra.idle_rss_mib, "MiB")}`);
  console.log(`RSS under load (max during mixed): ${perStore(extra.load_rss_mib, "MiB")}`);
  const cold = Object.fromEntries(
    Object.entries(extra.cold_start).map(([store, c]) => [
      store,
      `${c.median_ms} ms (runs ${c.runs_ms.join(", ")})`,
    ]),
  );
  const collections = Object.values(extra.cold_start)[0]?.collections;
  console.log(`cold start to healthy (${collections ?? 50} collections): ${perStore(cold, "")}`);
  const sizes = extra.list_by_size;
  if (sizes) {
    console.log(`list latency by table size (${sizes.store}, ${sizes.note}):`);
    for (const s of sizes.sizes) {
      console.log(
        `  ${s.rows.toLocaleString("en-US").padStart(9)} orders: p50 ${s.p50_ms.toFixed(2)} ms, ` +
          `p99 ${s.p99_ms.toFixed(2)} ms, ${s.rps} req/s`,
      );
    }
  } else {
    console.log("list latency by table size: n/a");
  }
  console.log("");
}

/** Writes bench/results/latest.json: {node, cpus, scenarios: [rows], extra?}. */
export function writeLatest(rows, extra) {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = new URL("latest.json", RESULTS_DIR);
  const report = {
    node: process.version,
    cpus: availableParallelism(),
    scenarios: rows,
    ...(extra ? { extra } : {}),
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return file.pathname;
}
