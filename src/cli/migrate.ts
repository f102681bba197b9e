import { Command, Option } from "commander";
import type { Services } from "../app/services.js";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { writeMigrationFile } from "../migrations/migration-files.js";
import { BLANK_MIGRATION } from "../migrations/templates.js";
import { migrateDown, migrateUp, migrationStatus } from "../migrations/user-migrations.js";
import { storeOptions } from "./store-options.js";

interface MigrateOptions {
  dir?: string;
  db?: string;
  dbSchema?: string;
  migrations?: string;
}

const migrationsOption = () =>
  new Option("--migrations <dir>", "migrations folder (default ./backroom_migrations)").env(
    "BACKROOM_MIGRATIONS",
  );

/** Opens the store, runs `fn`, closes the store. */
async function withServices(opts: MigrateOptions, fn: (s: Services, dir: string) => Promise<void>) {
  const config = loadConfig({ ...opts, logLevel: "silent" });
  const services = await openServices(config);
  try {
    await fn(services, config.migrationsDir);
  } finally {
    await services.store.close();
  }
}

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description("apply, revert, create and list migrations");
  const withStore = (name: string, description: string) =>
    storeOptions(new Command(name).description(description)).addOption(migrationsOption());

  cmd.addCommand(
    withStore("up", "apply every pending migration").action((opts: MigrateOptions) =>
      withServices(opts, async (services, dir) => {
        const applied = await migrateUp(services, dir);
        process.stdout.write(applied.length ? `Applied: ${applied.join(", ")}\n` : "Nothing to apply.\n");
      }),
    ),
  );
  cmd.addCommand(
    withStore("down", "revert the last applied migration").action((opts: MigrateOptions) =>
      withServices(opts, async (services, dir) => {
        const reverted = await migrateDown(services, dir);
        process.stdout.write(reverted ? `Reverted: ${reverted}\n` : "Nothing to revert.\n");
      }),
    ),
  );
  cmd.addCommand(
    new Command("create")
      .description("write a new TypeScript migration file with up() and down()")
      .argument("<name>")
      .addOption(migrationsOption())
      .action((name: string, opts: MigrateOptions) => {
        const { migrationsDir } = loadConfig({ migrations: opts.migrations }, {});
        const written = writeMigrationFile(migrationsDir, name, BLANK_MIGRATION);
        process.stdout.write(`Created ${written.file}\n`);
      }),
  );
  cmd.addCommand(
    withStore("status", "list applied and pending migrations").action((opts: MigrateOptions) =>
      withServices(opts, async (services, dir) => {
        for (const m of await migrationStatus(services, dir)) {
          const state = m.missing ? "applied  (file missing)" : m.applied ? "applied " : "pending ";
          process.stdout.write(`${state} ${m.name}\n`);
        }
      }),
    ),
  );
  return cmd;
}
