// What the fan-out benchmark reads about its processes (from /proc, Linux only) and how it sums up
// latencies.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux this runs on

/** CPU seconds (user + system) a process has used so far; undefined off Linux. */
export function cpuSeconds(pid) {
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Seconds the process's main thread (the event loop) has spent runnable but waiting for a CPU, from
 * /proc/<pid>/schedstat: time taken by other processes, which no change to the server can win back.
 */
export function runQueueWaitSeconds(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, "utf8").split(" ")[1]) / 1e9;
  } catch {
    return undefined;
  }
}

/** Share of one core each process used between two cpuSeconds readings over `wallMs`. */
export function cpuPercent(before, after, wallMs) {
  if (before === undefined || after === undefined || wallMs <= 0) return null;
  return Math.round(((after - before) * 100_000) / wallMs);
}

/** The open-files limit of a process: {soft, hard} (Infinity for "unlimited"), or undefined. */
export function fdLimit(pid) {
  try {
    const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"));
    const value = (s) => (s === "unlimited" ? Number.POSITIVE_INFINITY : Number(s));
    return line ? { soft: value(line[1]), hard: value(line[2]) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure a process may open `needed` files: raises its soft limit up to the hard one with
 * prlimit(1) when it is lower. Returns the limit it has afterwards (and whether it was raised).
 */
export function ensureFdLimit(pid, needed) {
  const limit = fdLimit(pid);
  if (!limit || limit.soft >= needed) return { ...limit, raised: false };
  const target = Math.min(limit.hard, Math.max(needed, limit.soft));
  const done = spawnSync("prlimit", [`--pid=${pid}`, `--nofile=${target}:${limit.hard}`], {
    stdio: "ignore",
  });
  return { ...fdLimit(pid), raised: done.status === 0 };
}

/** p50/p99/max of a list of numbers (nulls left out). */
export function summarize(values) {
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  const pick = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null;
  return { count: sorted.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? null };
}
