// The CI gate on CPU work per request: instructions per request (bench/instructions.mjs, callgrind)
// for get-one, list and create on SQLite, against bench/instructions-baseline.json. Instruction
// counts hold on a busy machine where req/s does not, so a rise over 5% is a regression: the gate
// fails, unless the commit under test changed the baseline file itself and says why in its
// `reason` (a feature that costs work on purpose, a Node upgrade).
// Usage: node bench/instructions-gate.mjs            compare (exit 1 on a rise over the tolerance)
//        node bench/instructions-gate.mjs --update --reason "why"   measure and write the baseline
// Uses dist/ as it is (`npm run build` first).
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const root = new URL("..", import.meta.url).pathname;
const BASELINE = "bench/instructions-baseline.json";
const TOLERANCE = 0.05;
/** Fixed here, so that the baseline and every gate run measure the same way. */
const MEASURE = [
  ...["--scenario", "get-one,list,create", "--json"],
  ...["--warmup", "500", "--windows", "5", "--requests", "300"],
];

const { values } = parseArgs({
  options: { update: { type: "boolean", default: false }, reason: { type: "string" } },
});

function measure() {
  const out = execFileSync(process.execPath, [`${root}bench/instructions.mjs`, ...MEASURE], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    timeout: 60 * 60_000,
  });
  const line = out.trim().split("\n").at(-1);
  const { node, results } = JSON.parse(line);
  return {
    node,
    counts: Object.fromEntries(results.map((r) => [r.scenario, r.instructions_per_request])),
  };
}

/** Whether the commit checked out (HEAD) changed the baseline file: its own, deliberate update. */
function baselineChangedInHead() {
  const git = (args) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  try {
    git(["rev-parse", "--verify", "HEAD^"]); // a shallow clone's only commit would list every file
    const changed = execFileSync("git", ["diff-tree", "--no-commit-id", "--name-only", "-r", "HEAD"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    });
    return changed.split("\n").includes(BASELINE);
  } catch {
    return false; // no git history (an unpacked tarball): no exemption
  }
}

if (values.update) {
  if (!values.reason?.trim()) {
    console.error("instructions-gate: --update needs --reason: say why the work per request changed");
    process.exit(2);
  }
  const { node, counts } = measure();
  const file = {
    reason: values.reason.trim(),
    node,
    measured: new Date().toISOString().slice(0, 10),
    tolerance: TOLERANCE,
    instructions_per_request: counts,
  };
  writeFileSync(`${root}${BASELINE}`, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`instructions-gate: wrote ${BASELINE}: ${JSON.stringify(counts)}`);
  process.exit(0);
}

if (!existsSync(`${root}${BASELINE}`)) {
  console.error(`instructions-gate: FAILED: no ${BASELINE}; record one with --update --reason "…"`);
  process.exit(1);
}
const baseline = JSON.parse(readFileSync(`${root}${BASELINE}`, "utf8"));
const { node, counts } = measure();
if (node !== baseline.node)
  console.log(`instructions-gate: note: baseline measured on Node ${baseline.node}, this is ${node}`);
const rises = [];
for (const [scenario, expected] of Object.entries(baseline.instructions_per_request)) {
  const got = counts[scenario];
  const change = got / expected - 1;
  const sign = change >= 0 ? "+" : "";
  console.log(
    `instructions-gate: ${scenario.padEnd(8)} ${got.toLocaleString("en-US").padStart(11)} per request, ` +
      `baseline ${expected.toLocaleString("en-US").padStart(11)} (${sign}${(change * 100).toFixed(1)}%)`,
  );
  if (!(change <= TOLERANCE)) rises.push(`${scenario} ${sign}${(change * 100).toFixed(1)}%`);
  else if (change < -TOLERANCE)
    console.log(`instructions-gate: ${scenario} got cheaper: update the baseline so the gate keeps the gain`);
}
if (rises.length === 0) {
  console.log(`instructions-gate: ok, no rise over ${TOLERANCE * 100}%`);
} else if (baselineChangedInHead() && String(baseline.reason ?? "").trim() !== "") {
  console.log(
    `instructions-gate: ${rises.join(", ")} over the baseline, accepted: this commit updates ` +
      `${BASELINE} ("${baseline.reason}")`,
  );
} else {
  console.error(
    `instructions-gate: FAILED: ${rises.join(", ")} more instructions per request than ${BASELINE} ` +
      `(tolerance ${TOLERANCE * 100}%). Find what got slower (npm run bench:instructions, --cpu-prof), ` +
      `or if the cost is meant, update the baseline in the same commit: ` +
      `node bench/instructions-gate.mjs --update --reason "…"`,
  );
  process.exit(1);
}
