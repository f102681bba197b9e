import { Readable } from "node:stream";
import { badRequest } from "../errors/api-error.js";
import { randomId } from "../ids.js";
import type { Settings } from "../settings/settings-model.js";
import { openS3, s3OptionsFromSettings } from "./settings-storage.js";
import type { FileStorage } from "./storage.js";
import { TEMP_PREFIX } from "./storage.js";

/** How long the whole check may take before it counts as a failure. */
export const S3_TEST_TIMEOUT_MS = 10_000;

/**
 * Checks the saved S3 settings the way uploads will use them: writes a small object, reads it
 * back and deletes it. Failures become a 400 whose message names the step and the storage's
 * answer (never the credentials).
 */
export async function testS3Settings(
  s3: Settings["s3"],
  open: (options: ReturnType<typeof s3OptionsFromSettings>) => Promise<FileStorage> = openS3,
  timeoutMs = S3_TEST_TIMEOUT_MS,
): Promise<void> {
  if (!s3.enabled)
    throw badRequest("S3 storage is not enabled: save the S3 settings with it turned on first.");
  const storage = await open({ ...s3OptionsFromSettings(s3), maxAttempts: 1 });
  const key = `${TEMP_PREFIX}backroom_s3_test_${randomId(10)}`;
  const content = `Backroom S3 check ${new Date().toISOString()}`;
  let step = "write";
  let timer: NodeJS.Timeout | undefined;
  const check = async () => {
    await storage.write(key, Readable.from([Buffer.from(content)]), "text/plain");
    step = "read";
    const chunks: Buffer[] = [];
    for await (const chunk of await storage.read(key)) chunks.push(Buffer.from(chunk));
    if (Buffer.concat(chunks).toString() !== content) throw new Error("the object read back differs");
    step = "delete";
    await storage.delete(key);
  };
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    throw badRequest(`S3 check failed at ${step}: ${describe(err)}`);
  } finally {
    clearTimeout(timer);
    await storage.close().catch(() => {});
  }
}

/**
 * The storage's answer in a few words: the S3 error code and HTTP status, or the network error
 * code (ECONNREFUSED, ENOTFOUND, …); never the credentials or a server's free text.
 */
function describe(err: unknown): string {
  const e = err as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  if (status) return `${e.name && e.name !== "Error" ? e.name : "error"} (HTTP ${status})`;
  if (e.code) return e.code;
  if (e.name && e.name !== "Error") return e.name;
  return (e.message ?? "unknown error").replace(/\s+/g, " ").slice(0, 120);
}
