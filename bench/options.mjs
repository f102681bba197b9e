// Command-line flags and the sizes and durations each mode implies.
import { parseArgs } from "node:util";

// Each server first gets `serverWarmupSeconds` of reads (JIT, caches), then per scenario a warm-up
// run and `runs` measured runs. Eight scenarios × two servers × two stores = 32 measurements,
// which is what sets the durations of the short modes.
const MODES = {
  // Numbers worth comparing between commits: 100k orders, long enough runs for a stable median.
  full: {
    orders: 100_000,
    customers: 1_000,
    serverWarmupSeconds: 5,
    warmupSeconds: 3,
    runSeconds: 10,
    runs: 3,
    idleQuietMs: 500,
    coldStart: { collections: 50, runs: 3 },
    listSizes: [10_000, 1_000_000],
  },
  // The same picture in under 3 minutes for both stores: short runs, medians of 3.
  quick: {
    orders: 10_000,
    customers: 1_000,
    serverWarmupSeconds: 1,
    warmupSeconds: 0.5,
    runSeconds: 0.8,
    runs: 3,
    idleQuietMs: 200,
    coldStart: { collections: 50, runs: 3 },
    listSizes: [10_000, 100_000],
  },
  // CI: proves the harness works end to end (every scenario and extra, briefly); numbers mean nothing.
  smoke: {
    orders: 2_000,
    customers: 200,
    serverWarmupSeconds: 0,
    warmupSeconds: 0.25,
    runSeconds: 0.75,
    runs: 1,
    idleQuietMs: 200,
    coldStart: { collections: 50, runs: 1 },
    listSizes: [2_000, 10_000],
  },
};

const HELP = `npm run bench -- [--quick | --smoke] [--stores sqlite,postgres] [--scenarios get-one,list]
  --quick        10,000 orders, 0.5 s warm-up + 3 × 0.8 s runs per scenario and server (< 3 min)
  --smoke        2,000 orders, one short run per scenario (CI: fails only when the harness breaks)
  --stores       which stores to measure (default: sqlite,postgres)
  --scenarios    which scenarios to run (default: all): get-one, list, list-expand, graphql, create,
                 update, batch, auth, mixed
  --connections  concurrent connections of the load generator (default: 16)
  --extras       also run the extra measurements (the default unless --scenarios or --profile)
  --skip-extras  do not run them: cold start, list latency by table size
  --profile      start Backroom with --cpu-prof; profiles land in bench/results/profiles/`;

/** What the extra measurements do in a mode (see extras.mjs). */
export function extrasPlan(options) {
  const [small, large] = options.listSizes;
  const fmt = (n) => n.toLocaleString("en-US");
  const note =
    options.mode === "full"
      ? `${fmt(small)} vs ${fmt(large)} rows`
      : `${options.mode} mode: ${fmt(small)} vs ${fmt(large)} rows; full mode: 10,000 vs 1,000,000`;
  return {
    coldStart: options.coldStart,
    listBySize: {
      sizes: options.listSizes,
      customers: options.customers,
      note,
      load: {
        connections: options.connections,
        // A just-started server: the scenarios' longer first warm-up, in one run.
        warmupSeconds: options.warmupSeconds + options.serverWarmupSeconds,
        runSeconds: options.runSeconds,
        runs: options.runs,
      },
    },
  };
}

export function readOptions(argv, knownScenarios) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      stores: { type: "string", default: "sqlite,postgres" },
      scenarios: { type: "string" },
      connections: { type: "string", default: "16" },
      extras: { type: "boolean", default: false },
      "skip-extras": { type: "boolean", default: false },
      profile: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const list = (text) =>
    text
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  const stores = list(values.stores);
  const scenarios = values.scenarios === undefined ? knownScenarios : list(values.scenarios);
  for (const store of stores) {
    if (store !== "sqlite" && store !== "postgres") throw new Error(`unknown store "${store}"`);
  }
  for (const name of scenarios) {
    if (!knownScenarios.includes(name)) {
      throw new Error(`unknown scenario "${name}" (known: ${knownScenarios.join(", ")})`);
    }
  }
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error("--connections must be a positive integer");
  // --smoke wins over --quick: CI passes both.
  const mode = values.smoke ? "smoke" : values.quick ? "quick" : "full";
  const extras =
    !values["skip-extras"] && (values.extras || (values.scenarios === undefined && !values.profile));
  return { mode, ...MODES[mode], stores, scenarios, connections, profile: values.profile, extras };
}
