// Child processes of the benchmark: started pinned to a CPU, tracked, and always killed on the way out.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";

const children = new Set();
const hasTaskset = spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

/** CPU pinning is best effort: macOS and minimal containers have no taskset. */
export const pinning = hasTaskset ? "taskset" : "none";

/**
 * Spawns `node args…`, pinned to `cpu` when taskset exists. taskset execs the command, so the
 * child's pid is node's own pid (which /proc/<pid>/status and kill() rely on).
 */
export function startNode(args, { cpu, cwd, env, label, stdio = ["ignore", "pipe", "pipe"] } = {}) {
  const [command, argv] =
    hasTaskset && cpu !== undefined
      ? ["taskset", ["-c", String(cpu), process.execPath, ...args]]
      : [process.execPath, args];
  const child = spawn(command, argv, { cwd, env: { ...process.env, ...env }, stdio });
  child.label = label ?? args[0];
  child.output = "";
  // Keep the last bit of output so a failed start can say why.
  const keep = (chunk) => {
    child.output = (child.output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  children.add(child);
  child.once("exit", () => children.delete(child));
  return child;
}

/** Runs `node args…` to completion; rejects with its output when it fails. */
export function runNode(args, { cwd, env, label, timeoutMs = 60_000 } = {}) {
  const child = startNode(args, { cwd, env, label });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(child.output);
      else reject(new Error(`${child.label} failed (${signal ?? `exit ${code}`}): ${child.output.trim()}`));
    });
  });
}

/** Asks the OS for a free TCP port on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `GET url` until it answers 200; fails early when the child dies. */
export async function waitForHealth(child, url, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${child.label} exited before it was ready: ${child.output.trim()}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`${child.label} did not answer ${url} within ${timeoutMs / 1000}s: ${child.output.trim()}`);
}

/** Stops a child with SIGTERM (servers drain and, under --cpu-prof, write their profile), then SIGKILL. */
export function stop(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  resume(child); // a stopped process would not see SIGTERM
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Last resort on exit: synchronous, so it also works from process.on("exit"). */
export function killAll() {
  for (const child of children) child.kill("SIGKILL");
}

const alive = (child) => child && child.exitCode === null && child.signalCode === null;

/**
 * Freezes a server (SIGSTOP) while the other one is measured: Backroom's background work (the
 * outbox dispatcher picking up the baseline's writes, timers) must not run on the measured CPU.
 */
export function pause(child) {
  if (alive(child) && !child.paused) {
    child.kill("SIGSTOP");
    child.paused = true;
  }
}

export function resume(child) {
  if (alive(child) && child.paused) {
    child.kill("SIGCONT");
    child.paused = false;
  }
}

/**
 * A `/proc/<pid>/stat` (or `/proc/<pid>/task/<tid>/stat`) file: the command name, and the user and
 * system CPU time used so far in clock ticks. Fields are counted after the name, which is in
 * parentheses and may contain spaces.
 */
export function readStat(path) {
  const stat = readFileSync(path, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return {
    name: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")),
    user: Number(fields[11]),
    system: Number(fields[12]),
  };
}

/** CPU time (user + system, in clock ticks) a process has used so far; undefined off Linux. */
function cpuTicks(pid) {
  try {
    const { user, system } = readStat(`/proc/${pid}/stat`);
    return user + system;
  } catch {
    return undefined;
  }
}

/**
 * Waits until a process has been (nearly) idle for `quietMs`, at most `maxMs`: after a resume it
 * may first catch up on work that piled up (e.g. outbox events of the baseline's writes), which
 * must not land in its next measurement.
 */
export async function waitIdle(pid, { quietMs = 300, maxMs = 5000 } = {}) {
  const deadline = Date.now() + maxMs;
  let last = cpuTicks(pid);
  if (last === undefined) return;
  let quietSince = Date.now();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const now = cpuTicks(pid);
    if (now === undefined) return;
    // One tick (10 ms) per 100 ms is timers and GC; more is real work.
    if (now - last > 1) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) return;
  }
}

/** Resident memory of a process in MiB, from /proc (Linux only; undefined elsewhere). */
export function rssMiB(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}
