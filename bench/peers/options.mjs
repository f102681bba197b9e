// Command-line flags of the peers benchmark and the sizes and durations each mode implies.
import { parseArgs } from "node:util";

export const PEER_NAMES = ["directus", "strapi", "parse"];

// The peers answer a few hundred to a few thousand requests a second: runs of a second already
// hold hundreds of requests, and each peer costs a fresh install check, a start and seeding.
const MODES = {
  // The default: the picture in a few minutes per peer (once installed).
  quick: {
    orders: 10_000,
    customers: 1_000,
    serverWarmupSeconds: 2,
    warmupSeconds: 1,
    runSeconds: 1,
    runs: 3,
  },
  // Numbers worth writing down: the main benchmark's full data set and run lengths.
  full: {
    orders: 100_000,
    customers: 1_000,
    serverWarmupSeconds: 5,
    warmupSeconds: 3,
    runSeconds: 10,
    runs: 3,
  },
};

const HELP = `npm run bench:peers -- [--full] [--peers directus,strapi,parse] [--connections 16]
  (default)      ${MODES.quick.orders.toLocaleString("en-US")} orders, ${MODES.quick.warmupSeconds} s warm-up + ${MODES.quick.runs} × ${MODES.quick.runSeconds} s runs per scenario and server
  --full         ${MODES.full.orders.toLocaleString("en-US")} orders, ${MODES.full.warmupSeconds} s warm-up + ${MODES.full.runs} × ${MODES.full.runSeconds} s runs
  --peers        which peers to measure (default: all): ${PEER_NAMES.join(", ")}
  --connections  concurrent connections of the load generator (default: 16)
Peers are installed once into $BACKROOM_PEERS_DIR (default: $XDG_CACHE_HOME or ~/.cache, then
backroom-bench-peers/); Parse Server needs PostgreSQL (BACKROOM_TEST_PG).`;

const list = (text) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Parses argv; throws on unknown peers or a bad connection count. `--help` prints and exits. */
export function readPeerOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      full: { type: "boolean", default: false },
      peers: { type: "string", default: PEER_NAMES.join(",") },
      connections: { type: "string", default: "16" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  const peers = list(values.peers);
  for (const name of peers) {
    if (!PEER_NAMES.includes(name))
      throw new Error(`unknown peer "${name}" (known: ${PEER_NAMES.join(", ")})`);
  }
  if (peers.length === 0) throw new Error(`--peers needs at least one of ${PEER_NAMES.join(", ")}`);
  const connections = Number(values.connections);
  if (!Number.isInteger(connections) || connections < 1)
    throw new Error("--connections must be a positive integer");
  const mode = values.full ? "full" : "quick";
  return { mode, ...MODES[mode], peers, connections };
}
