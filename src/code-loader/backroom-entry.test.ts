import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { backroomEntryExists, backroomEntryUrl } from "./backroom-entry.js";

const packageRoot = fileURLToPath(new URL("../../", import.meta.url));

/** What `import … from "backroom"` gives an app that embeds Backroom (here: the package by its own name). */
function asAnEmbeddingAppSeesIt(): { resolved: string; exports: string[]; compiledIndexExports: string[] } {
  const script = `
    const keys = async (specifier) => Object.keys(await import(specifier)).sort();
    process.stdout.write(JSON.stringify({
      resolved: import.meta.resolve("backroom"),
      exports: await keys("backroom"),
      compiledIndexExports: await keys("./dist/index.js"),
    }));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: packageRoot,
    encoding: "utf8",
  });
  return JSON.parse(out);
}

describe('the "backroom" entry that hooks import', () => {
  it("is the file the package exports, with all of src/index.ts: an app that embeds Backroom and loads hooks has one copy", () => {
    expect(backroomEntryExists(), "dist/bundle/index.js is built by `npm test` (pretest)").toBe(true);
    const app = asAnEmbeddingAppSeesIt();
    expect(app.resolved).toBe(backroomEntryUrl.href);
    expect(app.exports).toEqual(app.compiledIndexExports);
    expect(app.exports).toContain("createApp");
  });
});
