import { type ChildProcess, execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { dropSchema, PG_URL, SUPERUSER } from "./server.js";
import { ensureBuilt, killProcess, type SpawnedServer, serveProcess } from "./server-process.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Debian's nginx (`apt-get install nginx-light`). */
export const NGINX = "/usr/sbin/nginx";
/**
 * The nginx configuration Backroom ships (the nodes' `upstream` block, then the site); the cluster
 * runs nginx with it.
 */
export function shippedNginxConf(): string {
  const file = (name: string) => readFileSync(join(ROOT, "deploy", "nginx", name), "utf8");
  return `${file("upstream.conf")}\n${file("backroom.conf")}`;
}

/**
 * Whether the nginx suite can run. Under CI=true nginx must be there (`.ci/run` installs it): a
 * missing one fails the run instead of skipping the suite.
 */
export function nginxAvailable(): boolean {
  const present = existsSync(NGINX);
  if (!present && process.env.CI === "true")
    throw new Error(`${NGINX} is missing: CI installs it (apt-get install -y nginx-light)`);
  if (!present)
    console.warn(`[cluster] ${NGINX} not found: the nginx suite is skipped (apt-get install nginx-light)`);
  return present;
}

export interface ClusterOptions {
  nodes?: number;
  /** Rate-limit counters in this Redis (else in PostgreSQL). */
  redis?: string;
  redisKeyPrefix?: string;
}

export interface Cluster {
  /** nginx's address: what clients use. */
  url: string;
  /** Each node's own address. */
  nodeUrls: string[];
  nodes: SpawnedServer[];
  schema: string;
  /** nginx's access log, one line per request: `<upstream address> <status> <method> <uri>`. */
  accessLog(): string[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The shipped configuration with this cluster's nodes in `upstream backroom` and its own port in
 * `listen`, inside a whole nginx.conf whose files all live under `prefix`.
 */
export function nginxConf(shipped: string, upstreams: string[], port: number, prefix: string): string {
  const servers = upstreams.map((u) => `    server ${u} max_fails=1 fail_timeout=5s;`).join("\n");
  const site = shipped
    .replace(/(upstream backroom \{[^}]*?)(?:\n\s*server [^\n]*;)+/, `$1\n${servers}`)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  if (!site.includes(servers) || !site.includes(`listen 127.0.0.1:${port};`))
    throw new Error(
      "deploy/nginx/upstream.conf + backroom.conf no longer have the upstream servers and listen line the test fills in",
    );
  return `worker_processes 1;
daemon off;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 1024; }
http {
  log_format backroom_upstream '$upstream_addr $status $request_method $request_uri';
  access_log ${prefix}/access.log backroom_upstream;
  client_body_temp_path ${prefix}/client_body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
${site}
}
`;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1", () => {
        socket.end();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nginx did not listen on ${port}: ${output()}`);
}

/**
 * `nodes` (default 3) `backroom serve` processes (the built server) on one fresh PostgreSQL schema,
 * each with its own data folder, behind Debian's nginx run with the shipped configuration
 * (round robin, no sticky sessions) on a port of its own. The schema has the test superuser.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  ensureBuilt();
  const count = options.nodes ?? 3;
  const schema = `cluster_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const dirs: string[] = [];
  const nodes: SpawnedServer[] = [];
  let nginx: ChildProcess | undefined;
  const prefix = mkdtempSync(join(tmpdir(), "backroom-nginx-"));
  const close = async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx?.once("exit", resolve));
      nginx.kill("SIGQUIT");
      await exited;
    }
    await Promise.all(nodes.map((n) => killProcess(n.child)));
    await dropSchema(schema);
    for (const dir of [...dirs, prefix]) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const storeArgs = ["--db", PG_URL, "--db-schema", schema];
    const env: Record<string, string> = {
      BACKROOM_DRAIN_MS: "0",
      ...(options.redis ? { BACKROOM_REDIS: options.redis } : {}),
      ...(options.redisKeyPrefix ? { BACKROOM_REDIS_PREFIX: options.redisKeyPrefix } : {}),
    };
    // The schema, its system tables and the superuser, before any node starts.
    await run(
      process.execPath,
      [
        join(ROOT, "bin", "backroom.js"),
        "superuser",
        "upsert",
        SUPERUSER.email,
        SUPERUSER.password,
        ...storeArgs,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, BACKROOM_LOG_LEVEL: "silent" },
      },
    );
    for (let i = 0; i < count; i++) {
      const dir = mkdtempSync(join(tmpdir(), `backroom-cluster-node${i + 1}-`));
      dirs.push(dir);
      nodes.push(await serveProcess([...storeArgs, "--dir", dir], env));
    }
    const port = await freePort();
    // Run as root, nginx's workers switch to `nobody`: they must be able to write the temp folders.
    chmodSync(prefix, 0o755);
    for (const sub of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
      mkdirSync(join(prefix, sub));
      chmodSync(join(prefix, sub), 0o777);
    }
    const upstreams = nodes.map((n) => new URL(n.url).host);
    const conf = join(prefix, "nginx.conf");
    writeFileSync(conf, nginxConf(shippedNginxConf(), upstreams, port, prefix));
    let output = "";
    nginx = spawn(NGINX, ["-p", prefix, "-c", conf, "-e", join(prefix, "error.log")], { stdio: "pipe" });
    nginx.stdout?.on("data", (d) => {
      output += d;
    });
    nginx.stderr?.on("data", (d) => {
      output += d;
    });
    await waitForPort(port, nginx, () => output + readIfThere(join(prefix, "error.log")));
    return {
      url: `http://127.0.0.1:${port}`,
      nodeUrls: nodes.map((n) => n.url),
      nodes,
      schema,
      accessLog: () =>
        readIfThere(join(prefix, "access.log"))
          .split("\n")
          .filter((l) => l !== ""),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

function readIfThere(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}
