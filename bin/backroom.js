#!/usr/bin/env node
// The bundled build (scripts/bundle-server.mjs): same code as dist/cli/main.js, fewer files to load.
import { main } from "../dist/bundle/main.js";

main(process.argv).then(
  (code) => {
    if (typeof code === "number") process.exitCode = code;
  },
  (err) => {
    console.error(`backroom: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
