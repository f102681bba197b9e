import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../", import.meta.url);

describe("license", () => {
  it("ships the MIT license package.json declares, to Backroom contributors", () => {
    const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { license: string };
    expect(pkg.license).toBe("MIT");
    const text = readFileSync(new URL("LICENSE", root), "utf8");
    expect(text.split("\n")[0]).toBe("MIT License");
    expect(text).toContain("Copyright (c) 2026 Backroom contributors");
    expect(text).toContain('THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND');
  });
});
