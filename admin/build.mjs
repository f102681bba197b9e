// Builds the admin UI into dist/admin (npm run build:admin; ensure-ready.mjs runs it when the
// sources changed). tsc writes the server's compiled src/admin into the same folder, so only
// what this build owns is cleared first: index.html and the hashed assets of the previous build.
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

// Always a production build (minified, no JSX debug info), even when started from a test run
// whose NODE_ENV is "test": Vite keys both off NODE_ENV.
process.env.NODE_ENV = "production";
const out = fileURLToPath(new URL("../dist/admin/", import.meta.url));
rmSync(`${out}assets`, { recursive: true, force: true });
rmSync(`${out}index.html`, { force: true });
await build({ configFile: fileURLToPath(new URL("vite.config.ts", import.meta.url)), logLevel: "warn" });
