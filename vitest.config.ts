import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A command test's worker spends much of its time waiting for the git processes it starts (and racing
    // clones back off), so run test files on every core, not vitest's default of one less: that is a
    // single worker on a two-core machine.
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
