import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // The server runs in process here: give its sources graphql's CommonJS build, the one
    // type-graphql and Apollo load, not a second copy (see packages/server/vitest.config.ts).
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    name: 'console',
    include: ['test/**/*.test.ts'],
    // One file seeds the Hunan tree once and drives Debian's chromium through it.
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
