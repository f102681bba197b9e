import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command } from "commander";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { schemaSdl } from "../graphql/sdl.js";
import { writeDocumentFile } from "../openapi/render.js";
import { generateTypes } from "../typegen/generate-types.js";
import { pocketbaseResolvesFrom } from "../typegen/sdk-available.js";
import { storeOptions } from "./store-options.js";

interface TypegenOptions {
  dir?: string;
  db?: string;
  dbSchema?: string;
  out?: string;
  graphql?: string;
  sdk?: boolean;
  openapi?: string;
  openapiSuperuser?: boolean;
}

export function typegenCommand(): Command {
  return storeOptions(
    new Command("typegen")
      .description(
        "write TypeScript types for every collection's records (and the GraphQL schema, the OpenAPI document)",
      )
      .option("--out <file>", "the .ts file to write")
      .option("--graphql <file>", "the GraphQL schema (SDL) file to write")
      .option("--sdk", "add TypedPocketBase for the pocketbase SDK (default: when the SDK is installed)")
      .option("--no-sdk", "leave the pocketbase SDK type out")
      .option(
        "--openapi <file>",
        "also write the OpenAPI 3.1 document (.yaml/.yml: YAML, else JSON) as apps see it",
      )
      .option(
        "--openapi-superuser",
        "write the superuser's document instead (every collection, the admin APIs)",
      ),
  ).action(async (opts: TypegenOptions) => {
    if (!opts.out && !opts.graphql && !opts.openapi)
      throw new Error("Give --out <file.ts>, --graphql <file.graphql> or --openapi <file>, or several.");
    const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
    try {
      const collections = services.registry.all();
      if (opts.out) {
        const out = resolve(opts.out);
        const sdk = opts.sdk ?? pocketbaseResolvesFrom(dirname(out));
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, generateTypes(collections, { sdk }));
        process.stdout.write(`Wrote types for ${collections.length} collections to ${out}\n`);
      }
      if (opts.graphql) {
        const out = resolve(opts.graphql);
        mkdirSync(dirname(out), { recursive: true });
        writeFileSync(out, schemaSdl(collections));
        process.stdout.write(`Wrote the GraphQL schema of ${collections.length} collections to ${out}\n`);
      }
      if (opts.openapi) {
        const title = (await services.settings.get()).meta.appName;
        const version = services.registry.loadedVersion;
        await writeDocumentFile(resolve(opts.openapi), collections, {
          superuser: !!opts.openapiSuperuser,
          title,
          version,
        });
        process.stdout.write(`Wrote the OpenAPI document to ${resolve(opts.openapi)}\n`);
      }
    } finally {
      await services.store.close();
    }
  });
}
