// Makes a fresh clone runnable: installs dependencies when they are missing or stale,
// then compiles TypeScript and builds the admin UI when their sources are newer than the build.
// Used by npm start/test/bench. Each step says what it does and how long it took, so a first
// start on a small machine (native modules compile for minutes) never looks hung; a failed step
// says which one and what to try.
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const say = (line) => console.error(`[backroom] ${line}`);

/**
 * Runs one named step with its output shown; while it runs, a line every 20 s says it is still
 * going. On failure prints the step, its exit status and a hint, then exits.
 */
async function step(name, hint, command, args) {
  const t0 = Date.now();
  say(`${name}…`);
  const heartbeat = setInterval(() => say(`  still ${name} (${seconds(Date.now() - t0)})…`), 20_000);
  const status = await new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: "inherit" });
    child.on("error", (err) => resolve(err.message));
    child.on("exit", (code, signal) => resolve(code === 0 ? 0 : `exit code ${code ?? signal}`));
  });
  clearInterval(heartbeat);
  if (status !== 0) {
    say(`FAILED: ${name} (${status}, after ${seconds(Date.now() - t0)}).`);
    say(hint);
    process.exit(1);
  }
  say(`${name}: done in ${seconds(Date.now() - t0)}`);
}

const npm = process.platform === "win32" ? "npm.cmd" : "npm";
const installedMarker = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
if (!existsSync(installedMarker) || statSync(lock).mtimeMs > statSync(installedMarker).mtimeMs) {
  say(
    "step 1/3: installing dependencies with npm. Native modules (SQLite, password hashing, images) " +
      "are fetched prebuilt where possible and compiled otherwise; on a small machine that can take " +
      "several minutes.",
  );
  // `npm install` (not `npm ci`): it follows the lock file too, but tolerates the optional
  // platform packages that npm leaves out of locks written on another platform.
  // --foreground-scripts shows native builds as they run instead of a silent wait.
  await step(
    "installing dependencies",
    "Check the network connection to the npm registry and that Node.js >= 20 and a C++ toolchain " +
      "(python3, make, g++) are installed, then run the command again. Details are above.",
    npm,
    ["install", "--no-audit", "--no-fund", "--foreground-scripts"],
  );
}

// The build is fresh when what tsc writes (dist/index.js) and what the bundler writes from it
// (dist/bundle/: main.js is what `npm start` runs, index.js what hooks import) are all newer than
// the sources: a tsc run without the bundling after it leaves a stale bundle.
const builtMarkers = ["index.js", "bundle/main.js", "bundle/index.js"].map((p) => join(root, "dist", p));
const sourcesMtime = Math.max(
  newestMtime(join(root, "src")),
  ...["tsconfig.json", "tsconfig.build.json", "scripts/bundle-server.mjs"].map(
    (p) => statSync(join(root, p)).mtimeMs,
  ),
);
const buildStale = builtMarkers.some(
  (marker) => !existsSync(marker) || statSync(marker).mtimeMs < sourcesMtime,
);
const tscHint =
  "The TypeScript sources do not compile: the errors are above. On a fresh clone this should not " +
  "happen; run `git status` to see local changes.";
if (buildStale) {
  await step("step 2/3: compiling the server (TypeScript)", tscHint, process.execPath, [
    join(root, "node_modules", "typescript", "bin", "tsc"),
    "-p",
    "tsconfig.build.json",
  ]);
  await step(
    "step 2/3: bundling the server",
    "Bundling failed (details above); try `rm -rf dist` and run the command again.",
    process.execPath,
    ["scripts/bundle-server.mjs"],
  );
}

const adminMarker = join(root, "dist", "admin-ui", "index.html");
const adminChanged =
  !existsSync(adminMarker) ||
  Math.max(newestMtime(join(root, "admin")), statSync(lock).mtimeMs) > statSync(adminMarker).mtimeMs;
if (adminChanged) {
  await step(
    "step 3/3: building the admin UI",
    "The admin UI did not build (details above); the API works without it: `node bin/backroom.js serve`.",
    process.execPath,
    ["admin/build.mjs"],
  );
}
if (Date.now() - started > 1000) say(`ready in ${seconds(Date.now() - started)}`);
