import { createLogger } from '../logger.js';
import { apikeyCommand, apikeyHelp } from './apikey.js';
import { backupCommand, backupHelp } from './backup.js';
import { exportCommand, exportHelp } from './export.js';
import { migrateCommand, migrateHelp } from './migrate.js';
import { runCli, type CliCommand } from './dispatch.js';
import { restoreCommand, restoreHelp } from './restore.js';
import { rollupCommand, rollupHelp } from './rollup.js';
import { schemaCommand, schemaHelp } from './schema.js';
import { seedCommand, seedHelp } from './seed.js';
import { serveCommand, serveHelp } from './serve.js';
import { tokenCommand, tokenHelp } from './token.js';

const commands: Record<string, CliCommand> = {
  serve: {
    summary: 'migrate, then serve GraphQL (with /healthz and /readyz)',
    help: serveHelp,
    run: (args) => serveCommand(args, logger),
  },
  migrate: {
    summary: 'bring the database schema to the latest migration',
    help: migrateHelp,
    run: (args) => migrateCommand(args, logger),
  },
  seed: {
    summary: 'load the federation tree and the seed data (idempotent)',
    help: seedHelp,
    run: (args) => seedCommand(args, logger),
  },
  schema: {
    summary:
      'write schema/schema.graphql and schema/subgraph.graphql from the code, or check them (--check)',
    help: schemaHelp,
    run: (args) => schemaCommand(args),
  },
  token: {
    summary: 'print a staff JWT (a first admin: --role PROVINCE_ADMIN --org 43)',
    help: tokenHelp,
    run: (args) => tokenCommand(args, logger),
  },
  apikey: {
    summary: 'create, list or revoke API keys for third parties',
    help: apikeyHelp,
    run: (args) => apikeyCommand(args, logger),
  },
  export: {
    summary: 'write a spreadsheet (a template to fill in, or a table of figures) from the database',
    help: exportHelp,
    run: (args) => exportCommand(args, logger),
  },
  rollup: {
    summary: 'recompute the maintained subtree totals and print every difference',
    help: rollupHelp,
    run: (args) => rollupCommand(args, logger),
  },
  backup: {
    summary: 'write a consistent backup of the database to one checked file',
    help: backupHelp,
    run: (args) => backupCommand(args, logger),
  },
  restore: {
    summary: 'load a backup file into an empty database, then migrate it',
    help: restoreHelp,
    run: (args) => restoreCommand(args, logger),
  },
};

const logger = createLogger();
await runCli('fulian', commands, process.argv.slice(2));
