import { createServer } from "node:net";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { oauth2Methods } from "../../auth/oauth2/auth-methods-providers.js";
import { oauth2Options } from "../../auth/oauth2/oauth2-options.js";
import {
  expectRawError,
  expectSdkError,
  raw,
  sdk,
  signedInUser,
  uniqueEmail,
  uniqueName,
} from "../../test-support/api.js";
import { startOidcProvider, type TestOidcProvider } from "../../test-support/oidc-provider.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

const REDIRECT = "http://127.0.0.1:5173/oauth2-callback";
const CLIENT_ID = "backroom-test-client";
const CLIENT_SECRET = "s3cret-never-shown";
const PASSWORD = "a good long password";

/** A port nothing listens on: the provider behind it is unreachable. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `alice@example.com` written in fullwidth forms (NFKC folds them back to ASCII). */
const fullwidth = (s: string) =>
  [...s].map((ch) => (/[!-~]/.test(ch) ? String.fromCodePoint(ch.codePointAt(0)! + 0xfee0) : ch)).join("");

describe.each(await storesUnderTest())("OAuth2 sign-in with a real OIDC provider (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let idp: TestOidcProvider;

  const users = () => {
    const c = server.app.services.registry.get("users");
    if (!c) throw new Error("no users collection");
    return c;
  };
  const links = async (recordId: string) =>
    server.app.services.store.db
      .selectFrom("_external_auths")
      .select(["provider", "provider_id"])
      .where("record_id", "=", recordId)
      .execute();

  /** The provider entry of auth-methods (fresh state + PKCE pair) for oidc. */
  async function oidcMethod() {
    const methods = await oauth2Methods(users());
    const info = methods.providers.find((p) => p.name === "oidc");
    if (!info) throw new Error("oidc provider missing from auth-methods");
    return info;
  }

  /** The whole browser round trip: auth-methods → provider authorize → auth-with-oauth2. */
  async function signIn(
    claims: Record<string, unknown>,
    opts: { pb?: PocketBase; createData?: Record<string, unknown>; verifier?: string } = {},
  ) {
    idp.signInAs(claims);
    const info = await oidcMethod();
    const { code, state } = await idp.authorize(info.authURL, REDIRECT);
    expect(state).toBe(info.state); // the client's CSRF check (PocketBase keeps no server state)
    const pb = opts.pb ?? sdk(server.client());
    return pb
      .collection("users")
      .authWithOAuth2Code("oidc", code, opts.verifier ?? info.codeVerifier, REDIRECT, opts.createData);
  }

  beforeAll(async () => {
    [server, idp] = await Promise.all([startServer(kind), startOidcProvider()]);
    su = await server.superuserClient();
    await su.collections.update("users", {
      oauth2: {
        enabled: true,
        mappedFields: { name: "name" },
        providers: [
          { name: "oidc", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, extra: { issuer: idp.issuer } },
          {
            name: "oidc2",
            clientId: CLIENT_ID,
            clientSecret: CLIENT_SECRET,
            extra: { issuer: `http://127.0.0.1:${await closedPort()}` },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await Promise.all([server?.close(), idp?.close()]);
  });

  it("auth-methods lists the provider with state and PKCE, in PocketBase's shape", async () => {
    const methods = await sdk(server.client()).collection("users").listAuthMethods();
    expect(methods.oauth2.enabled).toBe(true);
    // oidc2's issuer is down, so it is left out rather than failing the whole list.
    expect(methods.oauth2.providers.map((p) => p.name)).toEqual(["oidc"]);
    const [p] = methods.oauth2.providers;
    expect(p).toMatchObject({ name: "oidc", displayName: "OIDC", codeChallengeMethod: "S256" });
    expect(p?.codeVerifier).toMatch(/^[\w-]{43}$/);
    const url = new URL(p?.authURL ?? "");
    expect(`${url.origin}${url.pathname}`).toBe(`${idp.issuer}/authorize`);
    expect(p?.authURL.endsWith("&redirect_uri=")).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: CLIENT_ID,
      response_type: "code",
      scope: "openid email profile",
      state: p?.state,
      code_challenge: p?.codeChallenge,
      code_challenge_method: "S256",
      redirect_uri: "",
    });
    expect(JSON.stringify(methods)).not.toContain(CLIENT_SECRET);
  });

  it("a new provider account creates a linked, verified user; the next sign-in reuses the link", async () => {
    const sub = uniqueName("sub");
    const email = uniqueEmail("new");
    const first = await signIn(
      { sub, email, email_verified: true, name: "Ada Lovelace" },
      { createData: { emailVisibility: true } },
    );
    expect(first.record).toMatchObject({
      email,
      verified: true,
      name: "Ada Lovelace",
      emailVisibility: true,
    });
    expect(first.meta).toMatchObject({ id: sub, email, name: "Ada Lovelace", isNew: true });
    expect(first.meta?.accessToken).toBeTruthy();
    expect(first.meta?.rawUser).toMatchObject({ sub, email });
    expect(await links(first.record.id)).toEqual([{ provider: "oidc", provider_id: sub }]);

    const again = await signIn({ sub, email, email_verified: true, name: "Renamed" });
    expect(again.record.id).toBe(first.record.id);
    expect(again.meta?.isNew).toBe(false);
    expect(again.record.name).toBe("Ada Lovelace"); // mapped fields fill new accounts only
  });

  it("links to an existing account by a provider-verified email (and takes over only what it proved)", async () => {
    const { id, email } = await signedInUser(() => server.client());
    const sub = uniqueName("sub");
    const auth = await signIn({ sub, email, email_verified: true });
    expect(auth.record.id).toBe(id);
    expect(auth.record.verified).toBe(true);
    expect(auth.meta?.isNew).toBe(false);
    expect(await links(id)).toEqual([{ provider: "oidc", provider_id: sub }]);
    // The account was unverified, so whoever registered it may not be its owner: password reset.
    await expectSdkError(sdk(server.client()).collection("users").authWithPassword(email, PASSWORD), 400);
  });

  it("REFUSES to link when the provider does not verify the email of an existing account", async () => {
    const { id, email } = await signedInUser(() => server.client());
    const before = await su.collection("users").getOne(id);
    const err = await expectSdkError(signIn({ sub: uniqueName("sub"), email, email_verified: false }), 400);
    expect(err.response.message).toMatch(/not verified/);
    expect(await su.collection("users").getOne(id)).toEqual(before);
    expect(await links(id)).toEqual([]);
    // The owner's password still works.
    await sdk(server.client()).collection("users").authWithPassword(email, PASSWORD);
  });

  it("an unverified provider email never becomes a new account's email", async () => {
    const email = uniqueEmail("squat");
    await expectSdkError(signIn({ sub: uniqueName("sub"), email, email_verified: false }), 400);
    const found = await su.collection("users").getList(1, 1, { filter: `email = "${email}"` });
    expect(found.totalItems).toBe(0);
  });

  it("emails are matched canonically: case and NFKC forms reach the account, look-alikes do not", async () => {
    const { id, email } = await signedInUser(() => server.client());
    await su.collection("users").update(id, { verified: true });
    const upper = await signIn({ sub: uniqueName("sub"), email: email.toUpperCase(), email_verified: true });
    expect(upper.record.id).toBe(id);

    const { id: id2, email: email2 } = await signedInUser(() => server.client());
    await su.collection("users").update(id2, { verified: true });
    const wide = await signIn({ sub: uniqueName("sub"), email: fullwidth(email2), email_verified: true });
    expect(wide.record.id).toBe(id2);

    // Cyrillic "а" (U+0430) is not folded by NFKC: a different mailbox, never this account.
    const lookalike = `\u0430${email2.slice(1)}`;
    const other = await signIn({ sub: uniqueName("sub"), email: lookalike, email_verified: true }).catch(
      (e: unknown) => e,
    );
    if (other && typeof other === "object" && "record" in other)
      expect((other as { record: { id: string } }).record.id).not.toBe(id2);
    expect((await links(id2)).length).toBe(1);
  });

  it("a signed-in user links the provider to their own account; a taken provider account is refused", async () => {
    const owner = await signedInUser(() => server.client());
    const sub = uniqueName("sub");
    const linked = await signIn(
      { sub, email: uniqueEmail("elsewhere"), email_verified: true },
      { pb: owner.pb },
    );
    expect(linked.record.id).toBe(owner.id);
    expect(await links(owner.id)).toEqual([{ provider: "oidc", provider_id: sub }]);
    // Later, signing in with the provider alone reaches that account.
    expect((await signIn({ sub, email_verified: false })).record.id).toBe(owner.id);

    const intruder = await signedInUser(() => server.client());
    const err = await expectSdkError(signIn({ sub }, { pb: intruder.pb }), 400);
    expect(err.response.message).toMatch(/already linked/);
    expect(await links(intruder.id)).toEqual([]);
  });

  it("a wrong or missing PKCE verifier → 400", async () => {
    const claims = { sub: uniqueName("sub"), email: uniqueEmail(), email_verified: true };
    const wrong = await expectSdkError(signIn(claims, { verifier: "x".repeat(43) }), 400);
    expect(wrong.response.message).toBe("Failed to authenticate.");
    const missing = await expectSdkError(signIn(claims, { verifier: "" }), 400);
    expect(missing.response.data).toHaveProperty("codeVerifier.code", "validation_required");
  });

  it.each([
    ["wrong issuer", (p: Record<string, unknown>) => Object.assign(p, { iss: "http://evil.example" })],
    ["wrong audience", (p: Record<string, unknown>) => Object.assign(p, { aud: "another-client" })],
    [
      "expired",
      (p: Record<string, unknown>) => Object.assign(p, { exp: Math.floor(Date.now() / 1000) - 3600 }),
    ],
    ["wrong nonce", (p: Record<string, unknown>) => Object.assign(p, { nonce: "replayed" })],
  ])("an ID token with %s → 400", async (_name, change) => {
    const email = uniqueEmail("tampered");
    idp.tamperNextIdToken(change);
    const err = await expectSdkError(signIn({ sub: uniqueName("sub"), email, email_verified: true }), 400);
    expect(err.response.message).toBe("Failed to authenticate.");
    expect((await su.collection("users").getList(1, 1, { filter: `email = "${email}"` })).totalItems).toBe(0);
  });

  it.each([
    ["a forged payload (signature no longer matches)", "forge"],
    ["alg none", "none"],
  ])("an ID token with %s → 400", async (_name, how) => {
    idp.rewriteNextTokenResponse((body) => {
      const [header, payload, signature] = String(body.id_token).split(".");
      const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
      claims.email = "victim@example.com";
      const forged = Buffer.from(JSON.stringify(claims)).toString("base64url");
      body.id_token =
        how === "none"
          ? `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${forged}.`
          : `${header}.${forged}.${signature}`;
    });
    const err = await expectSdkError(
      signIn({ sub: uniqueName("sub"), email: uniqueEmail(), email_verified: true }),
      400,
    );
    expect(err.response.message).toBe("Failed to authenticate.");
  });

  it("an unreachable provider → 400 quickly, without details", async () => {
    const started = Date.now();
    const err = await expectSdkError(
      sdk(server.client())
        .collection("users")
        .authWithOAuth2Code("oidc2", "some-code", "v".repeat(43), REDIRECT),
      400,
    );
    expect(err.response).toEqual({ status: 400, message: "Failed to authenticate.", data: {} });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("hostile input → 400 in the error shape", async () => {
    const path = "/api/collections/users/auth-with-oauth2";
    for (const body of ["[]", '"text"', "42"])
      expectRawError(await raw(server.url, path, { method: "POST", body }), 400);
    const empty = await raw(server.url, path, { method: "POST", body: {} });
    expectRawError(empty, 400);
    expect(Object.keys((empty.body as { data: object }).data).sort()).toEqual([
      "code",
      "provider",
      "redirectURL",
    ]);
    const valid = { provider: "oidc", code: "c", codeVerifier: "v".repeat(43), redirectURL: REDIRECT };
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...valid, provider: "nope" }, "provider", "validation_invalid_provider"],
      [{ ...valid, provider: { $ne: "" } }, "provider", "validation_required"],
      [{ ...valid, redirectURL: "javascript:alert(1)" }, "redirectURL", "validation_invalid_url"],
      [{ ...valid, redirectURL: "myapp://callback" }, "redirectURL", "validation_invalid_url"],
      [{ ...valid, codeVerifier: "short" }, "codeVerifier", "validation_invalid_code_verifier"],
      [{ ...valid, code: "c".repeat(5000) }, "code", "validation_length_too_long"],
      [{ ...valid, createData: ["x"] }, "createData", "validation_invalid_object"],
    ];
    for (const [body, field, code] of cases) {
      const res = await raw(server.url, path, { method: "POST", body });
      expectRawError(res, 400);
      expect((res.body as { data: Record<string, { code: string }> }).data[field]?.code).toBe(code);
    }
    const missing = await raw(server.url, "/api/collections/nope/auth-with-oauth2", {
      method: "POST",
      body: valid,
    });
    expectRawError(missing, 404);
    const superusers = await raw(server.url, "/api/collections/_superusers/auth-with-oauth2", {
      method: "POST",
      body: valid,
    });
    expectRawError(superusers, 403);
  });

  it("clientSecret never appears in the collections API", async () => {
    const one = await raw(server.url, "/api/collections/users", { token: su.authStore.token });
    const list = await raw(server.url, "/api/collections?perPage=200", { token: su.authStore.token });
    expect(one.status).toBe(200);
    expect(one.text).toContain('"oidc"');
    expect(one.text).not.toContain(CLIENT_SECRET);
    expect(list.text).not.toContain(CLIENT_SECRET);
    expect(list.text).not.toContain("clientSecret");
  });

  it("a collection round trip without clientSecret keeps the stored secret", async () => {
    const current = await su.collections.getOne("users");
    await su.collections.update("users", { oauth2: current.oauth2 });
    expect(oauth2Options(users()).providers.map((p) => p.clientSecret)).toEqual([
      CLIENT_SECRET,
      CLIENT_SECRET,
    ]);
    expect(
      (await signIn({ sub: uniqueName("sub"), email: uniqueEmail(), email_verified: true })).token,
    ).toBeTruthy();
  });

  it("/api/oauth2-redirect hands code and state to the opener page, escaped, for GET and form POST", async () => {
    const get = await raw(server.url, "/api/oauth2-redirect?code=abc&state=s1");
    expect(get.status).toBe(200);
    expect(get.headers.get("content-type")).toMatch(/^text\/html/);
    expect(get.headers.get("content-security-policy")).toMatch(/default-src 'none'/);
    expect(get.text).toContain('{"state":"s1","code":"abc","error":""}');
    const hostile = await raw(
      server.url,
      `/api/oauth2-redirect?code=${encodeURIComponent("</script><script>alert(1)</script>")}`,
    );
    expect(hostile.text).not.toContain("<script>alert(1)");
    const post = await raw(server.url, "/api/oauth2-redirect", {
      method: "POST",
      body: "code=xyz&state=s2",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(post.status).toBe(200);
    expect(post.text).toContain('{"state":"s2","code":"xyz","error":""}');
  });
});
