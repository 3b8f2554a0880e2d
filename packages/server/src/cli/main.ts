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

const commands: Record<string, { help: string; run: (args: string[]) => Promise<void> }> = {
  serve: { help: serveHelp, run: (args) => serveCommand(args, logger) },
  migrate: { help: migrateHelp, run: (args) => migrateCommand(args, logger) },
  seed: { help: seedHelp, run: (args) => seedCommand(args, logger) },
  schema: { help: schemaHelp, run: (args) => schemaCommand(args) },
  token: { help: tokenHelp, run: (args) => tokenCommand(args, logger) },
  apikey: { help: apikeyHelp, run: (args) => apikeyCommand(args, logger) },
  export: { help: exportHelp, run: (args) => exportCommand(args, logger) },
  rollup: { help: rollupHelp, run: (args) => rollupCommand(args, logger) },
  backup: { help: backupHelp, run: (args) => backupCommand(args, logger) },
  restore: { help: restoreHelp, run: (args) => restoreCommand(args, logger) },
};

const usage = `Usage: fulian <command> [options]

Commands:
${Object.keys(commands)
  .map((name) => `  ${name}`)
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
