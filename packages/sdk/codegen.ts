import type { CodegenConfig } from '@graphql-codegen/cli';
import type { CodegenPlugin } from '@graphql-codegen/plugin-helpers';
import * as operationMap from './codegen/operation-map.js';

// The SDK's own plugin lives in this package; every other name loads as a package.
const localPlugins: Record<string, CodegenPlugin> = { 'fulian-operation-map': operationMap };

const config: CodegenConfig = {
  schema: '../../schema/schema.graphql',
  documents: ['src/operations/*.graphql'],
  pluginLoader: async (name) => localPlugins[name] ?? import(name),
  generates: {
    'src/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        // Documents are strings at run time (TypedDocumentString), so the SDK needs no
        // `graphql` package; their types still carry the result and the variables.
        documentMode: 'string',
        // Enums as string unions: nothing to import at run time, and plain literals work.
        enumsAsTypes: true,
        useTypeImports: true,
        // A new custom scalar in the schema must be mapped here deliberately, to the JSON the
        // server sends for it.
        strictScalars: true,
        scalars: {
          // RFC 3339 date-times at UTC, e.g. 2021-02-09T08:00:00Z.
          DateTime: 'string',
          // Exact decimals (figures, money) travel as strings; never parse them as floats.
          Decimal: 'string',
          // Figures as people type them ("338万", "33.91%", 2679): sent as a string or number.
          TypedNumber: { input: 'string | number', output: 'string' },
          JSONObject: 'Record<string, unknown>',
        },
      },
    },
    'src/generated/operations.ts': {
      plugins: ['fulian-operation-map'],
    },
  },
};

export default config;
