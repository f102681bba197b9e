// Full-text search latency (issue #21 point 1): `--rows` records (default 1,000,000) with a
// searchable title (4 words) and body (30 words) drawn from a 5,000-word vocabulary with a skewed
// (Zipf-like) frequency, written through the bulk insert path (so the search index is filled by its
// own triggers / generated column, as writes do), then one client asks, one request at a time:
//   - list:   a page without filter (the floor: what any list costs);
//   - like:   `title ~ 'word'` (what a search was before full-text search; a scan, few requests);
//   - rare / medium / common: `?search=` of one word matched by ~0.01% / ~1% / ~20% of the rows;
//   - two words, prefix (`wo*`), and common word with `sort=-@rank` (ranking every match).
// Each prints p50/p99 in ms and its ratio to `list` in the same run, with the load average.
//
//   npm run build && node bench/search.mjs [--stores sqlite,postgres] [--rows 1000000] [--requests 200]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import PocketBase from "pocketbase";
import { openBulkInserter } from "./bulk-insert.mjs";
import { createStore } from "./stores.mjs";
import { serveAsSuperuser } from "./superuser-server.mjs";

const { values: args } = parseArgs({
  options: {
    stores: { type: "string", default: "sqlite,postgres" },
    rows: { type: "string", default: "1000000" },
    requests: { type: "string", default: "200" },
  },
});
const ROWS = Number(args.rows);
const REQUESTS = Number(args.requests);
const VOCABULARY = 5000;
const BATCH = 10_000;

const loadAverage = () => readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");

/** Deterministic pseudo-random numbers (mulberry32), so both stores hold the same rows. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po", "de", "fa", "gu", "he", "jo", "ve", "zu"];
/** Word i of the vocabulary: three syllables, distinct for every i < 15³. */
function word(i) {
  const n = SYLLABLES.length;
  return `${SYLLABLES[i % n]}${SYLLABLES[Math.floor(i / n) % n]}${SYLLABLES[Math.floor(i / n / n) % n]}`;
}

/** Word rank 0 is the most frequent; rank r appears about 1/(r+1)^1.1 as often. */
function zipfPicker(rand) {
  const weights = Array.from({ length: VOCABULARY }, (_, r) => 1 / (r + 1) ** 1.1);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = [];
  let sum = 0;
  for (const w of weights) {
    sum += w / total;
    cumulative.push(sum);
  }
  return () => {
    const u = rand();
    let lo = 0;
    let hi = VOCABULARY - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return word(lo);
  };
}

async function seed(connection, name) {
  const rand = random(21);
  const pick = zipfPicker(rand);
  const words = (n) => Array.from({ length: n }, pick).join(" ");
  const inserter = await openBulkInserter(connection);
  const now = new Date().toISOString().replace("T", " ");
  const started = performance.now();
  let rows = [];
  for (let i = 0; i < ROWS; i++) {
    rows.push([`s${String(i).padStart(14, "0")}`, words(4), `<p>${words(30)}</p>`, now, now]);
    if (rows.length === BATCH || i === ROWS - 1) {
      await inserter.insert(name, ["id", "title", "body", "created", "updated"], rows);
      rows = [];
    }
  }
  await inserter.analyze([name]);
  await inserter.close();
  return performance.now() - started;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function measure(client, name, query, requests) {
  const times = [];
  let total = 0;
  for (let i = 0; i < requests; i++) {
    const started = performance.now();
    const page = await client.collection(name).getList(1, 20, query);
    times.push(performance.now() - started);
    total = page.totalItems;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), total };
}

async function run(kind) {
  const store = createStore(kind);
  const server = await serveAsSuperuser(store.flags);
  try {
    const name = "recipes";
    await server.pb.collections.create({
      name,
      type: "base",
      fields: [
        { name: "title", type: "text", searchable: true },
        { name: "body", type: "editor", searchable: true, maxSize: 100000 },
        { name: "created", type: "autodate", onCreate: true },
        { name: "updated", type: "autodate", onCreate: true, onUpdate: true },
      ],
      listRule: "",
    });
    const seedMs = await seed(store.connection, name);
    console.log(
      `${kind}: seeded ${ROWS} rows (index kept by the store) in ${(seedMs / 1000).toFixed(1)} s; load average ${loadAverage()}`,
    );
    const guest = new PocketBase(server.url);
    guest.autoCancellation(false);
    // The seed leaves the pooled connections idle past the server's keep-alive: the first writes on
    // them may hit closed sockets (EPIPE), so warm-up requests are retried until one gets through.
    for (let attempt = 1; ; attempt++) {
      try {
        await guest.collection(name).getList(1, 1, { skipTotal: true });
        break;
      } catch (err) {
        if (attempt === 10) throw err;
      }
    }
    const few = Math.max(3, Math.round(REQUESTS / 20));
    const cases = [
      ["list (baseline)", { skipTotal: true }, REQUESTS],
      [`like: title ~ '${word(200)}'`, { filter: `title ~ '${word(200)}'`, skipTotal: true }, few],
      [`rare word ${word(4000)}`, { search: word(4000) }, REQUESTS],
      [`medium word ${word(200)}`, { search: word(200) }, REQUESTS],
      [`common word ${word(0)}`, { search: word(0), skipTotal: true }, REQUESTS],
      [`two words ${word(3)} ${word(40)}`, { search: `${word(3)} ${word(40)}` }, REQUESTS],
      [
        `prefix ${word(200).slice(0, 4)}*`,
        { search: `${word(200).slice(0, 4)}*`, skipTotal: true },
        REQUESTS,
      ],
      [
        `medium word, sort=-@rank`,
        { search: word(200), sort: "-@rank", skipTotal: true },
        Math.max(3, Math.round(REQUESTS / 4)),
      ],
      [`common word, sort=-@rank`, { search: word(0), sort: "-@rank", skipTotal: true }, few],
    ];
    let baseline = 1;
    for (const [label, query, requests] of cases) {
      const r = await measure(guest, name, query, requests);
      if (label === "list (baseline)") baseline = r.p99;
      console.log(
        `${kind} ${label}: p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (${(r.p99 / baseline).toFixed(1)}× list) over ${requests} requests${r.total >= 0 ? `, ${r.total} matches` : ""}; load average ${loadAverage()}`,
      );
    }
  } catch (err) {
    console.error(`${kind}: ${err.message}; server: ${JSON.stringify(server.state())}`);
    throw err;
  } finally {
    if (server.state().exitCode === null && server.state().signal === null) await server.stop();
    await store.cleanup();
  }
}

for (const kind of args.stores.split(",")) await run(kind);
