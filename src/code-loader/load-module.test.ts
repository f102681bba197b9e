import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { backroomEntryExists, backroomEntryUrl } from "./backroom-entry.js";
import { CodeLoadError } from "./code-load-error.js";
import { loadModule } from "./load-module.js";

let app: string;

/** Writes `files` (path relative to the temp app → content) and returns the absolute path of the first. */
function write(files: Record<string, string>): string {
  const paths = Object.entries(files).map(([rel, content]) => {
    const path = join(app, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  });
  return paths[0] as string;
}

function enclosingAppOf(dir: string): string | undefined {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if (existsSync(join(d, "package.json")) || existsSync(join(d, "node_modules"))) return d;
    if (dirname(d) === d) return undefined;
  }
}

const cacheDir = () => join(app, "node_modules", ".cache", "backroom");

async function loadError(file: string): Promise<CodeLoadError> {
  const err = await loadModule(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CodeLoadError);
  return err as CodeLoadError;
}

beforeEach(() => {
  app = mkdtempSync(join(tmpdir(), "backroom-loader-"));
  write({ "package.json": JSON.stringify({ name: "my-app", type: "module" }) });
});
afterEach(() => rmSync(app, { recursive: true, force: true }));

describe("loadModule", () => {
  it("compiles TypeScript syntax: types, interfaces, enums, generics, satisfies", async () => {
    const file = write({
      "hooks/main.ts": `
        interface Order { total: number }
        enum Status { Open = "open", Paid = "paid" }
        type Pair<T> = [T, T];
        const pair: Pair<number> = [1, 2];
        export const order = { total: pair[0] + pair[1] } satisfies Order;
        export const status: Status = Status.Paid;
        export function double<T extends number>(n: T): number { return n * 2; }
      `,
    });
    const mod = await loadModule(file);
    expect(mod.order).toEqual({ total: 3 });
    expect(mod.status).toBe("paid");
    expect((mod.double as (n: number) => number)(21)).toBe(42);
  });

  it("bundles relative imports of the user's own files, with or without an extension", async () => {
    const file = write({
      "hooks/main.ts": `import { tax } from "./lib/tax"; import { round } from "./lib/round.ts";
        export const total = round(tax(100));`,
      "hooks/lib/tax.ts": "export const tax = (n: number): number => n * 1.2049;",
      "hooks/lib/round.ts": "export const round = (n: number): number => Math.round(n * 100) / 100;",
    });
    expect((await loadModule(file)).total).toBe(120.49);
  });

  it("resolves npm packages from the app's own node_modules, left as imports rather than bundled", async () => {
    write({
      "node_modules/fake-greeter/package.json": JSON.stringify({
        name: "fake-greeter",
        type: "module",
        exports: "./index.js",
      }),
      "node_modules/fake-greeter/index.js": `export const greet = (n) => "hello " + n; export const marker = {};`,
    });
    const first = write({
      "hooks/a.ts": `import { greet, marker } from "fake-greeter"; export const text: string = greet("bob"); export { marker };`,
    });
    const second = write({ "hooks/b.ts": `import { marker } from "fake-greeter"; export { marker };` });
    const a = await loadModule(first);
    expect(a.text).toBe("hello bob");
    // Kept external: both files see the package's single instance.
    expect((await loadModule(second)).marker).toBe(a.marker);
    const compiled = readdirSync(cacheDir()).filter((f) => f.startsWith("a-"));
    expect(compiled).toHaveLength(1);
    expect(readFileSync(join(cacheDir(), compiled[0] as string), "utf8")).toContain('from "fake-greeter"');
  });

  it('points "backroom" at the server\'s built public entry, one instance shared by every loaded file', async () => {
    expect(backroomEntryExists(), "dist/bundle/index.js is built by `npm test` (pretest)").toBe(true);
    const first = write({
      "hooks/a.ts": `import { ApiError } from "backroom";
        export const Err = ApiError;
        export const made = new ApiError(404, "nope");`,
    });
    const second = write({
      "hooks/b.ts": `import { ApiError } from "backroom"; export const Err = ApiError;`,
    });
    const a = await loadModule(first);
    const b = await loadModule(second);
    expect(b.Err).toBe(a.Err);
    expect(a.made).toBeInstanceOf(a.Err as new (...args: never[]) => unknown);
    expect((a.made as { status: number }).status).toBe(404);
    const compiled = readdirSync(cacheDir()).find((f) => f.startsWith("a-")) as string;
    expect(readFileSync(join(cacheDir(), compiled), "utf8")).toContain(`from "${backroomEntryUrl.href}"`);
  });

  it('refuses "backroom/<subpath>": only the main entry is public', async () => {
    const file = write({ "hooks/main.ts": `import { x } from "backroom/internal"; export { x };` });
    expect((await loadError(file)).message).toMatch(
      /hooks\/main\.ts:1:19: "backroom\/internal" is not public/,
    );
  });

  it("returns the same instance for unchanged content and a new one after a change, keeping one compiled copy", async () => {
    const file = write({
      "hooks/main.ts": `import { base } from "./base"; export const state = { value: base + 1 };`,
      "hooks/base.ts": "export const base = 0;",
    });
    const v1 = await loadModule(file);
    expect(await loadModule(file)).toBe(v1);

    write({ "hooks/main.ts": `import { base } from "./base"; export const state = { value: base + 2 };` });
    const v2 = await loadModule(file);
    expect(v2.state).toEqual({ value: 2 });
    expect(v1.state).toEqual({ value: 1 });

    // A change in a relatively imported file alone is a change too.
    write({ "hooks/base.ts": "export const base = 10;" });
    const v3 = await loadModule(file);
    expect(v3.state).toEqual({ value: 12 });
    expect(readdirSync(cacheDir()).filter((f) => f.startsWith("main-"))).toHaveLength(1);
  });

  it("keeps copies of same-named files in different folders apart", async () => {
    const a = write({ "hooks/index.ts": "export const from = 'hooks';" });
    const b = write({ "migrations/index.ts": "export const from = 'migrations';" });
    expect((await loadModule(a)).from).toBe("hooks");
    expect((await loadModule(b)).from).toBe("migrations");
    expect(readdirSync(cacheDir()).filter((f) => f.startsWith("index-"))).toHaveLength(2);
  });

  it("falls back to a .backroom-cache folder next to the source outside any app", async () => {
    rmSync(join(app, "package.json"));
    const file = write({ "lone/main.ts": "export const ok: boolean = true;" });
    expect((await loadModule(file)).ok).toBe(true);
    // The temp dir may itself sit inside an app; then that app's cache is the right answer.
    const enclosingApp = enclosingAppOf(app);
    const expectedDir = enclosingApp
      ? join(enclosingApp, "node_modules", ".cache", "backroom")
      : join(app, "lone", ".backroom-cache");
    expect(readdirSync(expectedDir).some((f) => f.startsWith("main-"))).toBe(true);
  });

  it("uses the given cacheDir", async () => {
    const file = write({ "hooks/main.ts": "export const ok = 1;" });
    await loadModule(file, { cacheDir: join(app, "my-cache") });
    expect(readdirSync(join(app, "my-cache")).some((f) => f.startsWith("main-"))).toBe(true);
  });

  it("reports a syntax error as file:line:column with the offending line and a caret", async () => {
    const file = write({ "hooks/main.ts": "export const a = 1;\nexport const b: number = ;\n" });
    const err = await loadError(file);
    expect(err.message).toContain(`${file}:2:26: Unexpected ";"`);
    expect(err.message).toContain("2 | export const b: number = ;");
    expect(err.message).toMatch(/\n\s+\| {26}\^/);
    expect(err.problems).toEqual([
      { file, line: 2, column: 26, message: 'Unexpected ";"', lineText: "export const b: number = ;" },
    ]);
  });

  it("names the imported file that has the error", async () => {
    const file = write({
      "hooks/main.ts": `import "./broken";`,
      "hooks/broken.ts": "export const x = (;\n",
    });
    const err = await loadError(file);
    expect(err.message).toContain(`${join(app, "hooks/broken.ts")}:1:19: Unexpected ";"`);
  });

  it("lists every error, not just the first", async () => {
    const file = write({
      "hooks/main.ts": `import "./broken";\nimport "./missing";`,
      "hooks/broken.ts": "export const x = (;\n",
    });
    const err = await loadError(file);
    expect(err.message).toMatch(/\(2 errors\)/);
    expect(err.message).toContain(`${join(app, "hooks/broken.ts")}:1:19: Unexpected ";"`);
    expect(err.message).toContain(`${file}:2:8: Could not resolve "./missing"`);
  });

  it("wraps an error thrown at import time, naming the file, with a stack pointing at the source line", async () => {
    const file = write({
      "hooks/main.ts": `type T = string;\nconst label: T = "x";\nthrow new Error("boom " + label);\n`,
    });
    const err = await loadError(file);
    expect(err.message).toBe(`${file} threw while loading: boom x`);
    expect(String((err.cause as Error).stack)).toContain(`${file}:3:`);
  });

  it("reports a missing file and a missing npm package clearly", async () => {
    expect((await loadError(join(app, "hooks/none.ts"))).message).toMatch(/none\.ts: no such file/);
    const file = write({ "hooks/main.ts": `import { x } from "not-installed-pkg"; export { x };` });
    const missing = (await loadError(file)).message;
    expect(missing).toMatch(/main\.ts threw while loading: .*not-installed-pkg/);
    // Named after the source, not the compiled copy in the cache.
    expect(missing).toContain(`imported from ${file}`);
    expect(missing).not.toContain(".cache");
  });
});
