import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { SignJWT } from "jose";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken, type TokenType } from "../auth/tokens.js";
import type { Collection } from "../collections/model.js";
import {
  countRecords,
  expectRawError,
  expectSdkError,
  issueCode,
  raw,
  sdk,
  signedInUser,
  uniqueEmail,
  uniqueName,
} from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { clientFrom, limit, setLimits, uniqueIp } from "./rate-limit/rate-limit-test-clients.js";

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
/** ASCII → fullwidth look-alikes (`user` → `ｕｓｅｒ`), which NFKC folds back. */
const fullwidth = (s: string) =>
  [...s].map((ch) => (ch >= "!" && ch <= "~" ? String.fromCharCode(ch.charCodeAt(0) + 0xfee0) : ch)).join("");

describe.each(await storesUnderTest())("auth security (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let users: Collection;
  let alice: Awaited<ReturnType<typeof signedInUser>>;
  let bob: Awaited<ReturnType<typeof signedInUser>>;

  beforeAll(async () => {
    server = await startServer(kind, { rateLimits: true });
    su = await server.superuserClient();
    // Suites below sign in freely; the rate-limit tests turn limits on for themselves.
    await su.settings.update({ rateLimits: { enabled: false } });
    users = server.app.services.registry.get("users") as Collection;
    alice = await signedInUser(() => server.client());
    bob = await signedInUser(() => server.client());
  });
  afterAll(async () => {
    await server?.close();
  });

  const storedRecord = async (id: string) =>
    (await server.app.services.records.query.findOne(users, id)) as Record<string, unknown> & { id: string };
  const refresh = (token: string) =>
    raw(server.url, "/api/collections/users/auth-refresh", { method: "POST", token });
  /** What a token sees of `users` (list rule: own record only): the ids, or none for a guest. */
  const visibleUsers = async (token: string) => {
    const res = await raw(server.url, "/api/collections/users/records", { token });
    expect(res.status).toBe(200);
    return (res.body as { items: { id: string }[] }).items.map((i) => i.id);
  };
  /** A forged token must be refused by auth-refresh and read as a guest everywhere else. */
  async function expectRejected(token: string) {
    expectRawError(await refresh(token), 401);
    expect(await visibleUsers(token)).toEqual([]);
    expect((await raw(server.url, `/api/collections/users/records/${alice.id}`, { token })).status).toBe(404);
  }
  const keyOf = (type: TokenType, record: Record<string, unknown>) => {
    const option = {
      auth: "authToken",
      passwordReset: "passwordResetToken",
      verification: "verificationToken",
    }[type as string] as string;
    const secret = ((users.auth as Record<string, unknown>)[option] as { secret: string }).secret;
    return new TextEncoder().encode(String(record.tokenKey) + secret);
  };
  const claimsOf = (id: string) => ({ id, type: "auth", collectionId: users.id, refreshable: true });

  describe("tokens", () => {
    it("a valid token works (baseline)", async () => {
      expect((await refresh(alice.pb.authStore.token)).status).toBe(200);
      expect(await visibleUsers(alice.pb.authStore.token)).toEqual([alice.id]);
    });

    it("alg=none is refused", async () => {
      const exp = Math.floor(Date.now() / 1000) + 3600;
      const unsigned = `${b64url({ alg: "none", typ: "JWT" })}.${b64url({ ...claimsOf(alice.id), exp })}.`;
      await expectRejected(unsigned);
      const exp2 = { ...claimsOf(alice.id), exp };
      await expectRejected(`${b64url({ alg: "HS256", typ: "JWT" })}.${b64url(exp2)}.`);
    });

    it("a token signed with a wrong key is refused", async () => {
      const forged = await new SignJWT(claimsOf(alice.id))
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode("not the key"));
      await expectRejected(forged);
    });

    it("a token signed with another token type's key is refused, even claiming type auth", async () => {
      const record = await storedRecord(alice.id);
      for (const type of ["passwordReset", "verification"] as const) {
        const crossKey = await new SignJWT(claimsOf(alice.id))
          .setProtectedHeader({ alg: "HS256", typ: "JWT" })
          .setExpirationTime("1h")
          .sign(keyOf(type, record));
        await expectRejected(crossKey);
      }
    });

    it("a token with a tampered payload is refused", async () => {
      const [header, , signature] = alice.pb.authStore.token.split(".");
      const exp = Math.floor(Date.now() / 1000) + 3600;
      await expectRejected(`${header}.${b64url({ ...claimsOf(bob.id), exp })}.${signature}`);
      await expectRejected(`${header}.${b64url({ ...claimsOf(alice.id), exp: exp + 999_999 })}.${signature}`);
    });

    it("an expired token is refused", async () => {
      const expired = await signToken(
        users,
        await storedRecord(alice.id),
        "auth",
        { refreshable: true },
        -60,
      );
      await expectRejected(expired);
    });

    it("a token whose type is not auth is refused", async () => {
      const record = await storedRecord(alice.id);
      for (const type of ["passwordReset", "verification", "emailChange", "file"] as const) {
        await expectRejected(await signToken(users, record, type, { email: alice.email }));
      }
    });

    it("a password change revokes earlier tokens", async () => {
      const carol = await signedInUser(() => server.client());
      const oldToken = carol.pb.authStore.token;
      const newPassword = "another long password";
      await carol.pb.collection("users").update(carol.id, {
        oldPassword: carol.password,
        password: newPassword,
        passwordConfirm: newPassword,
      });
      expectRawError(await refresh(oldToken), 401);
      expect(await visibleUsers(oldToken)).toEqual([]);
      await expectSdkError(
        sdk(server.client()).collection("users").authWithPassword(carol.email, carol.password),
        400,
      );
      const again = await sdk(server.client()).collection("users").authWithPassword(carol.email, newPassword);
      expect(await visibleUsers(again.token)).toEqual([carol.id]);
    });
  });

  describe("hidden fields", () => {
    let members: string;
    let posts: string;
    let hiddenEmail: string;
    let memberId: string;

    beforeAll(async () => {
      members = uniqueName("members");
      const m = await su.collections.create({
        name: members,
        type: "auth",
        fields: [{ name: "name", type: "text" }],
        listRule: "",
        viewRule: "",
      } as never);
      const secret = await su.collections.create({
        name: uniqueName("secret"),
        type: "base",
        fields: [{ name: "code", type: "text" }],
      } as never);
      posts = uniqueName("posts");
      await su.collections.create({
        name: posts,
        type: "base",
        fields: [
          { name: "title", type: "text" },
          { name: "author", type: "relation", collectionId: m.id, maxSelect: 1 },
          { name: "owner", type: "relation", collectionId: users.id, maxSelect: 1 },
          { name: "classified", type: "relation", collectionId: secret.id, maxSelect: 1 },
        ],
        listRule: "",
        viewRule: "",
      } as never);
      hiddenEmail = uniqueEmail("hidden");
      const password = "a good long password";
      const member = await su.collection(members).create({
        email: hiddenEmail,
        emailVisibility: false,
        password,
        passwordConfirm: password,
        name: "M",
      });
      memberId = member.id;
      const code = await su.collection(secret.name).create({ code: "s3cr3t" });
      await su
        .collection(posts)
        .create({ title: "p", author: member.id, owner: alice.id, classified: code.id });
    });

    const guest = () => sdk(server.client());
    const refusedOrEmpty = async (pb: PocketBase, collection: string, options: Record<string, string>) => {
      try {
        const page = await pb.collection(collection).getList(1, 50, options);
        expect(page.items, `${JSON.stringify(options)} leaks`).toEqual([]);
      } catch (err) {
        expect((err as { status: number }).status).toBe(400);
      }
    };

    it("filtering or sorting on password / tokenKey is refused to non-superusers", async () => {
      for (const pb of [guest(), alice.pb]) {
        for (const filter of ['password != ""', 'tokenKey != ""', 'password ~ "argon"']) {
          await expectSdkError(pb.collection(members).getList(1, 10, { filter }), 400);
        }
        for (const filter of ['author.password != ""', 'author.tokenKey != ""']) {
          await expectSdkError(pb.collection(posts).getList(1, 10, { filter }), 400);
        }
        for (const sort of ["password", "-tokenKey"]) {
          await expectSdkError(pb.collection(members).getList(1, 10, { sort }), 400);
        }
        await expectSdkError(pb.collection(posts).getList(1, 10, { sort: "author.password" }), 400);
      }
    });

    it("a hidden email can't be matched by filter, directly or through a relation", async () => {
      for (const pb of [guest(), alice.pb]) {
        await refusedOrEmpty(pb, members, { filter: `email = "${hiddenEmail}"` });
        await refusedOrEmpty(pb, members, { filter: `email ~ "hidden"` });
        await refusedOrEmpty(pb, posts, { filter: `author.email = "${hiddenEmail}"` });
        await refusedOrEmpty(pb, posts, { filter: `author.email ~ "hidden"` });
      }
    });

    it("superusers may filter and sort on hidden fields", async () => {
      expect(await countRecords(su, members, `email = "${hiddenEmail}"`)).toBe(1);
      expect(await countRecords(su, members, 'password != "" && tokenKey != ""')).toBeGreaterThan(0);
      expect(await countRecords(su, posts, `author.email = "${hiddenEmail}"`)).toBe(1);
      expect(await countRecords(su, posts, 'author.password != "" && author.tokenKey != ""')).toBe(1);
      await su.collection(members).getList(1, 10, { sort: "password,-tokenKey,email" });
      await su.collection(posts).getList(1, 10, { sort: "author.password" });
    });

    it("expand never shows hidden fields nor records the requester may not view", async () => {
      for (const pb of [guest(), bob.pb, alice.pb]) {
        const page = await pb.collection(posts).getList(1, 10, { expand: "author,owner,classified" });
        const expand = page.items[0]?.expand as Record<string, Record<string, unknown>> | undefined;
        const author = expand?.author;
        expect(author?.id).toBe(memberId);
        for (const field of ["password", "tokenKey", "email"]) expect(author).not.toHaveProperty(field);
        expect(expand?.classified, "superusers-only record expanded").toBeUndefined();
        if (pb === alice.pb) {
          expect(expand?.owner?.id).toBe(alice.id);
          expect(expand?.owner).not.toHaveProperty("password");
          expect(expand?.owner).not.toHaveProperty("tokenKey");
        } else {
          expect(expand?.owner, "someone else's user record expanded").toBeUndefined();
        }
        expect(JSON.stringify(page)).not.toMatch(/argon2|s3cr3t/);
      }
    });
  });

  describe("unicode look-alike emails", () => {
    it("sign-in canonicalises the identity (NFKC + lower-case)", async () => {
      const password = "a good long password";
      await sdk(server.client())
        .collection("users")
        .create({ email: "user@example.com", password, passwordConfirm: password });
      const auth = await sdk(server.client())
        .collection("users")
        .authWithPassword("ＵＳＥＲ@example.com", password);
      expect(auth.record.email).toBe("user@example.com");
      const local = `mixed.${randomBytes(4).toString("hex")}`;
      await sdk(server.client())
        .collection("users")
        .create({ email: `${local}@example.com`, password, passwordConfirm: password });
      const again = await sdk(server.client())
        .collection("users")
        .authWithPassword(`${fullwidth(local.toUpperCase())}@ＥＸＡＭＰＬＥ.com`, password);
      expect(again.record.email).toBe(`${local}@example.com`);
    });

    const signUp = (email: string) => {
      const password = "a good long password";
      return sdk(server.client()).collection("users").create({ email, password, passwordConfirm: password });
    };

    it("sign-ups that canonicalise equal collide: the second is 400 validation_not_unique", async () => {
      const local = `dup.${randomBytes(4).toString("hex")}`;
      await signUp(`${local}@example.com`);
      for (const lookAlike of [`${local.toUpperCase()}@EXAMPLE.COM`, `${fullwidth(local)}@example.com`]) {
        const err = await expectSdkError(signUp(lookAlike), 400);
        expect(issueCode(err, "email"), lookAlike).toBe("validation_not_unique");
      }
    });

    it("a look-alike sign-up is stored once, canonically", async () => {
      const local = `wide.${randomBytes(4).toString("hex")}`;
      const created = await signUp(`${fullwidth(local.toUpperCase())}@Example.com`);
      // A guest's sign-up response hides the email (emailVisibility is off): read what was stored.
      expect((await su.collection("users").getOne(created.id)).email).toBe(`${local}@example.com`);
      const login = await sdk(server.client())
        .collection("users")
        .authWithPassword(`${local}@example.com`, "a good long password");
      expect(login.record.id).toBe(created.id);
    });
  });

  describe("rate limits", () => {
    afterAll(async () => {
      await su.settings.update({ rateLimits: { enabled: false } });
    });

    it("*:auth limits auth-with-password, whatever the password", async () => {
      await setLimits(su, [limit("*:auth", 3)]);
      const ip = uniqueIp();
      for (let i = 0; i < 3; i++) {
        await expectSdkError(
          clientFrom(server.url, ip).collection("users").authWithPassword(alice.email, "nope"),
          400,
        );
      }
      const err = await expectSdkError(
        clientFrom(server.url, ip).collection("users").authWithPassword(alice.email, alice.password),
        429,
      );
      expect(err.response).toEqual({ status: 429, message: "Too Many Requests.", data: {} });
    });

    it("/api/batch can't be used to get past a limit", async () => {
      await setLimits(su, [limit("*:create", 5), limit("/api/batch", 100)]);
      const notes = uniqueName("notes");
      await su.collections.create({
        name: notes,
        type: "base",
        fields: [{ name: "text", type: "text" }],
        createRule: "",
      } as never);
      const pb = clientFrom(server.url, uniqueIp());
      const fifty = pb.createBatch();
      for (let i = 0; i < 50; i++) fifty.collection(notes).create({ text: String(i) });
      await expectSdkError(fifty.send(), 429);
      expect(await countRecords(su, notes)).toBe(0);

      const five = pb.createBatch();
      for (let i = 0; i < 5; i++) five.collection(notes).create({ text: String(i) });
      await five.send();
      await expectSdkError(pb.collection(notes).create({ text: "over" }), 429);
      const one = pb.createBatch();
      one.collection(notes).upsert({ text: "upsert" });
      await expectSdkError(one.send(), 429);
      expect(await countRecords(su, notes)).toBe(5);
    });

    it("auth routes can't be reached through /api/batch", async () => {
      await setLimits(su, [limit("*:auth", 1)]);
      for (const url of [
        "/api/collections/users/auth-with-password",
        "/api/collections/users/request-otp",
        "/api/collections/users/auth-refresh",
      ]) {
        const res = await raw(server.url, "/api/batch", {
          method: "POST",
          body: {
            requests: [{ method: "POST", url, body: { identity: alice.email, password: alice.password } }],
          },
          headers: { "x-forwarded-for": uniqueIp() },
        });
        expectRawError(res, 400);
        expect(res.text).not.toMatch(/"token"/);
      }
    });
  });

  it("unknown-user and wrong-password sign-ins take the same time (medians within 25%)", async () => {
    const attempt = async (identity: string) => {
      const start = performance.now();
      const res = await raw(server.url, "/api/collections/users/auth-with-password", {
        method: "POST",
        body: { identity, password: "definitely wrong password" },
      });
      const elapsed = performance.now() - start;
      expect(res.status).toBe(400);
      return elapsed;
    };
    for (let i = 0; i < 3; i++) await Promise.all([attempt(uniqueEmail("warm")), attempt(alice.email)]);
    const unknown: number[] = [];
    const wrong: number[] = [];
    // Interleaved, so drift (GC, other suites) touches both series alike.
    for (let i = 0; i < 30; i++) {
      unknown.push(await attempt(uniqueEmail("nobody")));
      wrong.push(await attempt(alice.email));
    }
    const [mu, mw] = [median(unknown), median(wrong)];
    console.log(
      `[auth timing ${kind}] median unknown-user ${mu.toFixed(2)} ms, wrong-password ${mw.toFixed(2)} ms (ratio ${(Math.max(mu, mw) / Math.min(mu, mw)).toFixed(3)})`,
    );
    expect(Math.max(mu, mw) / Math.min(mu, mw)).toBeLessThanOrEqual(1.25);
  });
});
