import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import pg from "pg";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../files/test-support/files-fixture.js";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import {
  ensureBuilt,
  killProcess,
  type SpawnedServer,
  serveProcess,
} from "../test-support/server-process.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "backroom.js");
const exec = promisify(execFile);

beforeAll(ensureBuilt, 180_000);

describe.each(await storesUnderTest())(
  "backroom backup create | list | restore next to a running server (%s)",
  (kind) => {
    const dir = mkdtempSync(join(tmpdir(), "backroom-cli-backup-"));
    const schema = `t_cli_${Date.now().toString(36)}`;
    const storeArgs =
      kind === "postgres" ? ["--dir", dir, "--db", PG_URL, "--db-schema", schema] : ["--dir", dir];
    let server: SpawnedServer;
    let pb: PocketBase;
    const cli = async (...args: string[]) => {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("BACKROOM_")) env[k] = v;
      return exec(process.execPath, [BIN, ...args, ...storeArgs], { cwd: ROOT, env, timeout: 60_000 });
    };

    beforeAll(async () => {
      server = await serveProcess(storeArgs);
      await cli("superuser", "upsert", "root@example.com", "correct horse battery");
      pb = new PocketBase(server.url);
      await pb.collection("_superusers").authWithPassword("root@example.com", "correct horse battery");
      await pb.collections.create({ name: "notes", type: "base", fields: [{ name: "text", type: "text" }] });
      for (let i = 0; i < 3; i++) await pb.collection("notes").create({ text: `note ${i}` });
    }, 60_000);
    afterAll(async () => {
      if (server) await killProcess(server.child);
      rmSync(dir, { recursive: true, force: true });
      if (kind === "postgres") {
        const client = new pg.Client({ connectionString: PG_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      }
    });

    it("creates a backup with progress while the server serves, and lists it", async () => {
      const created = await cli("backup", "create", "nightly.zip");
      expect(created.stdout).toMatch(/^Backup nightly\.zip: \d+ rows, 0 files, [\d.]+ MiB in [\d.]+ s\.\n$/);
      expect(created.stderr).toMatch(/notes: 3 rows/);
      const listed = await cli("backup", "list");
      expect(listed.stdout).toMatch(/^nightly\.zip\t[\d.]+ MiB\t\d{4}-\d\d-\d\d /m);
      expect((await pb.backups.getFullList()).map((b) => b.key)).toContain("nightly.zip");
    });

    it("restores by name or by path while the server runs; the server serves the restored data", async () => {
      await pb.collection("notes").create({ text: "after the backup" });
      const restored = await cli("backup", "restore", "nightly.zip");
      expect(restored.stdout).toMatch(/^Restored nightly\.zip in [\d.]+ s\.\n$/);
      expect(await eventually(async () => (await pb.collection("notes").getFullList()).length === 3)).toBe(
        true,
      );
      await pb.collection("notes").create({ text: "again" });
      await cli("backup", "restore", join(dir, "backups", "nightly.zip"));
      expect(await eventually(async () => (await pb.collection("notes").getFullList()).length === 3)).toBe(
        true,
      );
    });

    it("explains refusals on one line, without a stack trace", async () => {
      const bad = await cli("backup", "create", "Bad Name.zip").catch((err) => err);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/^backroom: invalid backup name/);
      const missing = await cli("backup", "restore", "missing.zip").catch((err) => err);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toBe("backroom: Missing or invalid backup file.\n");
    });
  },
);
