// Bundles the compiled server (dist/, from tsc) into dist/bundle/: the CLI entry and the public API
// entry, with shared chunks and the lazily loaded parts in chunks of their own. Node keeps a record
// per loaded ES module; the query builder alone is ~1,000 small modules, so loading the server as
// a few files saves ~18 MB of idle memory and some start-up time. Packages with native code, and
// the ones loaded only when a feature is used (S3, PostgreSQL, Redis, image thumbnails, …), stay
// external and load from node_modules as before.
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

/** Pure-JavaScript packages loaded at every start: these go into the bundle. */
const BUNDLED = new Set([
  "kysely",
  "fastify",
  "commander",
  "@fastify/cors",
  "@fastify/busboy",
  "@fastify/websocket",
]);
// pino stays external: its transports resolve worker files next to its own sources.
const external = [...Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name)), "pino"];

// Chunk names carry content hashes: clear the old ones rather than let them pile up.
rmSync(`${root}dist/bundle`, { recursive: true, force: true });
await build({
  entryPoints: { main: `${root}dist/cli/main.js`, index: `${root}dist/index.js` },
  outdir: `${root}dist/bundle`,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  // Bundled CommonJS packages call require(); in an ES module it has to be made.
  banner: {
    js: 'import { createRequire as __backroomCreateRequire } from "node:module"; const require = __backroomCreateRequire(import.meta.url);',
  },
  // Maps are written but not loaded by default (NODE_OPTIONS=--enable-source-maps to use them).
  sourcemap: "linked",
  // V8 keeps every module's source text in memory for as long as the server runs. Without
  // whitespace and comments it is about half the size, and ASCII only: a single "…" in a comment
  // made V8 store the whole 2 MB chunk at two bytes per character. Names stay as written, so
  // stack traces and profiles read as before.
  minifyWhitespace: true,
  minifySyntax: true,
  charset: "ascii",
  legalComments: "linked",
  logLevel: "warning",
});
