import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // The server runs in process here: give its sources graphql's CommonJS build, the one
    // type-graphql and Apollo load, not a second copy (see packages/server/vitest.config.ts).
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    name: 'sdk',
    include: ['test/**/*.test.ts'],
    // Each file seeds the Hunan tree once; the consumer test also packs and compiles.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
