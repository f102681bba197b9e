import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const require = createRequire(import.meta.url);

// Tests live next to the code they specify (src/**/*.test.ts); bench/ has its own smoke test.
export default defineConfig({
  // Node loads graphql's CommonJS build (its package's "main"), as Mercurius does; Vite would pick
  // the ES build ("module"), and two copies of graphql refuse each other's schemas.
  resolve: { alias: [{ find: /^graphql$/, replacement: require.resolve("graphql") }] },
  test: {
    include: ["src/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
