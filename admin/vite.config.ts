import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The admin UI: built into dist/admin-ui (served by src/admin/static-ui.ts at /_/); admin/build.mjs
// type-checks and empties that folder first.
export default defineConfig({
  root: here("."),
  base: "/_/",
  publicDir: false,
  esbuild: { jsx: "automatic", jsxImportSource: "preact" },
  build: {
    outDir: here("../dist/admin-ui"),
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
});
