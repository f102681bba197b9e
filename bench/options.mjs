// Command-line flags and the sizes and durations each mode implies.
import { parseArgs } from "node:util";

const MODES = {
  // Numbers worth comparing between commits: 100k orders, long enough runs for a stable median.
  full: { orders: 100_000, customers: 1_000, warmupSeconds: 3, runSeconds: 10, runs: 3 },
  // The same picture in a few minutes.
  quick: { orders: 10_000, customers: 1_000, warmupSeconds: 2, runSeconds: 5, runs: 3 },
  // CI: proves the harness works end to end; the numbers mean nothing.
  smoke: { orders: 2_000, customers: 200, warmupSeconds: 0.5, runSeconds: 1.5, runs: 1 },
};

const HELP = `npm run bench -- [--quick | --smoke] [--stores sqlite,postgres] [--scenarios get-one,list]
  --quick        10,000 orders, 3 × 5 s runs per scenario
  --smoke        2,000 orders, one short run per scenario (CI: fails only when the harness breaks)
  --stores       which stores to measure (default: sqlite,postgres)
  --scenarios    which scenarios to run (default: all)
  --connections  concurrent connections of the load generator (default: 16)
  --profile      start Backroom with --cpu-prof; profiles land in bench/results/profiles/`;

export function readOptions(argv, knownScenarios) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      smoke: { type: "boolean", default: false },
      stores: { type: "string", default: "sqlite,postgres" },
      scenarios: { type: "string", default: knownScenarios.join(",") },
      connections: { type: "string", default: "16" },
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
  const scenarios = list(values.scenarios);
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
  return { mode, ...MODES[mode], stores, scenarios, connections, profile: values.profile };
}
