import { defineConfig } from "vitest/config";

// Tests live next to the code they specify (src/**/*.test.ts); bench/ has its own smoke test.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "bench/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: process.env.CI ? ["default"] : ["default"],
  },
});
