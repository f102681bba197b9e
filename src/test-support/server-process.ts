import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "backroom.js");

/** Builds dist/ when the sources are newer: server processes run the compiled code. */
export function ensureBuilt(): void {
  execFileSync(process.execPath, [join(ROOT, "scripts", "ensure-ready.mjs")], {
    cwd: ROOT,
    stdio: "pipe",
    timeout: 170_000,
  });
}

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
}

/**
 * `backroom serve` as its own OS process (a second node, a server to SIGKILL), on a free port;
 * resolves once it listens. The test's own BACKROOM_* variables are not passed on, `env` is.
 */
export function serveProcess(args: string[], env: Record<string, string> = {}): Promise<SpawnedServer> {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("BACKROOM_")) childEnv[k] = v;
  Object.assign(childEnv, { BACKROOM_LOG_LEVEL: "silent" }, env);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--http", "127.0.0.1:0", ...args], {
      cwd: ROOT,
      env: childEnv,
    });
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start: ${output}`));
    }, 20_000);
    child.stdout?.on("data", (d) => {
      output += d;
      const listening = /http:\/\/127\.0\.0\.1:\d+/.exec(output);
      if (listening) {
        clearTimeout(timer);
        resolve({ child, url: listening[0] });
      }
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${code}): ${output}`));
    });
  });
}

/** SIGKILL, resolved once the process is gone. */
export function killProcess(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}
