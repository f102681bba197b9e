/**
 * `/api/graphql` (issue #20 points 3–4): the schema projected from the collections, queries and
 * mutations through the request layer with REST's rules, relations batched per level, hidden
 * fields absent for non-superusers. A standard client (graphql-request) against a real server,
 * on both stores.
 */

import { GraphQLClient } from "graphql-request";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedInUser, uniqueName } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field, as each query shaped them.
type Data = Record<string, any>;

/** graphql-request's error: the response's GraphQL errors and HTTP status. */
interface ClientError {
  response: { status: number; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function refusal(p: Promise<unknown>): Promise<ClientError["response"]> {
  try {
    await p;
  } catch (err) {
    const response = (err as ClientError).response;
    if (response) return response;
    throw err;
  }
  throw new Error("expected the request to be refused");
}

describe.each(await storesUnderTest())("GraphQL (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let members: string;
  let notes: string;
  let tags: string;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  let bob: Awaited<ReturnType<typeof signedInUser>>;
  /** GraphQL names: `notes_x1y2` → `NotesX1y2` / `notesX1y2`. */
  let N: { list: string; byId: string; create: string; update: string; del: string; auth: string };

  const endpoint = () => `${server.url}/api/graphql`;
  const client = (token?: string) =>
    new GraphQLClient(endpoint(), token ? { headers: { authorization: token } } : {});

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    members = uniqueName("members");
    const { id: membersId } = await su.collections.create({
      name: members,
      type: "auth",
      fields: [
        { name: "name", type: "text" },
        { name: "salary", type: "number", hidden: true },
      ],
      listRule: "",
      viewRule: "",
      createRule: "",
    } as never);
    tags = uniqueName("tags");
    const { id: tagsId } = await su.collections.create({
      name: tags,
      type: "base",
      fields: [{ name: "label", type: "text" }],
      listRule: "",
      viewRule: "",
    } as never);
    notes = uniqueName("notes");
    await su.collections.create({
      name: notes,
      type: "base",
      fields: [
        { name: "title", type: "text", required: true },
        { name: "owner", type: "relation", collectionId: membersId, maxSelect: 1 },
        { name: "tags", type: "relation", collectionId: tagsId, maxSelect: 10 },
      ],
      listRule: "owner = @request.auth.id",
      viewRule: "owner = @request.auth.id",
      createRule: "@request.auth.id != '' && owner = @request.auth.id",
      updateRule: "owner = @request.auth.id",
      deleteRule: "owner = @request.auth.id",
    } as never);
    alice = await signedInUser(() => server.client(), { collection: members, name: "Alice" });
    bob = await signedInUser(() => server.client(), { collection: members, name: "Bob" });
    await su.collection(members).update(alice.id, { salary: 5000 });
    const tag = await su.collection(tags).create({ label: "red" });
    for (let i = 0; i < 5; i++) {
      await su.collection(notes).create({ title: `alice ${i}`, owner: alice.id, tags: [tag.id] });
      await su.collection(notes).create({ title: `bob ${i}`, owner: bob.id, tags: [tag.id] });
    }
    const base = (name: string) =>
      name
        .split(/[^A-Za-z0-9]+/)
        .filter(Boolean)
        .map((w) => w[0]?.toUpperCase() + w.slice(1))
        .join("");
    const t = base(notes);
    const lower = t[0]?.toLowerCase() + t.slice(1);
    N = {
      list: lower,
      byId: `${lower}ById`,
      create: `create${t}`,
      update: `update${t}`,
      del: `delete${t}`,
      auth: `authWithPassword${base(members)}`,
    };
  });
  afterAll(async () => {
    await server?.close();
  });

  it("lists only the rows the list rule gives the caller, with the filter language and paging", async () => {
    const query = `query($f: String) { ${N.list}(filter: $f, sort: "-title", perPage: 2) {
      items { title owner } page perPage totalItems totalPages } }`;
    const mine = await client(alice.pb.authStore.token).request<Data>(query, {
      f: "title ~ 'alice'",
    });
    const page = mine[N.list];
    expect(page.items.map((i: { title: string }) => i.title)).toEqual(["alice 4", "alice 3"]);
    expect(page).toMatchObject({ page: 1, perPage: 2, totalItems: 5, totalPages: 3 });
    expect(page.items.every((i: { owner: string }) => i.owner === alice.id)).toBe(true);
    // Bob's rows are invisible to Alice even when she asks for them by filter.
    const theirs = await client(alice.pb.authStore.token).request<Data>(query, {
      f: "title ~ 'bob'",
    });
    expect(theirs[N.list].totalItems).toBe(0);
    // A guest sees nothing (the rule needs an auth id), as REST answers an empty page.
    const guest = await client().request<Data>(query, {});
    expect(guest[N.list].items).toEqual([]);
  });

  it("answers a record by id only through the view rule (null otherwise)", async () => {
    const bobs = await su.collection(notes).getFirstListItem(`owner = '${bob.id}'`);
    const query = `query($id: String!) { ${N.byId}(id: $id) { id title } }`;
    const asAlice = await client(alice.pb.authStore.token).request<Data>(query, {
      id: bobs.id,
    });
    expect(asAlice[N.byId]).toBeNull();
    const asBob = await client(bob.pb.authStore.token).request<Data>(query, { id: bobs.id });
    expect(asBob[N.byId]).toEqual({ id: bobs.id, title: bobs.title });
  });

  it("resolves relations and back-relations in one query per level, never per record", async () => {
    const query = (perPage: number) =>
      `{ ${N.list}(perPage: ${perPage}) { items { title expand { owner { name } tags { label } } } } }`;
    const statementsFor = async (perPage: number) => {
      let statements = 0;
      // Only reads of this suite's tables: background work (outbox, catalogue watch) runs meanwhile.
      const stop = server.app.services.store.queries.listen(({ sql }) => {
        if ([notes, members, tags].some((t) => sql.includes(t))) statements++;
      });
      try {
        const data = await client(alice.pb.authStore.token).request<Data>(query(perPage));
        return { statements, items: data[N.list].items };
      } finally {
        stop();
      }
    };
    const one = await statementsFor(1);
    const five = await statementsFor(5);
    expect(five.items).toHaveLength(5);
    for (const item of five.items) {
      expect(item.expand.owner).toEqual({ name: "Alice" });
      expect(item.expand.tags).toEqual([{ label: "red" }]);
    }
    // The page, its count and one read per relation (owner, tags), and the token's record only when
    // something was committed since it was last read (the request log writes each second). Five
    // rows cost what one row costs.
    const counts = [4, 5];
    expect(counts).toContain(one.statements);
    expect(counts).toContain(five.statements);

    const membersType = members
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join("");
    const lowerMembers = membersType[0]?.toLowerCase() + membersType.slice(1);
    const back = await client(alice.pb.authStore.token).request<Data>(
      `{ ${lowerMembers}(filter: "name = 'Alice' || name = 'Bob'", sort: "name") { items { name expand { ${notes}_via_owner { title } } } } }`,
    );
    const [a, b] = back[lowerMembers].items;
    expect(a.name).toBe("Alice");
    expect(a.expand[`${notes}_via_owner`]).toHaveLength(5);
    // Bob's notes are behind the notes list rule: Alice sees none of them through the back-relation.
    expect(b.expand?.[`${notes}_via_owner`] ?? null).toBeNull();
  });

  it("keeps hidden fields out of the schema; only superusers filter on them", async () => {
    const t = members
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join("");
    const list = `${t[0]?.toLowerCase()}${t.slice(1)}`;
    // The records API returns a hidden field to nobody, so no read type has it.
    for (const token of [alice.pb.authStore.token, su.authStore.token]) {
      const refused = await refusal(
        client(token).request(`query($id: String!) { ${list}ById(id: $id) { name salary } }`, {
          id: alice.id,
        }),
      );
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0]?.message).toMatch(/Cannot query field "salary"/);
    }
    // A superuser's filter may read it; a user's filter may not (REST's rule, the same compiler).
    const query = `{ ${list}(filter: "salary > 1000") { items { name } } }`;
    const asSu = await client(su.authStore.token).request<Data>(query);
    expect(asSu[list].items).toEqual([{ name: "Alice" }]);
    const asUser = await refusal(client(bob.pb.authStore.token).request(query));
    expect(asUser.errors?.[0]?.extensions?.status).toBe(400);
  });

  it("creates, updates and deletes through the records API's rules and validation", async () => {
    const alicec = client(alice.pb.authStore.token);
    const created = await alicec.request<Data>(
      `mutation($d: ${N.create[6]?.toUpperCase()}${N.create.slice(7)}CreateInput!) { ${N.create}(data: $d) { id title owner } }`,
      { d: { title: "made over GraphQL", owner: alice.id } },
    );
    const id = created[N.create].id;
    expect(created[N.create]).toMatchObject({ title: "made over GraphQL", owner: alice.id });
    // The write went through the writer: the audit log and REST see it.
    expect((await su.collection(notes).getOne(id)).title).toBe("made over GraphQL");

    // The create rule: Alice cannot create a note owned by Bob.
    const typeName = `${N.create.slice(6)}`;
    const forBob = await refusal(
      alicec.request(`mutation($d: ${typeName}CreateInput!) { ${N.create}(data: $d) { id } }`, {
        d: { title: "x", owner: bob.id },
      }),
    );
    expect(forBob.errors?.[0]?.extensions?.status).toBe(400);
    // Validation: the same per-field error codes as REST.
    const invalid = await refusal(
      alicec.request(`mutation($d: ${typeName}CreateInput!) { ${N.create}(data: $d) { id } }`, {
        d: { owner: alice.id },
      }),
    );
    expect(invalid.errors?.[0]?.extensions).toMatchObject({
      status: 400,
      data: { title: { code: "validation_required" } },
    });

    const updated = await alicec.request<Data>(
      `mutation($id: String!, $d: ${typeName}UpdateInput!) { ${N.update}(id: $id, data: $d) { title } }`,
      { id, d: { title: "renamed" } },
    );
    expect(updated[N.update].title).toBe("renamed");
    // Bob may not touch Alice's note: REST's 404 for a row the rule hides.
    const bobTry = await refusal(
      client(bob.pb.authStore.token).request(`mutation($id: String!) { ${N.del}(id: $id) }`, { id }),
    );
    expect(bobTry.errors?.[0]?.extensions?.status).toBe(404);
    const deleted = await alicec.request<Data>(`mutation($id: String!) { ${N.del}(id: $id) }`, {
      id,
    });
    expect(deleted[N.del]).toBe(true);
    await expect(su.collection(notes).getOne(id)).rejects.toMatchObject({ status: 404 });
  });

  it("signs in with a password and answers the token with the record", async () => {
    const data = await client().request<Data>(
      `mutation($i: String!, $p: String!) { ${N.auth}(identity: $i, password: $p) { token record { id name } } }`,
      { i: alice.email, p: alice.password },
    );
    expect(data[N.auth].record).toEqual({ id: alice.id, name: "Alice" });
    // The token works on REST.
    const me = await fetch(`${server.url}/api/collections/${members}/records/${alice.id}`, {
      headers: { authorization: data[N.auth].token },
    });
    expect(me.status).toBe(200);
    const wrong = await refusal(
      client().request(
        `mutation { ${N.auth}(identity: "${alice.email}", password: "nope nope nope") { token } }`,
      ),
    );
    expect(wrong.errors?.[0]).toMatchObject({
      message: "Failed to authenticate.",
      extensions: { status: 400 },
    });
  });

  it("serves a collection created after start from the next request on", async () => {
    const later = uniqueName("later");
    await su.collections.create({
      name: later,
      type: "base",
      fields: [{ name: "n", type: "number" }],
      listRule: "",
    } as never);
    await su.collection(later).create({ n: 7 });
    const t = later
      .split(/[^A-Za-z0-9]+/)
      .filter(Boolean)
      .map((w) => w[0]?.toUpperCase() + w.slice(1))
      .join("");
    const field = t[0]?.toLowerCase() + t.slice(1);
    const data = await client().request<Data>(`{ ${field} { items { n } } }`);
    expect(data[field].items).toEqual([{ n: 7 }]);
  });
});
