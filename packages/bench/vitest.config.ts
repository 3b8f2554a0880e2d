import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: [
      {
        find: /^@fulian\/server$/,
        replacement: fileURLToPath(new URL('../server/src/index.ts', import.meta.url)),
      },
      // One graphql for the server's sources, type-graphql and Apollo: its CommonJS build
      // (see packages/server/vitest.config.ts).
      { find: /^graphql$/, replacement: 'graphql/index.js' },
    ],
  },
  test: {
    name: 'bench',
    include: ['test/**/*.test.ts'],
    // Generating the sample data set and starting `fulian serve` take a few seconds each.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
