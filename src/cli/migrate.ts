import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { listUserMigrations, migrateDown, migrateUp } from "../migrations/user-migrations.js";
import { appliedNames } from "../store/migrations/run-system-migrations.js";
import { storeOptions } from "./main.js";

interface MigrateOptions {
  dir?: string;
  db?: string;
  dbSchema?: string;
  migrations?: string;
}

const migrationsDir = (opts: MigrateOptions) => resolve(opts.migrations ?? "backroom_migrations");

export function migrateCommand(): Command {
  const cmd = new Command("migrate").description("apply, revert, create and list migrations");
  const withStore = (name: string, description: string) =>
    storeOptions(new Command(name).description(description)).option(
      "--migrations <dir>",
      "migrations folder",
      "backroom_migrations",
    );

  cmd.addCommand(
    withStore("up", "apply every pending migration").action(async (opts: MigrateOptions) => {
      const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
      try {
        const applied = await migrateUp(services, migrationsDir(opts));
        process.stdout.write(applied.length ? `Applied: ${applied.join(", ")}\n` : "Nothing to apply.\n");
      } finally {
        await services.store.close();
      }
    }),
  );
  cmd.addCommand(
    withStore("down", "revert the last applied migration").action(async (opts: MigrateOptions) => {
      const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
      try {
        const reverted = await migrateDown(services, migrationsDir(opts));
        process.stdout.write(reverted ? `Reverted: ${reverted}\n` : "Nothing to revert.\n");
      } finally {
        await services.store.close();
      }
    }),
  );
  cmd.addCommand(
    new Command("create")
      .description("write a new migration file")
      .argument("<name>")
      .option("--migrations <dir>", "migrations folder", "backroom_migrations")
      .action((name: string, opts: MigrateOptions) => {
        if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
          throw new Error(`invalid migration name "${name}" (letters, digits, _ and -)`);
        const dir = migrationsDir(opts);
        mkdirSync(dir, { recursive: true });
        const file = join(dir, `${Math.floor(Date.now() / 1000)}_${name}.js`);
        writeFileSync(file, TEMPLATE, { flag: "wx" });
        process.stdout.write(`Created ${file}\n`);
      }),
  );
  cmd.addCommand(
    withStore("status", "list applied and pending migrations").action(async (opts: MigrateOptions) => {
      const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
      try {
        const applied = new Set(await appliedNames(services.store.db));
        for (const name of applied) process.stdout.write(`applied  ${name}\n`);
        for (const m of await listUserMigrations(migrationsDir(opts))) {
          if (!applied.has(m.name)) process.stdout.write(`pending  ${m.name}\n`);
        }
      } finally {
        await services.store.close();
      }
    }),
  );
  return cmd;
}

const TEMPLATE = `// A Backroom migration. \`app.collections\` creates, updates and deletes collections;
// \`app.db\` is the query builder inside the migration's transaction.
export async function up(app) {
  // await app.collections.create({ name: "posts", type: "base", fields: [{ name: "title", type: "text" }] });
}

export async function down(app) {
  // await app.collections.delete("posts");
}
`;
