import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { ConfigInput } from "../config/config.js";

export interface S3TestServer {
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  close(): Promise<void>;
}

/** s3rver's fixed development credentials. */
const CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

/**
 * Starts a real S3-protocol server (s3rver, pure Node) as its own process on 127.0.0.1 with a
 * free port, a temp data folder and one bucket. Close it to stop it and remove the data.
 */
export async function startS3Server(bucket = "backroom-test"): Promise<S3TestServer> {
  const dir = mkdtempSync(join(tmpdir(), "backroom-s3-"));
  const bin = join(
    dirname(createRequire(import.meta.url).resolve("s3rver/package.json")),
    "bin",
    "s3rver.js",
  );
  const child = spawn(
    process.execPath,
    [bin, "-d", dir, "-a", "127.0.0.1", "-p", "0", "--configure-bucket", bucket],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 15_000);
    const onData = (data: Buffer) => {
      out += data.toString();
      const m = /listening on [\d.]+:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`s3rver exited (${code}): ${out}`)));
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    ...CREDENTIALS,
    close: () => stopChild(child).finally(() => rmSync(dir, { recursive: true, force: true })),
  };
}

/**
 * The config that puts a server's files in this S3 server's bucket, under a prefix of their own
 * (several servers of one suite share the bucket). Credentials go by environment, as in production.
 */
export function s3Config(
  s3: Pick<S3TestServer, "endpoint" | "bucket" | "accessKeyId" | "secretAccessKey">,
  prefix: string,
): { input: ConfigInput; env: Record<string, string> } {
  return {
    input: { s3Bucket: s3.bucket, s3Endpoint: s3.endpoint, s3ForcePathStyle: true, s3Prefix: prefix },
    env: { BACKROOM_S3_ACCESS_KEY: s3.accessKeyId, BACKROOM_S3_SECRET: s3.secretAccessKey },
  };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
