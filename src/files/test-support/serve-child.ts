// A Backroom server in a process of its own, for suites that kill it or measure its memory
// (server-process.ts bundles and starts it). Reads its config from BACKROOM_TEST_SERVER (S3
// credentials come from the environment, as in production), makes sure the superuser exists, and
// reports on stdout: `READY <url>`, then `SWEPT <json>` once the orphan sweep has run.
import { createApp } from "../../app.js";
import { type ConfigInput, loadConfig } from "../../config/config.js";
import { ApiError } from "../../errors/api-error.js";
import { systemContext } from "../../records/request-context.js";
import { sweepOrphans } from "../orphan-sweep.js";

interface ChildOptions {
  input: ConfigInput;
  superuser: { email: string; password: string };
  /** Report a sweep as a start at this time would run it (ISO date): "a restart an hour later". */
  sweepAsOf?: string;
}

const options = JSON.parse(process.env.BACKROOM_TEST_SERVER ?? "null") as ChildOptions | null;
if (!options) throw new Error("BACKROOM_TEST_SERVER is not set");

const app = await createApp(loadConfig(options.input, process.env));
const { services } = app;
try {
  await services.records.create(
    "_superusers",
    { ...options.superuser, passwordConfirm: options.superuser.password, verified: true },
    systemContext(),
  );
} catch (err) {
  // A restart on the same data: the superuser is there already.
  if (!(err instanceof ApiError) || err.status !== 400) throw err;
}
await services.settings.update({ rateLimits: { enabled: false } }, null);
const url = await app.listen();
process.stdout.write(`READY ${url}\n`);

const swept = options.sweepAsOf
  ? await sweepOrphans(services.files, services.registry, services.records.query, new Date(options.sweepAsOf))
  : await app.fileSweep;
process.stdout.write(`SWEPT ${JSON.stringify(swept)}\n`);

process.once("SIGTERM", () => {
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
