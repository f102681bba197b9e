// One `backroom serve` process for the scripts that drive it through the SDK as a superuser
// (backup round trip, sync feed, export memory): started on a free port, healthy, signed in, with
// rate limits off so the load is never refused.
import { join } from "node:path";
import PocketBase from "pocketbase";
import { freePort, runNode, startNode, waitForHealth } from "./processes.mjs";

const ROOT = new URL("..", import.meta.url).pathname;
const BIN = join(ROOT, "bin", "backroom.js");

export const SUPERUSER = { email: "bench@backroom.test", password: "bench-superuser-password" };

/**
 * Serves on `storeArgs` (`--dir …` or `--db …`), with `env` added to the server's environment;
 * resolves with the signed-in client, URL, pid and a stop().
 */
export async function serveAsSuperuser(storeArgs, env = {}) {
  const port = await freePort();
  const child = startNode([BIN, "serve", "--http", `127.0.0.1:${port}`, ...storeArgs], {
    cwd: ROOT,
    env: { BACKROOM_LOG_LEVEL: "warn", ...env },
    label: "serve",
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(child, `${url}/api/health`, { timeoutMs: 20_000 });
  await runNode([BIN, "superuser", "upsert", SUPERUSER.email, SUPERUSER.password, ...storeArgs], {
    cwd: ROOT,
  });
  const pb = new PocketBase(url);
  pb.autoCancellation(false);
  await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
  await pb.settings.update({ rateLimits: { enabled: false } });
  return {
    pb,
    url,
    pid: child.pid,
    /** The server's last output and how it ended, for a script to tell why its requests failed. */
    state: () => ({ exitCode: child.exitCode, signal: child.signalCode, output: child.output }),
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}
