/**
 * The Application URL (`meta.appURL`) defaults to the address the server listens on, so links in
 * emails reach it before an admin has set one; a saved URL wins.
 */
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applicationUrl } from "../app.js";
import { sdk, signedInUser } from "../test-support/api.js";
import { startServer, type TestServer } from "../test-support/server.js";
import { TestSmtpServer } from "../test-support/smtp-server.js";

describe("Application URL default", () => {
  let server: TestServer;
  let su: PocketBase;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await TestSmtpServer.start();
    server = await startServer("sqlite");
    su = await server.superuserClient();
    // Mail on, the Application URL left alone.
    await su.settings.update({ smtp: { enabled: true, host: "127.0.0.1", port: smtp.port, tls: false } });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it("is the listen address until one is saved, and email links use it", async () => {
    expect((await su.settings.getAll()).meta.appURL).toBe(server.url);
    const { email } = await signedInUser(() => server.client());
    await sdk(server.client()).collection("users").requestVerification(email);
    expect((await smtp.next(email)).html).toContain(`${server.url}/_/#/auth/confirm-verification/`);

    await su.settings.update({ meta: { appURL: "https://shop.example.com" } });
    expect((await su.settings.getAll()).meta.appURL).toBe("https://shop.example.com");
  });

  it("names this machine when the server listens on every interface", () => {
    expect(applicationUrl("http://0.0.0.0:8090")).toBe("http://localhost:8090");
    expect(applicationUrl("http://[::]:8090")).toBe("http://localhost:8090");
    expect(applicationUrl("http://127.0.0.1:9000")).toBe("http://127.0.0.1:9000");
  });
});
