import { readFileSync } from 'node:fs';
import type { PluginFunction } from '@graphql-codegen/plugin-helpers';
import { readCatalog, type OperationEntry } from './operation-catalog.js';

/**
 * A graphql-codegen plugin that writes the table the client is built from: one entry per
 * operation (its kind, its typed document, how it carries an idempotency key) and, for the
 * operations that page by cursor, the path from the result to the connection.
 */
export const plugin: PluginFunction = (_schema, files) => {
  const catalog = readCatalog(
    files.map((file) => {
      // The loaded documents have lost their comments, which describe each operation: read
      // the files again.
      const location = file.location ?? '';
      return { location, text: readFileSync(location, 'utf8') };
    }),
  );
  const imports = catalog.map((entry) => `  ${entry.name}Document,`).join('\n');
  const operations = catalog.map(operationEntry).join('\n');
  const connections = catalog
    .filter((entry) => entry.connection)
    .map((entry) => `  ${entry.method}: ${JSON.stringify(entry.connection)},`)
    .join('\n');
  return [
    `import {\n${imports}\n} from './graphql.js';`,
    '',
    '/** Every operation of the SDK; the client has one method per entry. */',
    `export const operations = {\n${operations}\n} as const;`,
    '',
    '/** The operations that page by cursor: the response keys down to their connection. */',
    `export const connections = {\n${connections}\n} as const;`,
    '',
  ].join('\n');
};

function operationEntry(entry: OperationEntry): string {
  const fields = [
    `kind: '${entry.kind}'`,
    `document: ${entry.name}Document`,
    ...(entry.idempotencyKey ? [`idempotencyKey: '${entry.idempotencyKey}'`] : []),
  ];
  return `  /** ${entry.description} */\n  ${entry.method}: { ${fields.join(', ')} },`;
}
