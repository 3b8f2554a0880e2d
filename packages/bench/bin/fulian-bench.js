#!/usr/bin/env node
// Runs the harness from its TypeScript sources through tsx, with the bench tsconfig so that
// `@fulian/server` resolves to the server's sources in this checkout.
import { fileURLToPath } from 'node:url';

// The server in process is measured as it is deployed (graphql-js skips its development-mode
// checks in production), like the one served over HTTP.
process.env.NODE_ENV ??= 'production';

const { register } = await import('tsx/esm/api');
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import(new URL('../src/cli.ts', import.meta.url).href);
