import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { ADMIN_BUILD_DIR } from "./static-ui.js";

/** The budget for the admin's JavaScript, gzipped. */
const BUDGET_BYTES = 300 * 1024;

describe("the admin build", () => {
  it("ships under 300 KB of gzipped JavaScript", () => {
    const assets = join(ADMIN_BUILD_DIR, "assets");
    if (!existsSync(join(ADMIN_BUILD_DIR, "index.html")))
      throw new Error("The admin UI is not built: run npm run build:admin (npm test does it first).");
    const scripts = readdirSync(assets).filter((name) => name.endsWith(".js"));
    expect(scripts.length).toBeGreaterThan(0);
    const sizes = Object.fromEntries(
      scripts.map((name) => [name, gzipSync(readFileSync(join(assets, name))).length]),
    );
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    mkdirSync(join("test-artifacts", "admin"), { recursive: true });
    writeFileSync(
      join("test-artifacts", "admin", "bundle-size.json"),
      JSON.stringify({ totalGzipBytes: total, sizes }, null, 2),
    );
    expect(total, `gzipped JS: ${JSON.stringify(sizes)}`).toBeLessThan(BUDGET_BYTES);
  });
});
