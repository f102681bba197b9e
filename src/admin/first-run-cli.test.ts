import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/backroom.js", import.meta.url));
const SETUP_LINE =
  /^Open (http:\/\/127\.0\.0\.1:\d+)\/_\/#\/setup\/([A-Za-z0-9_-]{43}) to create your first superuser$/m;

interface Served {
  child: ChildProcess;
  url: string;
  stdout: () => string;
}

/** `backroom serve` on a data folder (the built CLI, as a person runs it); resolves once it serves. */
function serve(dir: string): Promise<Served> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, BACKROOM_LOG_LEVEL: "silent" };
    for (const key of Object.keys(env))
      if (key.startsWith("BACKROOM_") && key !== "BACKROOM_LOG_LEVEL") delete env[key];
    const child = spawn(process.execPath, [BIN, "serve", "--http", "127.0.0.1:0", "--dir", dir], { env });
    let out = "";
    let err = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start\n${out}\n${err}`)), 20_000);
    child.stderr?.on("data", (d) => {
      err += d;
    });
    child.stdout?.on("data", (d) => {
      out += d;
      const m = /Backroom serving at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        // The setup line, when there is one, is written right after: give the pipe a moment.
        setTimeout(() => resolve({ child, url: m[1] as string, stdout: () => out }), 300);
      }
    });
    child.on("exit", (code) => reject(new Error(`serve exited with ${code}\n${out}\n${err}`)));
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

describe("first run from the command line", () => {
  let dir: string;
  let running: ChildProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "backroom-first-run-"));
  });
  afterEach(async () => {
    if (running) await stop(running);
    running = undefined;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("a fresh data folder prints a setup link that creates the first superuser", async () => {
    const served = await serve(dir);
    running = served.child;
    const m = SETUP_LINE.exec(served.stdout());
    expect(m, `stdout: ${served.stdout()}`).not.toBeNull();
    const [, base, token] = m as RegExpExecArray;
    expect(base).toBe(served.url);
    const page = await fetch(`${served.url}/_/`);
    expect(page.status).toBe(200);
    const password = "a sound first password";
    const res = await fetch(`${served.url}/api/admin/setup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token, email: "owner@example.com", password, passwordConfirm: password }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { token: string }).token).toMatch(/\S/);
  });

  it("once a superuser exists, no link is printed", async () => {
    const served = await serve(dir);
    running = served.child;
    expect(served.stdout()).toContain("Backroom serving at");
    expect(served.stdout()).not.toContain("first superuser");
  });
});
