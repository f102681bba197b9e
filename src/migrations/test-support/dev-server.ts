import PocketBase from "pocketbase";
import { type App, createApp } from "../../app.js";
import { systemContext } from "../../records/request-context.js";
import { type StoreKind, SUPERUSER } from "../../test-support/server.js";
import { type TempStore, tempStore } from "./temp-store.js";

export interface DevServer {
  app: App;
  store: TempStore;
  /** An SDK client signed in as a superuser. */
  superuser: PocketBase;
  close(): Promise<void>;
}

/** A real server started with `--dev` on a store of its own, writing migrations to `store.config.migrationsDir`. */
export async function startDevServer(kind: StoreKind): Promise<DevServer> {
  const store = tempStore(kind, { dev: true });
  const app = await createApp(store.config);
  const { email, password } = SUPERUSER;
  await app.services.records.create(
    "_superusers",
    { email, password, passwordConfirm: password, verified: true },
    systemContext(),
  );
  await app.services.settings.update({ rateLimits: { enabled: false } }, null);
  const url = await app.listen();
  const superuser = new PocketBase(url);
  superuser.autoCancellation(false);
  await superuser.collection("_superusers").authWithPassword(email, password);
  return {
    app,
    store,
    superuser,
    async close() {
      await app.close();
      await store.remove();
    },
  };
}
