import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import PocketBase from "pocketbase";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PG_URL, storesUnderTest } from "../test-support/server.js";
import { ensureBuilt } from "../test-support/server-process.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "bin", "backroom.js");

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion (clean environment: no BACKROOM_* from the caller). */
function run(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd ?? ROOT, env: cleanEnv() });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`backroom ${args.join(" ")} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("BACKROOM_")) env[k] = v;
  env.BACKROOM_LOG_LEVEL = "silent";
  return env;
}

/** Starts `backroom serve` and resolves once it prints its URL. */
function serve(
  args: string[],
): Promise<{ child: ChildProcess; url: string; output: () => string; exited: Promise<Run> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "serve", "--http", "127.0.0.1:0", ...args], {
      cwd: ROOT,
      env: cleanEnv(),
    });
    let stdout = "";
    let stderr = "";
    const exited = new Promise<Run>((res) =>
      child.on("close", (code, signal) => res({ code, signal, stdout, stderr })),
    );
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`serve did not start\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, 20_000);
    child.stdout?.on("data", (d) => {
      stdout += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] as string, output: () => stdout + stderr, exited });
      }
    });
    child.stderr?.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${code})\nstdout: ${stdout}\nstderr: ${stderr}`));
    });
  });
}

const lines = (s: string) => s.split("\n").filter((l) => l.trim() !== "");
const noStack = (s: string) => {
  expect(s).not.toMatch(/\n\s+at /);
  expect(s).not.toMatch(/node:internal|node_modules|\.js:\d+:\d+|\.ts:\d+/);
};

// The CLI runs the compiled code.
beforeAll(ensureBuilt, 180_000);

describe("CLI basics", () => {
  it("--version prints the package version", async () => {
    const r = await run(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const pkg = JSON.parse(
      execFileSync("node", ["-p", "JSON.stringify(require('./package.json'))"], { cwd: ROOT }).toString(),
    );
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it("--help lists the commands", async () => {
    const r = await run(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["serve", "superuser", "migrate"]) expect(r.stdout).toContain(cmd);
    const sub = await run(["migrate", "--help"]);
    expect(sub.code).toBe(0);
    for (const cmd of ["up", "down", "status", "create"]) expect(sub.stdout).toContain(cmd);
  });

  it("an unknown flag → exit 1, one line on stderr, no stack trace", async () => {
    const r = await run(["--bogus-flag"]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    expect(r.stderr).toContain("--bogus-flag");
    noStack(r.stderr);
  });

  it("an unknown command → exit 1, one line, no stack trace", async () => {
    const r = await run(["frobnicate"]);
    expect(r.code).toBe(1);
    expect(lines(r.stderr), r.stderr).toHaveLength(1);
    noStack(r.stderr);
  });

  it("an unreachable PostgreSQL → exit 1 with a one-line error", async () => {
    for (const args of [
      ["serve", "--http", "127.0.0.1:0", "--db", "postgres://nobody:s3cret@127.0.0.1:1/x"],
      ["migrate", "status", "--db", "postgres://nobody:s3cret@127.0.0.1:1/x"],
      [
        "superuser",
        "upsert",
        "a@example.com",
        "a long password",
        "--db",
        "postgres://nobody:s3cret@127.0.0.1:1/x",
      ],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(lines(r.stderr), r.stderr).toHaveLength(1);
      noStack(r.stderr);
      expect(r.stderr).not.toContain("s3cret");
    }
  });

  it("a malformed --db or --http → exit 1, one line", async () => {
    for (const args of [
      ["serve", "--db", "mysql://x@y/z"],
      ["serve", "--http", "not-an-address"],
    ]) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(1);
      expect(lines(r.stderr), r.stderr).toHaveLength(1);
      noStack(r.stderr);
    }
  });

  it("superuser upsert with a bad email or short password → exit 1, one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "backroom-cli-"));
    try {
      const bad = await run(["superuser", "upsert", "not-an-email", "a long password", "--dir", dir]);
      expect(bad.code).toBe(1);
      expect(lines(bad.stderr), bad.stderr).toHaveLength(1);
      noStack(bad.stderr);
      const short = await run(["superuser", "upsert", "ok@example.com", "short", "--dir", dir]);
      expect(short.code).toBe(1);
      expect(lines(short.stderr), short.stderr).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("migrate create NAME writes a migration file; a bad name is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "backroom-cli-"));
    try {
      const migrations = join(dir, "migs");
      const r = await run(["migrate", "create", "add_posts", "--migrations", migrations]);
      expect(r.code, r.stderr).toBe(0);
      const files = readdirSync(migrations);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/^\d+_add_posts\.ts$/);
      expect(r.stdout).toContain(files[0]);
      const bad = await run(["migrate", "create", "../escape", "--migrations", migrations]);
      expect(bad.code).toBe(1);
      expect(lines(bad.stderr)).toHaveLength(1);
      expect(readdirSync(migrations)).toHaveLength(1);
      expect(existsSync(join(dir, "escape.js"))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(await storesUnderTest())("CLI against a store (%s)", (kind) => {
  let dir: string;
  let storeArgs: string[];
  const schema = `cli_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 6)}`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "backroom-cli-"));
    storeArgs = kind === "postgres" ? ["--db", PG_URL, "--db-schema", schema, "--dir", dir] : ["--dir", dir];
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    if (kind === "postgres") {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  /** Collection names in the store (read directly, without the server). */
  async function collectionNames(): Promise<string[]> {
    if (kind === "sqlite") {
      const db = new Database(join(dir, "data.db"), { readonly: true });
      try {
        return (db.prepare("SELECT name FROM _collections").all() as { name: string }[]).map((r) => r.name);
      } finally {
        db.close();
      }
    }
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      return (await client.query(`SELECT name FROM "${schema}"._collections`)).rows.map(
        (r: { name: string }) => r.name,
      );
    } finally {
      await client.end();
    }
  }

  it("serve answers /api/health, superuser upsert works while it runs, SIGTERM exits 0", async () => {
    const server = await serve(storeArgs);
    try {
      const health = await fetch(`${server.url}/api/health`);
      expect(health.status).toBe(200);
      expect(((await health.json()) as { code: number }).code).toBe(200);

      const created = await run([
        "superuser",
        "upsert",
        "Boss@Example.com",
        "first long password",
        ...storeArgs,
      ]);
      expect(created.code, created.stderr).toBe(0);
      expect(created.stdout).toMatch(/created/i);
      const pb = new PocketBase(server.url);
      pb.autoCancellation(false);
      const auth = await pb
        .collection("_superusers")
        .authWithPassword("boss@example.com", "first long password");
      expect(auth.record.email).toBe("boss@example.com");
      expect((await pb.collections.getList(1, 1)).totalItems).toBeGreaterThan(0);
      // The default limits allow 2 sign-ins per 3 s; this test signs in three times in quick succession.
      await pb.settings.update({ rateLimits: { enabled: false } });

      const updated = await run([
        "superuser",
        "upsert",
        "boss@example.com",
        "second long password",
        ...storeArgs,
      ]);
      expect(updated.code, updated.stderr).toBe(0);
      expect(updated.stdout).toMatch(/updated/i);
      const pb2 = new PocketBase(server.url);
      pb2.autoCancellation(false);
      await expect(
        pb2.collection("_superusers").authWithPassword("boss@example.com", "first long password"),
      ).rejects.toMatchObject({ status: 400 });
      const again = await pb2
        .collection("_superusers")
        .authWithPassword("boss@example.com", "second long password");
      expect(again.record.id).toBe(auth.record.id);
      // Only one superuser with that email.
      const list = await pb2
        .collection("_superusers")
        .getList(1, 10, { filter: 'email = "boss@example.com"' });
      expect(list.totalItems).toBe(1);
      // The password change revoked the first session.
      await expect(pb.collection("_superusers").authRefresh()).rejects.toMatchObject({ status: 401 });
    } finally {
      server.child.kill("SIGTERM");
    }
    const exit = await server.exited;
    expect(exit.code, exit.stderr).toBe(0);
    expect(exit.signal).toBeNull();
    noStack(exit.stderr);
  });

  it("serve on a port already taken → exit 1 with one line, no process left behind", async () => {
    const first = await serve(storeArgs);
    try {
      const port = new URL(first.url).port;
      const second = await run(["serve", "--http", `127.0.0.1:${port}`, ...storeArgs], { timeoutMs: 20_000 });
      expect(second.code, second.stdout + second.stderr).toBe(1);
      expect(second.stderr.trim().split("\n")).toHaveLength(1);
      expect(second.stderr).toMatch(/EADDRINUSE|address already in use/);
      noStack(second.stderr);
      expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    } finally {
      first.child.kill("SIGTERM");
      await first.exited;
    }
  });

  it("migrate up / status / down on a temp dir", async () => {
    const migrations = join(dir, "migrations");
    const created = await run(["migrate", "create", "make_things", "--migrations", migrations]);
    expect(created.code, created.stderr).toBe(0);
    const [file] = readdirSync(migrations);
    const name = (file as string).replace(/\.ts$/, "");
    const collection = `cli_things_${kind}`;
    writeFileSync(
      join(migrations, file as string),
      `export async function up(app) {
  await app.collections.create({ name: "${collection}", type: "base", fields: [{ name: "title", type: "text" }] }, null);
}
export async function down(app) {
  await app.collections.delete("${collection}", null);
}
`,
    );

    const pending = await run(["migrate", "status", "--migrations", migrations, ...storeArgs]);
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.stdout).toMatch(new RegExp(`pending\\s+${name}`));

    const up = await run(["migrate", "up", "--migrations", migrations, ...storeArgs]);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toContain(name);
    expect(await collectionNames()).toContain(collection);

    const applied = await run(["migrate", "status", "--migrations", migrations, ...storeArgs]);
    expect(applied.stdout).toMatch(new RegExp(`applied\\s+${name}`));
    expect(applied.stdout).not.toMatch(new RegExp(`pending\\s+${name}`));

    const upAgain = await run(["migrate", "up", "--migrations", migrations, ...storeArgs]);
    expect(upAgain.code).toBe(0);
    expect(upAgain.stdout).toMatch(/nothing/i);

    const down = await run(["migrate", "down", "--migrations", migrations, ...storeArgs]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(name);
    expect(await collectionNames()).not.toContain(collection);

    const after = await run(["migrate", "status", "--migrations", migrations, ...storeArgs]);
    expect(after.stdout).toMatch(new RegExp(`pending\\s+${name}`));

    const downAgain = await run(["migrate", "down", "--migrations", migrations, ...storeArgs]);
    expect(downAgain.code).toBe(0);
    expect(downAgain.stdout).toMatch(/nothing/i);
  });

  it("serve applies pending migration files when it starts, as PocketBase does", async () => {
    const migrations = join(dir, "boot_migrations");
    mkdirSync(migrations, { recursive: true });
    const collection = `cli_boot_${kind}`;
    writeFileSync(
      join(migrations, "1700000000_boot.ts"),
      `import { defineMigration } from "backroom";
export default defineMigration({
  async up(app) {
    await app.collections.create({ name: "${collection}", type: "base", fields: [{ name: "title", type: "text" }] });
  },
});
`,
    );
    const server = await serve([...storeArgs, "--migrations", migrations]);
    try {
      expect(await collectionNames()).toContain(collection);
      const res = await fetch(`${server.url}/api/collections/${collection}/records`);
      // The running server knows the new collection (superuser-only rules: 403, not 404).
      expect(res.status).not.toBe(404);
    } finally {
      server.child.kill("SIGTERM");
    }
    expect((await server.exited).code).toBe(0);
    const status = await run(["migrate", "status", "--migrations", migrations, ...storeArgs]);
    expect(status.stdout).toMatch(/applied\s+1700000000_boot/);
  });

  it("a failing migration → exit 1 with one line, and it is not marked applied", async () => {
    const migrations = join(dir, "broken_migrations");
    const created = await run(["migrate", "create", "broken", "--migrations", migrations]);
    expect(created.code).toBe(0);
    const [file] = readdirSync(migrations);
    writeFileSync(
      join(migrations, file as string),
      `export async function up() { throw new Error("boom in migration"); }\n`,
    );
    const up = await run(["migrate", "up", "--migrations", migrations, ...storeArgs]);
    expect(up.code).toBe(1);
    expect(up.stderr).toContain("boom in migration");
    expect(lines(up.stderr)).toHaveLength(1);
    noStack(up.stderr);
    const status = await run(["migrate", "status", "--migrations", migrations, ...storeArgs]);
    expect(status.stdout).toMatch(/pending\s+\d+_broken/);
  });
});
