import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: {
    // Node loads graphql's CommonJS build for `import 'graphql'` (the package has no exports
    // map); without this, vite would hand our sources the .mjs build, a second graphql beside
    // the one type-graphql and Apollo use, and graphql's own type checks would fail across them.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    name: 'server',
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    // Loading the Hunan tree into a fresh database takes seconds on PGlite.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
