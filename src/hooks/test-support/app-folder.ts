import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/**
 * A throwaway app folder as a user would have it: `backroom_hooks/` with the given files and a
 * real npm package in its own `node_modules` (`greeter`), which hooks import by name.
 */
export function appFolder(files: Record<string, string>): {
  root: string;
  hooks: string;
  write(name: string, text: string): void;
  unlink(name: string): void;
  remove(): void;
} {
  const root = mkdtempSync(join(tmpdir(), "backroom-hooks-app-"));
  const hooks = join(root, "backroom_hooks");
  const write = (name: string, text: string) => {
    const path = join(hooks, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  };
  const pkg = join(root, "node_modules", "greeter");
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, "package.json"),
    JSON.stringify({ name: "greeter", version: "1.0.0", type: "module", exports: "./index.js" }),
  );
  writeFileSync(join(pkg, "index.js"), 'export function greet(name) { return "Hello, " + name + "!"; }\n');
  writeFileSync(join(root, "package.json"), JSON.stringify({ name: "shop", private: true, type: "module" }));
  mkdirSync(hooks, { recursive: true });
  for (const [name, text] of Object.entries(files)) write(name, text);
  return {
    root,
    hooks,
    write,
    unlink: (name) => unlinkSync(join(hooks, name)),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
