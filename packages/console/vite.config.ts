import { defineConfig } from 'vite';

// The API the dev server forwards to (`npm run dev -w @fulian/console` beside a running
// `npm start`); the built console is served by `fulian serve` itself, from the same origin.
const api = process.env.FULIAN_API ?? 'http://localhost:4000';

export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    target: 'es2022',
    // No inline scripts or styles: the server's CSP allows only files of its own origin.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: {
      '/graphql': { target: api, ws: true, changeOrigin: true },
      '/console/local-admin': { target: api, changeOrigin: false },
      '/spreadsheets': { target: api, changeOrigin: true },
    },
  },
});
