import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printContract } from '../schema.js';
import { CliError } from './dispatch.js';

export const schemaHelp = `Usage: fulian schema [--check] [--out FILE]

Prints the GraphQL schema from the code into schema/schema.graphql (the contract the SDK is
generated from). With --check, writes nothing and fails when the committed file differs.`;

const contractFile = fileURLToPath(new URL('../../../../schema/schema.graphql', import.meta.url));

export async function schemaCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { check: { type: 'boolean' }, out: { type: 'string' } },
  });
  const file = values.out ?? contractFile;
  const sdl = await printContract();
  if (values.check) {
    const committed = await readFile(file, 'utf8').catch(() => '');
    if (committed !== sdl) {
      throw new CliError(
        `${file} differs from the schema in the code: run \`npm run schema\` and commit it`,
      );
    }
    console.log(`${file} matches the code`);
    return;
  }
  await writeFile(file, sdl);
  console.log(`wrote ${file}`);
}
