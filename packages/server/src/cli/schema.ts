import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printContract, printSubgraphContract } from '../schema.js';
import { CliError } from './dispatch.js';

export const schemaHelp = `Usage: fulian schema [--check] [--out FILE] [--subgraph-out FILE]

Prints the GraphQL schema from the code into schema/schema.graphql (the contract the SDK is
generated from) and the same graph as an Apollo Federation 2 subgraph into
schema/subgraph.graphql (what \`fulian serve --subgraph\` answers to \`_service { sdl }\`). With
--check, writes nothing and fails when a committed file differs.`;

const schemaDir = new URL('../../../../schema/', import.meta.url);

export async function schemaCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      check: { type: 'boolean' },
      out: { type: 'string' },
      'subgraph-out': { type: 'string' },
    },
  });
  const files = [
    {
      file: values.out ?? fileURLToPath(new URL('schema.graphql', schemaDir)),
      sdl: await printContract(),
    },
    {
      file: values['subgraph-out'] ?? fileURLToPath(new URL('subgraph.graphql', schemaDir)),
      sdl: await printSubgraphContract(),
    },
  ];
  for (const { file, sdl } of files) {
    if (values.check) {
      const committed = await readFile(file, 'utf8').catch(() => '');
      if (committed !== sdl) {
        throw new CliError(
          `${file} differs from the schema in the code: run \`npm run schema\` and commit it`,
        );
      }
      console.log(`${file} matches the code`);
    } else {
      await writeFile(file, sdl);
      console.log(`wrote ${file}`);
    }
  }
}
