import { createReadStream, createWriteStream } from "node:fs";
import { extname } from "node:path";
import { Readable, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command, Option } from "commander";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { ApiError } from "../errors/api-error.js";
import type { Services } from "../http/services.js";
import { exportRecords, parseExportFormat } from "../import-export/export-records.js";
import { type ImportFormat, type ImportReport, importRecords } from "../import-export/import-records.js";
import { systemContext } from "../records/request-context.js";
import { storeOptions } from "./store-options.js";

interface StoreOpts {
  dir?: string;
  db?: string;
  dbSchema?: string;
}

/** Opens the store (a running server may use it meanwhile), runs `fn`, closes everything. */
async function withServices(opts: StoreOpts, fn: (services: Services) => Promise<void>): Promise<void> {
  const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
  try {
    await fn(services);
  } catch (err) {
    if (err instanceof ApiError) throw new Error(err.message);
    throw err;
  } finally {
    await services.backups.close();
    await services.store.close();
    await services.files.close();
  }
}

/** A progress line on stderr at most twice a second, and the last one always. */
function throttled(print: () => string): { tick(): void; done(): void } {
  let last = 0;
  return {
    tick() {
      const now = Date.now();
      if (now - last < 500) return;
      last = now;
      process.stderr.write(`${print()}\n`);
    },
    done() {
      process.stderr.write(`${print()}\n`);
    },
  };
}

export function exportCommand(): Command {
  return storeOptions(
    new Command("export").description(
      "write a collection's records as CSV or NDJSON (hidden fields left out)",
    ),
  )
    .argument("<collection>", "collection name or id")
    .addOption(new Option("--format <format>", "csv or ndjson").choices(["csv", "ndjson"]).default("csv"))
    .option("--out <file>", "write here instead of stdout")
    .option("--filter <filter>", "only records matching this filter (the API's filter syntax)", "")
    .action((name: string, opts: StoreOpts & { format: string; out?: string; filter: string }) =>
      withServices(opts, async (services) => {
        const collection = services.records.collection(name);
        const format = parseExportFormat(opts.format);
        let rows = 0;
        const progress = throttled(() => `  ${collection.name}: ${rows} rows exported`);
        const deps = { store: services.store, records: services.records, registry: services.registry };
        const pieces = exportRecords(
          deps,
          collection,
          systemContext(),
          { format, filter: opts.filter },
          (n) => {
            rows = n;
            progress.tick();
          },
        );
        const out = opts.out ? createWriteStream(opts.out) : stdoutKeptOpen();
        await pipeline(Readable.from(pieces), out);
        progress.done();
      }),
    );
}

export function importCommand(): Command {
  return storeOptions(
    new Command("import").description(
      "create records from a CSV or NDJSON file, each row validated as an API create; exits 1 when rows were rejected",
    ),
  )
    .argument("<collection>", "collection name or id")
    .argument("<file>", "a .csv, .ndjson or .jsonl file (- for stdin, with --format)")
    .addOption(
      new Option("--format <format>", "csv or ndjson (default: from the file's extension)").choices([
        "csv",
        "ndjson",
      ]),
    )
    .action((name: string, file: string, opts: StoreOpts & { format?: string }) =>
      withServices(opts, async (services) => {
        const collection = services.records.collection(name);
        const format = importFormat(file, opts.format);
        let latest: ImportReport | undefined;
        const progress = throttled(
          () => `  ${collection.name}: ${latest?.imported ?? 0} imported, ${latest?.rejected ?? 0} rejected`,
        );
        const source = file === "-" ? process.stdin : createReadStream(file);
        const report = await importRecords(services.records, collection, systemContext(), source, {
          format,
          onProgress: (r) => {
            latest = r;
            progress.tick();
          },
        });
        latest = report;
        progress.done();
        for (const e of report.errors.slice(0, 20))
          process.stderr.write(`  line ${e.line}: ${describe(e)}\n`);
        if (report.rejected > 20)
          process.stderr.write(`  … and ${report.rejected - 20} more rejected rows\n`);
        process.stdout.write(
          `Imported ${report.imported} of ${report.total} rows into ${collection.name}; ${report.rejected} rejected.\n`,
        );
        if (report.rejected > 0) process.exitCode = 1;
      }),
    );
}

function importFormat(file: string, flag: string | undefined): ImportFormat {
  if (flag === "csv" || flag === "ndjson") return flag;
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".ndjson" || ext === ".jsonl") return "ndjson";
  throw new Error(`can't tell the format of ${file}: pass --format csv or --format ndjson`);
}

function describe(e: ImportReport["errors"][number]): string {
  const details = Object.entries(e.data)
    .map(([k, v]) => `${k}: ${"message" in v ? String(v.message) : "invalid"}`)
    .join("; ");
  return details ? `${e.message} (${details})` : e.message;
}

/** stdout as a pipeline target that is not closed at the end (the process still writes to it). */
function stdoutKeptOpen(): Writable {
  return new Writable({
    write(chunk, _encoding, callback) {
      if (process.stdout.write(chunk)) callback();
      else process.stdout.once("drain", () => callback());
    },
  });
}
