import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { backupCommand } from "./backup.js";
import { exportCommand, importCommand } from "./import-export.js";
import { migrateCommand } from "./migrate.js";
import { serveCommand } from "./serve.js";
import { superuserCommand } from "./superuser.js";
import { typegenCommand } from "./typegen.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** Runs the CLI; resolves with the exit code. Errors print one line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("backroom")
    .description("Backroom: database, API, auth, realtime and logic for your app, in one server.")
    .version(pkg.version, "-v, --version")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program.addCommand(serveCommand());
  program.addCommand(superuserCommand());
  program.addCommand(migrateCommand());
  program.addCommand(typegenCommand());
  program.addCommand(backupCommand());
  program.addCommand(exportCommand());
  program.addCommand(importCommand());
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    process.stderr.write(`backroom: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
