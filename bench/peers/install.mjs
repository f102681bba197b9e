// Installs a peer's npm packages into a cache folder outside the repository, once: a second run
// finds the same packages (and the same Node ABI, for native modules) and skips npm entirely.
// Outside the repository, so no linter, type checker or test runner of ours ever walks them.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const INSTALL_TIMEOUT_MS = 30 * 60_000; // a cold Directus install compiles sqlite3 and isolated-vm
const MARKER = ".backroom-peer.json";

/** Where peers are installed: $BACKROOM_PEERS_DIR, else the user's cache folder. */
export function peersCacheDir(env = process.env) {
  if (env.BACKROOM_PEERS_DIR) return env.BACKROOM_PEERS_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "backroom-bench-peers");
}

/** What an install must match to be reused: the package specs and the ABI native modules were built for. */
function fingerprint(packages) {
  return JSON.stringify({ packages: [...packages].sort(), abi: process.versions.modules });
}

let running;

/** Kills an install in flight (on Ctrl-C; it writes no marker, so the next run starts over). */
export function stopInstall() {
  running?.kill("SIGTERM");
}

/** Runs `npm install` in `dir`; its output goes to install.log there, the tail into the error. */
function npmInstall(dir, packages) {
  const args = ["install", "--no-audit", "--no-fund", ...packages];
  return new Promise((resolve, reject) => {
    const child = spawn("npm", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    running = child;
    let output = "";
    const keep = (chunk) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), INSTALL_TIMEOUT_MS);
    child.once("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`npm could not start: ${err.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      running = undefined;
      writeFileSync(join(dir, "install.log"), output);
      if (code === 0) return resolve();
      // npm's own summary ("npm error …" lines) says why; the rest is noise.
      const reason = output
        .split("\n")
        .filter((line) => line.startsWith("npm error"))
        .slice(0, 6)
        .join(" | ");
      reject(new Error(`npm install ${packages.join(" ")} failed (${signal ?? `exit ${code}`}): ${reason}`));
    });
  });
}

/**
 * The folder holding `packages` installed for the peer `name`, installing them first when the
 * cache has none or different ones. Returns `{ dir, cached }`.
 */
export async function installPeer(name, packages, { cacheDir = peersCacheDir(), log = () => {} } = {}) {
  const dir = join(cacheDir, name);
  const marker = join(dir, MARKER);
  const wanted = fingerprint(packages);
  if (
    existsSync(marker) &&
    readFileSync(marker, "utf8") === wanted &&
    existsSync(join(dir, "node_modules"))
  ) {
    return { dir, cached: true };
  }
  // Anything else in the folder is a stale or half-finished install: start over.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name: `bench-peer-${name}`, private: true })}\n`,
  );
  log(`installing ${packages.join(" ")} into ${dir} (once; later runs reuse it)`);
  await npmInstall(dir, packages);
  writeFileSync(marker, wanted);
  return { dir, cached: false };
}
