import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    // A local three-master Redis Cluster for the run (the state-store tests' third store).
    globalSetup: ['./test/state/support/redis-cluster-setup.ts'],
    // Property tests and real-server tests are CPU- and I/O-bound; wall-clock limits stay generous.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
