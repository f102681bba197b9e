import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openServices } from "../app.js";
import { loadConfig } from "../config/config.js";
import type { Services } from "../http/services.js";
import { sharedStore } from "../jobs/test-support/app-on-store.js";
import { systemContext } from "../records/request-context.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import { OutboxDispatcher } from "./outbox-dispatcher.js";

describe.each(await storesUnderTest())("the outbox position survives restarts (%s)", (kind) => {
  const store = sharedStore(kind);
  let services: Services;

  const write = (title: string) => services.records.create("notes", { title }, systemContext());
  /** A dispatcher like a booting node's, collecting the titles it hands out. */
  async function boot() {
    const seen: string[] = [];
    const dispatcher = new OutboxDispatcher(services.store, { pollMs: 50, saveCursorEveryMs: 0 });
    dispatcher.subscribe((entry) => {
      if (entry.collectionName === "notes") seen.push(String(entry.record.title));
    });
    await dispatcher.start();
    await dispatcher.settle();
    return { seen, dispatcher };
  }

  beforeAll(async () => {
    services = await openServices(
      loadConfig(
        {
          dir: store.dir,
          logLevel: "silent",
          ...(kind === "postgres" ? { db: PG_URL, dbSchema: store.schema } : {}),
        },
        {},
      ),
    );
    await services.collections.create(
      { name: "notes", type: "base", fields: [{ name: "title", type: "text" }] },
      null,
    );
  });
  afterAll(async () => {
    await services?.store.close();
    await store.dispose();
  });

  it("starts live on a store no dispatcher ever ran on, then resumes after the last event it handed out", async () => {
    await write("before any node");
    const first = await boot();
    expect(first.seen).toEqual([]);
    await write("live 1");
    await write("live 2");
    await first.dispatcher.settle();
    expect(first.seen).toEqual(["live 1", "live 2"]);
    await first.dispatcher.stop();

    // Written while no node ran: a restart must still hand these out (webhooks, file cleanup)…
    await write("offline 1");
    await write("offline 2");
    const second = await boot();
    // …and only these: nothing already dispatched comes again.
    expect(second.seen).toEqual(["offline 1", "offline 2"]);
    await second.dispatcher.stop();
  });
});
