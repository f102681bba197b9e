import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startServer, storesUnderTest, type TestServer } from "../test-support/server.js";

/** The files in deploy/, checked as far as this machine allows (no registry: no image is built). */
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const pkg = JSON.parse(read("package.json")) as { scripts: Record<string, string> };

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => {
      const [op = "", ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(" ") };
    });
}

describe("deploy/Dockerfile", () => {
  const all = instructions(read("deploy/Dockerfile"));
  const stages = all.filter((i) => i.op === "FROM");
  const lastFrom = all.lastIndexOf(stages.at(-1) as Instruction);
  const runtime = all.slice(lastFrom);
  const env = Object.fromEntries(
    runtime
      .filter((i) => i.op === "ENV")
      .flatMap((i) => [...i.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]])),
  );

  it("builds in one stage and runs from another, as a user that isn't root", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]?.args).toMatch(/ AS build$/);
    const user = runtime.filter((i) => i.op === "USER").at(-1)?.args;
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
  });

  it("runs the commands the README and package.json name", () => {
    const npmRuns = all.flatMap((i) => (i.op === "RUN" ? [...i.args.matchAll(/npm run ([\w:-]+)/g)] : []));
    expect(npmRuns.map((m) => m[1])).toEqual(["build", "build:admin"]);
    for (const m of npmRuns) expect(Object.keys(pkg.scripts), m[1]).toContain(m[1]);
    const cmd = JSON.parse(runtime.find((i) => i.op === "CMD")?.args ?? "[]") as string[];
    expect(cmd.join(" ")).toBe(pkg.scripts.start);
    expect(read("README.md")).toContain("node bin/backroom.js");
    // The guide's build and run commands are the ones the Dockerfile's header gives.
    const guide = read("docs/deploy.md");
    for (const line of read("deploy/Dockerfile").matchAll(/^#\s+(docker (?:build|run) .+)$/gm))
      expect(guide, line[1]).toContain(line[1]);
  });

  it("keeps data in a volume at BACKROOM_DIR, listens on its exposed port, checks /api/health", () => {
    expect(runtime.find((i) => i.op === "VOLUME")?.args).toBe(env.BACKROOM_DIR);
    expect(env.BACKROOM_HTTP?.split(":").pop()).toBe(runtime.find((i) => i.op === "EXPOSE")?.args);
    expect(runtime.find((i) => i.op === "HEALTHCHECK")?.args).toMatch(
      /CMD \["node", "deploy\/healthcheck\.mjs"\]$/,
    );
    expect(read("deploy/healthcheck.mjs")).toContain("/api/health");
  });

  it("copies only files the repository has", () => {
    for (const copy of all.filter((i) => i.op === "COPY" && !i.args.startsWith("--from"))) {
      const sources = copy.args.split(/\s+/).slice(0, -1);
      for (const source of sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
  });
});

describe.each(await storesUnderTest())("deploy/healthcheck.mjs (%s)", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer(kind);
  });
  afterAll(() => server?.close());

  /** The script's exit code (run asynchronously: the server answering it is in this process). */
  const check = (address: string) =>
    new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, "deploy/healthcheck.mjs")], {
        env: { ...process.env, BACKROOM_HTTP: address },
        timeout: 10_000,
      });
      child.on("close", resolve);
    });

  it("passes while the server answers /api/health and fails when nothing listens", async () => {
    expect(await check(`0.0.0.0:${new URL(server.url).port}`)).toBe(0);
    const { port } = new URL(server.url);
    await server.close();
    expect(await check(`0.0.0.0:${port}`)).toBe(1);
  });
});

describe("deploy/compose.yaml", () => {
  const compose = parse(read("deploy/compose.yaml"), { merge: true }) as {
    services: Record<string, Record<string, unknown>>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  const nodes = ["backroom-1", "backroom-2"];

  it("runs two Backroom nodes with PostgreSQL, Redis, MinIO and nginx", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([...nodes, "postgres", "redis", "minio", "nginx"]),
    );
  });

  it("builds the nodes from deploy/Dockerfile and points them at the shared services", () => {
    for (const name of nodes) {
      const node = services[name] as {
        build: { context: string; dockerfile: string };
        environment: Record<string, string>;
        volumes: string[];
        depends_on: Record<string, { condition: string }>;
      };
      expect(join(ROOT, "deploy", node.build.context, node.build.dockerfile)).toBe(
        join(ROOT, "deploy/Dockerfile"),
      );
      expect(node.environment.BACKROOM_DB).toMatch(
        /^postgres:\/\/backroom:\$\{POSTGRES_PASSWORD:\?[^}]+\}@postgres:5432\//,
      );
      expect(node.environment.BACKROOM_REDIS).toBe("redis://redis:6379");
      expect(node.environment.BACKROOM_S3_ENDPOINT).toBe("http://minio:9000");
      expect(node.environment.BACKROOM_HTTP).toBe("0.0.0.0:8090");
      expect(node.volumes).toEqual([`${name}-data:${node.environment.BACKROOM_DIR}`]);
      expect(node.depends_on.postgres?.condition).toBe("service_healthy");
      expect(node.depends_on.redis?.condition).toBe("service_healthy");
    }
  });

  it("gives every long-running service a health check, and nginx waits for both nodes", () => {
    for (const name of [...nodes, "postgres", "redis", "minio"])
      expect((services[name]?.healthcheck as { test?: unknown })?.test, name).toBeDefined();
    expect((services["backroom-1"]?.healthcheck as { test: string[] } | undefined)?.test).toEqual([
      "CMD",
      "node",
      "deploy/healthcheck.mjs",
    ]);
    const nginx = services.nginx as { volumes: string[]; depends_on: Record<string, { condition: string }> };
    expect(nginx.volumes).toContain("./nginx/backroom.conf:/etc/nginx/conf.d/default.conf:ro");
    for (const name of nodes) expect(nginx.depends_on[name]?.condition).toBe("service_healthy");
  });

  it("has nginx balance over exactly the compose nodes, by service name and listening port", () => {
    const nginx = services.nginx as { volumes: string[] };
    expect(nginx.volumes).toContain("./nginx/upstream.compose.conf:/etc/nginx/conf.d/upstream.conf:ro");
    const servers = [...read("deploy/nginx/upstream.compose.conf").matchAll(/^\s*server\s+(\S+)/gm)].map(
      (m) => m[1],
    );
    const listening = nodes.map((name) => {
      const env = (services[name] as { environment: Record<string, string> }).environment;
      return `${name}:${new URL(`http://${env.BACKROOM_HTTP}`).port}`;
    });
    expect(servers).toEqual(listening);
    // The site file leaves the nodes to the upstream files: nginx refuses a second `upstream backroom`.
    expect(read("deploy/nginx/backroom.conf")).not.toMatch(/^\s*upstream /m);
  });

  it("declares every named volume it mounts, and every secret it needs is in env.example", () => {
    const named = Object.values(services).flatMap((s) =>
      ((s.volumes as string[] | undefined) ?? [])
        .map((v) => v.split(":")[0] as string)
        .filter((v) => !v.startsWith(".")),
    );
    for (const v of named) expect(Object.keys(compose.volumes), v).toContain(v);
    const required = new Set([...read("deploy/compose.yaml").matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]));
    const example = read("deploy/env.example");
    for (const name of required) expect(example, name as string).toMatch(new RegExp(`^${name}=`, "m"));
  });
});

describe("deploy/backroom.service", () => {
  const unit = read("deploy/backroom.service");
  const directive = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, "gm"))].map((m) => m[1]);

  it("restarts on failure, raises the descriptor limit, runs sandboxed as its own user", () => {
    expect(directive("Restart")).toEqual(["on-failure"]);
    expect(Number(directive("LimitNOFILE")[0])).toBeGreaterThanOrEqual(65536);
    expect(directive("User")).toEqual(["backroom"]);
    for (const [key, value] of [
      ["NoNewPrivileges", "yes"],
      ["ProtectSystem", "strict"],
      ["ProtectHome", "yes"],
      ["PrivateTmp", "yes"],
      ["StateDirectory", "backroom"],
    ])
      expect(directive(key as string), key).toEqual([value]);
    // V8 compiles code at run time: this option would kill the process at start.
    expect(directive("MemoryDenyWriteExecute")).toEqual([]);
    expect(directive("ExecStart")[0]).toMatch(/\/bin\/backroom\.js serve$/);
    expect(directive("ExecReload")[0]).toBe("/bin/kill -HUP $MAINPID");
  });

  const analyze = existsSync("/usr/bin/systemd-analyze");
  if (!analyze && process.env.CI === "true") throw new Error("systemd-analyze is required under CI=true");
  it.skipIf(!analyze)("passes systemd-analyze verify without a warning", () => {
    const dir = mkdtempSync(join(tmpdir(), "backroom-unit-"));
    try {
      writeFileSync(join(dir, "backroom.service"), unit);
      const result = spawnSync("systemd-analyze", ["verify", join(dir, "backroom.service")], {
        encoding: "utf8",
      });
      expect(result.stderr.trim()).toBe("");
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(execFileSync("systemd-analyze", ["--version"], { encoding: "utf8" })).toMatch(/^systemd \d+/);
  });
});
