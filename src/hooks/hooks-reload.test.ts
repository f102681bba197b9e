import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../app.js";
import { loadConfig } from "../config/config.js";
import { waitUntil } from "../jobs/test-support/wait-until.js";
import { raw } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { appFolder } from "./test-support/app-folder.js";

const version = (n: number) => `
import { defineHooks } from "backroom";
export default defineHooks((app) => {
  app.routerAdd("GET", "/api/version", (e) => e.json(200, { version: ${n} }));
});
`;

describe.each(await storesUnderTest())("serve --dev reloads hooks without a restart (%s)", (kind) => {
  let server: TestServer;
  const folder = appFolder({ "version.ts": version(1) });
  const current = async () => (await raw(server.url, "/api/version")).body as { version: number } | undefined;

  beforeAll(async () => {
    server = await startServer(kind, { hooks: folder.hooks, dev: true });
  });
  afterAll(async () => {
    await server?.close();
    folder.remove();
  });

  it("picks up a changed file", async () => {
    expect(await current()).toEqual({ version: 1 });
    folder.write("version.ts", version(2));
    await waitUntil(async () => (await current())?.version === 2, "the reloaded hook");
  });

  it("keeps the running hooks when a change doesn't compile, and says where the error is", async () => {
    const printed: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      folder.write("version.ts", `${version(3)}\nconst broken: number = ;\n`);
      await waitUntil(() => printed.join("").includes("version.ts:"), "the compile error to be printed");
    } finally {
      spy.mockRestore();
    }
    expect(printed.join("")).toMatch(/version\.ts:\d+:\d+/);
    expect(await current()).toEqual({ version: 2 });
    folder.write("version.ts", version(4));
    await waitUntil(async () => (await current())?.version === 4, "the fixed hook");
  });

  it("drops the routes a file no longer adds, and a deleted file's hooks", async () => {
    folder.write("version.ts", "export const nothing = 1;\n");
    // A file without a default export is a problem report, so the old routes stay…
    await new Promise((r) => setTimeout(r, 500));
    expect(await current()).toEqual({ version: 4 });
    // …while an empty hooks file removes them.
    folder.write(
      "version.ts",
      'import { defineHooks } from "backroom";\nexport default defineHooks(() => {});\n',
    );
    await waitUntil(async () => (await raw(server.url, "/api/version")).status === 404, "the route to go");
    folder.write("extra.ts", version(5));
    await waitUntil(async () => (await current())?.version === 5, "the new file's route");
    folder.unlink("extra.ts");
    await waitUntil(
      async () => (await raw(server.url, "/api/version")).status === 404,
      "the deleted file's route to go",
    );
  });
});

describe("outside --dev", () => {
  it("refuses to start with a broken hooks file, naming the file and line", async () => {
    const folder = appFolder({ "broken.ts": "export default (app) => {\n  app.routerAdd(\n" });
    try {
      const config = loadConfig(
        { http: "127.0.0.1:0", dir: folder.root, logLevel: "silent", hooks: folder.hooks },
        {},
      );
      await expect(createApp(config)).rejects.toThrow(/broken\.ts:\d+:\d+/);
    } finally {
      folder.remove();
    }
  });
});
