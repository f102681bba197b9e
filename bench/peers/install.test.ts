import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { installPeer, peersCacheDir } from "./install.mjs";

// Real npm installs of a package folder made here: no registry involved, and fast.
function makePackage(root: string, name: string, version: string) {
  const dir = join(root, `${name}-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name, version, main: "index.js" }));
  writeFileSync(join(dir, "index.js"), `module.exports = ${JSON.stringify(version)};\n`);
  return dir;
}

describe("bench:peers installs", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), "peers-install-"));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("lives outside the repository: BACKROOM_PEERS_DIR, else the user's cache folder", () => {
    expect(peersCacheDir({ BACKROOM_PEERS_DIR: "/somewhere" })).toBe("/somewhere");
    expect(peersCacheDir({ XDG_CACHE_HOME: "/cache" })).toBe("/cache/backroom-bench-peers");
    expect(peersCacheDir({})).toBe(join(homedir(), ".cache", "backroom-bench-peers"));
  });

  it("installs once, reuses the install, and starts over when the packages change", async () => {
    const cacheDir = join(root, "cache");
    const v1 = makePackage(root, "bench-fake-peer", "1.0.0");
    const v2 = makePackage(root, "bench-fake-peer", "2.0.0");

    const first = await installPeer("fake", [v1], { cacheDir });
    expect(first).toEqual({ dir: join(cacheDir, "fake"), cached: false });
    const installed = join(first.dir, "node_modules", "bench-fake-peer", "index.js");
    expect(readFileSync(installed, "utf8")).toContain("1.0.0");
    const markerTime = statSync(join(first.dir, ".backroom-peer.json")).mtimeMs;

    const again = await installPeer("fake", [v1], { cacheDir });
    expect(again.cached).toBe(true);
    expect(statSync(join(first.dir, ".backroom-peer.json")).mtimeMs).toBe(markerTime);

    const changed = await installPeer("fake", [v2], { cacheDir });
    expect(changed.cached).toBe(false);
    expect(readFileSync(installed, "utf8")).toContain("2.0.0");
  }, 120_000);

  it("fails with npm's reason and leaves no install that a later run would reuse", async () => {
    const cacheDir = join(root, "cache");
    const missing = join(root, "no-such-package");
    await expect(installPeer("broken", [missing], { cacheDir })).rejects.toThrow(
      /npm install .* failed .*npm error/,
    );
    // The half-made folder is not taken for an install: the same packages are tried again.
    await expect(installPeer("broken", [missing], { cacheDir })).rejects.toThrow(/npm install .* failed/);
  }, 120_000);
});
