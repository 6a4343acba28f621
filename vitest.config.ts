import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts", "**/*.test.tsx"],
    exclude: ["**/node_modules/**", "**/dist/**", ".ponder/**", "generated/**"],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // expect.poll's own default (1 s) is shorter than a first GraphQL answer on a loaded 2-core CI machine (the
    // freshness e2e failed that way): a poll gives up after 15 s, and passes the moment its value is right.
    expect: { poll: { timeout: 15_000, interval: 100 } },
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    reporters: ["default"],
  },
});
