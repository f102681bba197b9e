import { generateKeyPairSync } from "node:crypto";
import { decodeProtectedHeader, importSPKI, jwtVerify } from "jose";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectSdkError, issueCode, raw, sdk, signedInUser } from "../../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../../test-support/server.js";

/** A P-256 key pair as Apple hands it out: the private key a PKCS#8 PEM (.p8). */
function appleKey() {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    privatePem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
  };
}

describe.each(await storesUnderTest())("settings.generateAppleClientSecret (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
  });
  afterAll(() => server?.close());

  it("signs an ES256 JWT with the given key that its public key verifies, with Apple's claims", async () => {
    const key = appleKey();
    const before = Math.floor(Date.now() / 1000);
    const { secret } = await su.settings.generateAppleClientSecret(
      "com.example.app",
      "TEAM123456",
      "KEY1234567",
      key.privatePem,
      3600,
    );
    expect(decodeProtectedHeader(secret)).toMatchObject({ alg: "ES256", kid: "KEY1234567" });
    const { payload } = await jwtVerify(secret, await importSPKI(key.publicPem, "ES256"), {
      issuer: "TEAM123456",
      audience: "https://appleid.apple.com",
      subject: "com.example.app",
    });
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
    expect(payload.iat as number).toBeGreaterThanOrEqual(before);
    // Another key doesn't verify it.
    await expect(jwtVerify(secret, await importSPKI(appleKey().publicPem, "ES256"))).rejects.toThrow();
  });

  it("takes the form PocketBase's dashboard may post too (duration as a form string)", async () => {
    const key = appleKey();
    const form = new URLSearchParams({
      clientId: "com.example.app",
      teamId: "TEAM123456",
      keyId: "KEY1234567",
      privateKey: key.privatePem,
      duration: "60",
    });
    const res = await raw(server.url, "/api/settings/apple/generate-client-secret", {
      method: "POST",
      body: form.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      token: su.authStore.token,
    });
    expect(res.status).toBe(200);
    const { payload } = await jwtVerify(
      (res.body as { secret: string }).secret,
      await importSPKI(key.publicPem, "ES256"),
    );
    expect((payload.exp as number) - (payload.iat as number)).toBe(60);
  });

  it("validates each field as PocketBase does", async () => {
    const err = await expectSdkError(
      su.settings.generateAppleClientSecret("", "SHORT", "KEY1234567", "not a key", 15_777_001),
      400,
    );
    expect(issueCode(err, "clientId")).toBe("validation_required");
    expect(issueCode(err, "teamId")).toBe("validation_length_invalid");
    expect(issueCode(err, "keyId")).toBeUndefined();
    expect(issueCode(err, "privateKey")).toBe("validation_match_invalid");
    expect(issueCode(err, "duration")).toBe("validation_max_less_equal_than_required");
    // A PEM that isn't a P-256 key: a 400, not a 500.
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    await expectSdkError(
      su.settings.generateAppleClientSecret("com.example.app", "TEAM123456", "KEY1234567", rsa, 60),
      400,
    );
  });

  it("is for superusers only", async () => {
    const key = appleKey().privatePem;
    const args = ["com.example.app", "TEAM123456", "KEY1234567", key, 60] as const;
    await expectSdkError(sdk(server.client()).settings.generateAppleClientSecret(...args), 401);
    const { pb } = await signedInUser(() => server.client());
    await expectSdkError(pb.settings.generateAppleClientSecret(...args), 403);
  });
});
