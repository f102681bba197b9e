import { type Command, Option } from "commander";

/** Options every command that opens a store accepts. */
export function storeOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option("--dir <path>", "data folder (SQLite file and uploads)").env("BACKROOM_DIR"))
    .addOption(
      new Option("--db <url>", "PostgreSQL connection URL (postgres://…) instead of SQLite").env(
        "BACKROOM_DB",
      ),
    )
    .addOption(new Option("--db-schema <name>", "PostgreSQL schema to use").env("BACKROOM_DB_SCHEMA"));
}
