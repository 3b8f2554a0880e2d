import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    alias: {
      '@fulian/server': fileURLToPath(new URL('../server/src/index.ts', import.meta.url)),
    },
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
