import { Command } from "commander";
import type { ListResult } from "../api/record-actions.js";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import { ApiError } from "../errors/api-error.js";
import { canonicalEmail } from "../records/auth-fields.js";
import { systemContext } from "../records/request-context.js";
import { storeOptions } from "./store-options.js";

/** Flattens an API validation error into one readable line. */
function describe(err: ApiError): string {
  const details = Object.entries(err.data)
    .map(([k, v]) => `${k}: ${"message" in v ? String(v.message) : "invalid"}`)
    .join("; ");
  return details ? `${err.message} (${details})` : err.message;
}

export function superuserCommand(): Command {
  const cmd = new Command("superuser").description("manage superusers");
  cmd.addCommand(
    storeOptions(
      new Command("upsert").description("create a superuser, or set the password of an existing one"),
    )
      .argument("<email>")
      .argument("<password>")
      .action(
        async (email: string, password: string, opts: { dir?: string; db?: string; dbSchema?: string }) => {
          const services = await openServices(loadConfig({ ...opts, logLevel: "silent" }));
          try {
            const c = services.registry.get("_superusers");
            if (!c) throw new Error("the _superusers collection is missing");
            const ctx = systemContext();
            const found = await services.records.list("_superusers", {
              ...ctx,
              query: { filter: `email = "${canonicalEmail(email).replaceAll('"', "")}"`, perPage: "1" },
            });
            // CLI commands load no hooks, so this is always a page.
            const existing = (found as ListResult).items[0] as { id: string } | undefined;
            const body = { email, password, passwordConfirm: password };
            if (existing) await services.records.update("_superusers", existing.id, body, ctx);
            else await services.records.create("_superusers", { ...body, verified: true }, ctx);
            process.stdout.write(`Superuser ${canonicalEmail(email)} ${existing ? "updated" : "created"}.\n`);
          } catch (err) {
            if (err instanceof ApiError) throw new Error(describe(err));
            throw err;
          } finally {
            await services.store.close();
          }
        },
      ),
  );
  return cmd;
}
