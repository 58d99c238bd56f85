import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    // global.gc() for the tests that prove deadlines survive garbage collection.
    execArgv: ["--expose-gc"],
    // Workers log one JSON line per request; show them only for tests that fail.
    silent: "passed-only",
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
