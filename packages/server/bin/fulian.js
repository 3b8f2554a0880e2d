#!/usr/bin/env node
// Runs the compiled CLI, as it ships: `npm run build` first in a checkout.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error('fulian: the server is not built (no dist/); run `npm run build` first');
  process.exit(1);
}
await import(main.href);
