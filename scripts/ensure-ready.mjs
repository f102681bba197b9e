// Makes a fresh clone runnable: installs dependencies when they are missing or stale,
// then compiles TypeScript and builds the admin UI when their sources are newer than the build.
// Used by npm start/test/bench.
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const run = (cmd) => execSync(cmd, { cwd: root, stdio: "inherit" });

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

const installedMarker = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");
if (!existsSync(installedMarker) || statSync(lock).mtimeMs > statSync(installedMarker).mtimeMs) {
  console.error("[backroom] installing dependencies…");
  // `npm install` (not `npm ci`): it follows the lock file too, but tolerates the optional
  // platform packages that npm leaves out of locks written on another platform.
  run("npm install --no-audit --no-fund");
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
if (buildStale) {
  console.error("[backroom] building…");
  run("npx tsc -p tsconfig.build.json");
  run("node scripts/bundle-server.mjs");
}

const adminMarker = join(root, "dist", "admin-ui", "index.html");
const adminChanged =
  !existsSync(adminMarker) ||
  Math.max(newestMtime(join(root, "admin")), statSync(lock).mtimeMs) > statSync(adminMarker).mtimeMs;
if (adminChanged) {
  console.error("[backroom] building the admin UI…");
  run("node admin/build.mjs");
}
