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
export async function waitForHealth(child, url, timeoutMs = 30_000) {
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
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.label} did not answer ${url} within ${timeoutMs / 1000}s: ${child.output.trim()}`);
}

/** Stops a child with SIGTERM (servers drain and, under --cpu-prof, write their profile), then SIGKILL. */
export function stop(child, graceMs = 5000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
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
