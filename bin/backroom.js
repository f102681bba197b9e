#!/usr/bin/env node
import { main } from "../dist/cli/main.js";

main(process.argv).then(
  (code) => {
    if (typeof code === "number") process.exitCode = code;
  },
  (err) => {
    console.error(`backroom: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
