#!/usr/bin/env node
// Runs the harness from its TypeScript sources through tsx, with the bench tsconfig so that
// `@fulian/server` resolves to the server's sources in this checkout.
import { fileURLToPath } from 'node:url';

const { register } = await import('tsx/esm/api');
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import(new URL('../src/cli.ts', import.meta.url).href);
