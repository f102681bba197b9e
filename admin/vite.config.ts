import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The admin UI: built into dist/admin (served by src/admin/static-ui.ts at /_/). tsc also writes
// the server's compiled src/admin there, so the folder is never emptied: scripts/build-admin.mjs
// clears only what this build owns (index.html and assets/) before building.
export default defineConfig({
  root: here("."),
  base: "/_/",
  publicDir: false,
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: here("../dist/admin"),
    emptyOutDir: false,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
