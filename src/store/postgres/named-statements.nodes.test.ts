import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sdk, uniqueName } from "../../test-support/api.js";
import { type Nodes, startNodes } from "../../test-support/nodes.js";
import { SUPERUSER, storesUnderTest } from "../../test-support/server.js";

// PostgreSQL only: two nodes on one database, each with named statements on its pool.
const postgres = (await storesUnderTest()).includes("postgres");

describe.runIf(postgres)("named statements across schema changes (two nodes, one database)", () => {
  let nodes: Nodes;
  const su: PocketBase[] = [];
  const guests: PocketBase[] = [];

  beforeAll(async () => {
    nodes = await startNodes(2);
    for (const url of nodes.urls) {
      const pb = sdk(new PocketBase(url));
      await pb.collection("_superusers").authWithPassword(SUPERUSER.email, SUPERUSER.password);
      su.push(pb);
      guests.push(sdk(new PocketBase(url)));
    }
  });
  afterAll(() => nodes?.close());

  /**
   * A create, an update, a view and a list on each node, each several times so their texts get
   * names. The update's texts (its read of the record and its UPDATE … RETURNING) are the same
   * before and after a field changes, and run in a transaction, where a stale name can't be retried.
   */
  async function useOnEveryNode(name: string, fields: string[], times: number): Promise<void> {
    for (let round = 0; round < times; round++) {
      for (const guest of guests) {
        const body = Object.fromEntries(fields.map((f) => [f, `${f}-${round}`]));
        const created = await guest.collection(name).create(body);
        expect(created).toMatchObject(body);
        const updated = await guest.collection(name).update(created.id, { t: `updated-${round}` });
        expect(updated).toMatchObject({ t: `updated-${round}` });
        const viewed = await guest.collection(name).getOne(created.id);
        expect(Object.keys(viewed)).toEqual(expect.arrayContaining(fields));
        const page = await guest.collection(name).getList(1, 5, { filter: `id = "${created.id}"` });
        expect(Object.keys(page.items[0] ?? {})).toEqual(expect.arrayContaining(fields));
      }
    }
  }

  it("a field added or removed on either node never fails a create, update, view or list on either", async () => {
    const name = uniqueName("named");
    const fields = ["t"];
    await su[0]?.collections.create({
      name,
      type: "base",
      listRule: "",
      viewRule: "",
      createRule: "",
      updateRule: "",
      fields: [{ name: "t", type: "text" }],
    });
    await useOnEveryNode(name, fields, 3);
    for (let change = 0; change < 6; change++) {
      // Alternate nodes; every third change drops a field (the result columns change either way).
      if (change % 3 === 2) fields.pop();
      else fields.push(`f${change}`);
      const admin = su[change % 2] as PocketBase;
      await admin.collections.update(name, { fields: fields.map((f) => ({ name: f, type: "text" })) });
      await useOnEveryNode(name, fields, 2);
    }
  });
});
