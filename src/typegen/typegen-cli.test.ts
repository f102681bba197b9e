import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/backroom.js", import.meta.url));
const execFileAsync = promisify(execFile);

/** Runs the built CLI; resolves with its exit code and output (never rejects on a non-zero exit). */
async function backroom(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("BACKROOM_")) env[k] = v;
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [BIN, ...args], {
      env,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

describe("backroom typegen (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "backroom-typegen-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the types of a store's collections to --out; the SDK type only when asked or installed", async () => {
    const out = join(dir, "src", "types", "backroom.ts");
    const r = await backroom(["typegen", "--dir", join(dir, "data"), "--out", out, "--sdk"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`to ${out}`);
    const source = readFileSync(out, "utf8");
    expect(source).toContain("export interface UsersRecord {");
    expect(source).toContain("export interface SuperusersRecord {");
    expect(source).toContain('import type PocketBase from "pocketbase";');

    // No pocketbase package resolves from a temp folder: left out by default.
    const plain = join(dir, "plain.ts");
    expect((await backroom(["typegen", "--dir", join(dir, "data"), "--out", plain])).code).toBe(0);
    expect(readFileSync(plain, "utf8")).not.toContain("pocketbase");
  });

  it("--out is required: one line on stderr, exit 1", async () => {
    const r = await backroom(["typegen", "--dir", join(dir, "data")]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--out");
    expect(existsSync(join(dir, "data"))).toBe(true);
  });
});
