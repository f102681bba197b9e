import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { Command } from "commander";
import type { Services } from "../app/services.js";
import { openServices } from "../app.js";
import { BACKUP_NAME } from "../backups/names.js";
import type { BackupProgress } from "../backups/progress.js";
import { loadConfig } from "../config/config.js";
import { ApiError } from "../errors/api-error.js";
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

/** Progress on stderr, at most a few lines a second (long tables and many files). */
function progressPrinter(): (p: BackupProgress) => void {
  let last = 0;
  let lastTable = "";
  return (p) => {
    const now = Date.now();
    if (p.phase === "done") return;
    const changed = p.phase === "table" && p.table !== lastTable;
    if (!changed && now - last < 500 && !(p.phase === "files" && p.done === p.total)) return;
    last = now;
    if (p.phase === "table") {
      lastTable = p.table;
      process.stderr.write(`  ${p.table}: ${p.rows} rows\n`);
    } else process.stderr.write(`  files: ${p.done}/${p.total}\n`);
  };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export function backupCommand(): Command {
  const cmd = new Command("backup").description("back up, list and restore the whole installation");
  cmd.addCommand(
    storeOptions(new Command("create").description("take a backup (works while the server runs)"))
      .argument("[name]", "file name, [a-z0-9_-].zip (default pb_backup_<app>_<time>.zip)")
      .action((name: string | undefined, opts: StoreOpts) =>
        withServices(opts, async (services) => {
          if (name !== undefined && !BACKUP_NAME.test(name))
            throw new Error(
              `invalid backup name "${name}" (lower-case letters, digits, _ and -, ending in .zip)`,
            );
          const key = name ?? (await services.backups.defaultName());
          const started = Date.now();
          const manifest = await services.backups.create(key, progressPrinter());
          const info = await services.backups.backups.stat(key);
          const rows = manifest.tables.reduce((n, t) => n + t.rows, 0);
          process.stdout.write(
            `Backup ${key}: ${rows} rows, ${manifest.files.count} files, ${mib(info?.size ?? 0)} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
          );
          if (manifest.files.missing.length > 0)
            process.stdout.write(
              `Warning: ${manifest.files.missing.length} files held by records were not found in storage.\n`,
            );
        }),
      ),
  );
  cmd.addCommand(
    storeOptions(new Command("list").description("list the stored backups")).action((opts: StoreOpts) =>
      withServices(opts, async (services) => {
        const list = await services.backups.list();
        if (list.length === 0) process.stdout.write("No backups.\n");
        for (const b of list) process.stdout.write(`${b.key}\t${mib(b.size)}\t${b.modified}\n`);
      }),
    ),
  );
  cmd.addCommand(
    storeOptions(
      new Command("restore").description(
        "restore a stored backup (by name) or a zip file (by path); works while the server runs",
      ),
    )
      .argument("<backup>", "a stored backup's name, or the path of a backup zip")
      .action((backup: string, opts: StoreOpts) =>
        withServices(opts, async (services) => {
          const started = Date.now();
          const isPath = backup.includes("/") || (existsSync(backup) && !backup.startsWith("@"));
          if (isPath) await services.backups.restoreFile(resolve(backup), null, progressPrinter());
          else await services.backups.restore(backup, null, progressPrinter());
          process.stdout.write(`Restored ${backup} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
        }),
      ),
  );
  return cmd;
}
