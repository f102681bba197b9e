import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { uniqueName } from "../test-support/api.js";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";
import { main } from "./main.js";

/** Runs the CLI in this process (next to the running server) and keeps what it printed. */
async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    process.exitCode = undefined;
    const code = await main(["node", "backroom", ...args]);
    return { code, stdout, stderr };
  } finally {
    process.exitCode = undefined;
    out.mockRestore();
    err.mockRestore();
  }
}

describe.each(await storesUnderTest())("backroom export | import (%s)", (kind) => {
  let server: TestServer;
  let su: PocketBase;
  let storeArgs: string[];
  const tmp = mkdtempSync(join(tmpdir(), "backroom-cli-io-"));

  beforeAll(async () => {
    server = await startServer(kind);
    su = await server.superuserClient();
    const { config } = server.app.services;
    storeArgs =
      config.store.kind === "postgres"
        ? ["--dir", config.dir, "--db", config.store.url, "--db-schema", config.store.schema ?? "public"]
        : ["--dir", config.dir];
  });
  afterAll(async () => {
    await server?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("exports a collection to a file and imports it into another, with progress on stderr", async () => {
    const fields = [
      { name: "title", type: "text", required: true },
      { name: "n", type: "number" },
      { name: "secret", type: "text", hidden: true },
    ];
    const from = uniqueName("cli_from");
    const to = uniqueName("cli_to");
    await su.collections.create({ name: from, type: "base", fields });
    await su.collections.create({ name: to, type: "base", fields });
    for (let i = 0; i < 25; i++) await su.collection(from).create({ title: `row ${i}`, n: i, secret: "x" });

    for (const format of ["csv", "ndjson"]) {
      const file = join(tmp, `${from}.${format}`);
      const exported = await cli([
        "export",
        from,
        "--format",
        format,
        "--out",
        file,
        "--filter",
        "n < 20",
        ...storeArgs,
      ]);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toContain(`${from}: 20 rows exported`);
      expect(readFileSync(file, "utf8")).not.toContain("secret");
    }
    const imported = await cli(["import", to, join(tmp, `${from}.ndjson`), ...storeArgs]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain(`${to}: 20 imported, 0 rejected`);
    expect(imported.stdout).toContain(`Imported 20 of 20 rows into ${to}; 0 rejected.`);
    expect((await su.collection(to).getFullList({ sort: "n" })).map((r) => r.n)).toEqual([
      ...Array(20).keys(),
    ]);

    // Rejected rows: listed with their lines, exit code 1; the good rows are in.
    const bad = join(tmp, "bad.csv");
    writeFileSync(bad, "title,n\nok,100\n,101\nnot a number,abc\n");
    const partly = await cli(["import", to, bad, ...storeArgs]);
    expect(partly.code).toBe(1);
    expect(partly.stderr).toMatch(/line 3: .*title/);
    expect(partly.stderr).toMatch(/line 4: .*n:/);
    expect(partly.stdout).toContain("Imported 1 of 3 rows");
    const unknown = await cli(["import", to, join(tmp, "x.txt"), ...storeArgs]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--format");
  });
});
