import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    // CLI tests start real processes; keep their output readable and give them time on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Two workers on this 2-core machine: the CLI tests mostly wait for child processes (helm, kubectl, the
    // binary), so the default (cores - 1 = one worker) left a core idle and doubled the suite's wall time.
    maxWorkers: 2,
    // .ci/run sets VITEST_JSON_REPORT to read the counts (CI does not parse vitest's own summary).
    ...(process.env.VITEST_JSON_REPORT
      ? { reporters: ['default', 'json'], outputFile: { json: process.env.VITEST_JSON_REPORT } }
      : {}),
  },
});
