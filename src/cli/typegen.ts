import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { generateTypes } from "../typegen/generate-types.js";
import { pocketbaseResolvesFrom } from "../typegen/sdk-available.js";
import { storeOptions } from "./main.js";

interface TypegenOptions {
  dir?: string;
  db?: string;
  dbSchema?: string;
  out: string;
  sdk?: boolean;
}

export function typegenCommand(): Command {
  return storeOptions(
    new Command("typegen")
      .description("write TypeScript types for every collection's records")
      .requiredOption("--out <file>", "the .ts file to write")
      .option("--sdk", "add TypedPocketBase for the pocketbase SDK (default: when the SDK is installed)")
      .option("--no-sdk", "leave the pocketbase SDK type out"),
  ).action(async (opts: TypegenOptions) => {
    const out = resolve(opts.out);
    const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
    try {
      const collections = services.registry.all();
      const sdk = opts.sdk ?? pocketbaseResolvesFrom(dirname(out));
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, generateTypes(collections, { sdk }));
      process.stdout.write(`Wrote types for ${collections.length} collections to ${out}\n`);
    } finally {
      await services.store.close();
    }
  });
}
