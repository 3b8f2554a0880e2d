/** One subcommand of a command-line program. */
export interface CliCommand {
  /** One line for `<program> --help`. */
  summary: string;
  help: string;
  run: (args: string[]) => Promise<void>;
}

/** A failure the user can act on: printed as one line, without a stack. */
export class CliError extends Error {}

function isUsageFailure(error: unknown): error is Error {
  return (
    error instanceof CliError ||
    (error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS'))
  );
}

/**
 * Runs the subcommand named by the first argument: the usage for none, `help` or an unknown
 * one (exit 1 for an unknown one), the command's help for `--help`, else the command. A
 * `CliError` or a malformed option prints one line; anything else is a bug and keeps its stack.
 */
export async function runCli(
  program: string,
  commands: Record<string, CliCommand>,
  argv: readonly string[],
): Promise<void> {
  const [name, ...args] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.log(usage(program, commands));
    process.exitCode = name && name !== '--help' && name !== 'help' ? 1 : 0;
    return;
  }
  if (args.includes('--help') || args.includes('-h')) {
    console.log(command.help);
    return;
  }
  try {
    await command.run(args);
  } catch (error) {
    console.error(isUsageFailure(error) ? `${program} ${name}: ${error.message}` : error);
    process.exitCode = 1;
  }
}

function usage(program: string, commands: Record<string, CliCommand>): string {
  const width = Math.max(...Object.keys(commands).map((name) => name.length));
  const lines = Object.entries(commands).map(
    ([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: ${program} <command> [options]

Commands:
${lines.join('\n')}

Run \`${program} <command> --help\` for a command's options.`;
}
