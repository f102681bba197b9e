// Builds the admin UI into dist/admin-ui (npm run build:admin; ensure-ready.mjs runs it when the
// sources changed). The folder is the UI's alone (tsc writes the server into dist/ beside it).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

// Always a production build (minified, no JSX debug info), even when started from a test run
// whose NODE_ENV is "test": Vite keys both off NODE_ENV.
process.env.NODE_ENV = "production";
const out = fileURLToPath(new URL("../dist/admin-ui/", import.meta.url));
// Vite strips types without checking them: check first, so a type error fails the build.
execFileSync(
  process.execPath,
  [
    fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url)),
    "-p",
    fileURLToPath(new URL("tsconfig.json", import.meta.url)),
  ],
  { stdio: "inherit" },
);
rmSync(out, { recursive: true, force: true });
await build({ configFile: fileURLToPath(new URL("vite.config.ts", import.meta.url)), logLevel: "warn" });
