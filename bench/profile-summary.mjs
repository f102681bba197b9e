// Reads the .cpuprofile files a `--profile` run leaves behind and prints where the time went:
// self time (the function itself) and total time (with what it calls), mapped back to src/ lines.
// Usage: node bench/profile-summary.mjs [dir]   (default: bench/results/profiles)
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const TOP = Number(process.env.PROFILE_TOP ?? 20);
// Samples that are not work: waiting for I/O, and the profiler's own bookkeeping.
const NOT_WORK = new Set(["(idle)", "(program)"]);
const MAX_SAMPLE_MS = 10;

function profileFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return profileFiles(path);
    return entry.name.endsWith(".cpuprofile") ? [path] : [];
  });
}

const sourceMaps = new Map();
/** dist/x.js:line → src/x.ts:line when a source map is there, else the path relative to the repo. */
function location({ url, lineNumber, columnNumber }) {
  if (!url) return "(native)";
  const file = url.startsWith("file://") ? fileURLToPath(url) : url;
  if (!sourceMaps.has(file)) {
    let map = null;
    try {
      map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      // no map: node internals, dependencies
    }
    sourceMaps.set(file, map);
  }
  const map = sourceMaps.get(file);
  const entry = map?.findEntry(lineNumber, columnNumber);
  if (entry?.originalSource) {
    const source = entry.originalSource.startsWith("file://")
      ? fileURLToPath(entry.originalSource)
      : join(file, "..", entry.originalSource);
    return `${relative(root, source)}:${entry.originalLine + 1}`;
  }
  return `${file.startsWith(root) ? relative(root, file) : file}:${lineNumber + 1}`;
}

/** Where a frame's code lives (after source maps, so bundled packages count as themselves). */
function areaOf(callFrame) {
  if (!callFrame.url) return "native (GC, I/O, C++ bindings)";
  if (callFrame.url.startsWith("node:")) return "node core";
  const where = location(callFrame);
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(where);
  if (pkg) return `npm ${pkg[1]}`;
  const own = /^src\/([^/:]+)/.exec(where);
  return own ? `backroom src/${own[1]}` : where;
}

function summarize(file) {
  const profile = JSON.parse(readFileSync(file, "utf8"));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const key = (node) => `${node.callFrame.functionName || "(anonymous)"}  ${location(node.callFrame)}`;

  const self = new Map();
  const total = new Map();
  const areas = new Map();
  let all = 0;
  // PROFILE_SKIP_S: leave out the first seconds (start-up, seeding) to see only the load.
  const from = profile.startTime + Number(process.env.PROFILE_SKIP_S ?? 0) * 1e6;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    // A sample stands for the time since the previous one, capped: when the sampler itself was
    // held up (the machine busy, the process stopped), one sample can span seconds and would
    // otherwise pin that time on whatever function happened to run next.
    const ms = Math.min((profile.timeDeltas[i] ?? 0) / 1000, MAX_SAMPLE_MS);
    at += profile.timeDeltas[i] ?? 0;
    if (at < from) return;
    const node = byId.get(id);
    if (NOT_WORK.has(node.callFrame.functionName)) return;
    all += ms;
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
    self.set(key(node), (self.get(key(node)) ?? 0) + ms);
    // Count each function once per sample, however deep it recurses.
    const seen = new Set();
    for (let frame = id; frame !== undefined; frame = parent.get(frame)) {
      const k = key(byId.get(frame));
      if (!seen.has(k)) total.set(k, (total.get(k) ?? 0) + ms);
      seen.add(k);
    }
  });

  const print = (title, table, filter = () => true) => {
    console.log(`  ${title}`);
    const top = [...table].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]);
    for (const [k, ms] of top.slice(0, TOP)) {
      console.log(`  ${((ms / all) * 100).toFixed(1).padStart(5)}%  ${k}`);
    }
  };
  console.log(
    `\n[bench] profile ${relative(root, file)} (${(all / 1000).toFixed(1)} s of CPU work; idle excluded)`,
  );
  print("self time by area:", areas);
  print("self time:", self);
  // Total time is only telling for our own code; (root) and the event loop are always ~100%.
  print("total time, Backroom code:", total, (k) => k.includes(" src/"));
}

export function summarizeProfiles(dir) {
  const files = profileFiles(dir);
  if (files.length === 0) console.log(`[bench] no profiles in ${dir}`);
  for (const file of files) summarize(file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  summarizeProfiles(process.argv[2] ?? join(root, "bench/results/profiles"));
}
