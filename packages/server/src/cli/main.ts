import { createLogger } from '../logger.js';
import { apikeyCommand, apikeyHelp } from './apikey.js';
import { backupCommand, backupHelp } from './backup.js';
import { exportCommand, exportHelp } from './export.js';
import { migrateCommand, migrateHelp } from './migrate.js';
import { CliError } from './open-database.js';
import { restoreCommand, restoreHelp } from './restore.js';
import { rollupCommand, rollupHelp } from './rollup.js';
import { schemaCommand, schemaHelp } from './schema.js';
import { seedCommand, seedHelp } from './seed.js';
import { serveCommand, serveHelp } from './serve.js';
import { tokenCommand, tokenHelp } from './token.js';

interface Command {
  /** One line for `fulian --help`. */
  summary: string;
  help: string;
  run: (args: string[]) => Promise<void>;
}

const commands: Record<string, Command> = {
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
    summary: 'write schema/schema.graphql from the code, or check it (--check)',
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

const width = Math.max(...Object.keys(commands).map((name) => name.length));
const usage = `Usage: fulian <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`)
  .join('\n')}

Run \`fulian <command> --help\` for a command's options.`;

const logger = createLogger();
const [name, ...args] = process.argv.slice(2);
const command = name ? commands[name] : undefined;

if (!command) {
  console.log(usage);
  process.exitCode = name && name !== '--help' && name !== 'help' ? 1 : 0;
} else if (args.includes('--help') || args.includes('-h')) {
  console.log(command.help);
} else {
  try {
    await command.run(args);
  } catch (error) {
    // Known failures print one line; anything else is a bug and keeps its stack.
    if (
      error instanceof CliError ||
      (error instanceof TypeError &&
        'code' in error &&
        String(error.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      console.error(`fulian ${name}: ${error.message}`);
    } else {
      console.error(error);
    }
    process.exitCode = 1;
  }
}
