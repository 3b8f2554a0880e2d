import {
  getArgumentValues,
  getOperationAST,
  Kind,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from 'graphql';
import { describeViewer } from '../auth/viewer.js';
import type { Logger } from '../logger.js';
import type { RequestHooks, RequestPart } from '../request-hooks.js';

/** How one mutation field ended: done, refused by a rule or a limit, or failed inside. */
export type Outcome = 'ok' | 'refused' | 'failed';

/**
 * Logs every mutation, done or refused, with who asked, what it targeted (the field and its
 * arguments) and how it ended, one pino line per mutation field. Refusals before execution
 * (validation, cost, rate limit) are logged too: the document is known by then.
 */
export function auditPart(logger: Logger): RequestPart {
  const hooks: RequestHooks = {
    async willSendResponse({ document, request, contextValue, response, schema }) {
      if (!document) return;
      const operation = getOperationAST(document, request.operationName);
      if (operation?.operation !== 'mutation') return;
      const errors =
        response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
      const fields = operation.selectionSet.selections.filter(
        (selection): selection is FieldNode => selection.kind === Kind.FIELD,
      );
      for (const field of fields) {
        const key = field.alias?.value ?? field.name.value;
        // Errors with no path refused the whole request; others belong to one field.
        const own = errors.filter((error) => !error.path || error.path[0] === key);
        logger.info(
          {
            audit: 'mutation',
            requestId: contextValue.requestId,
            viewer: describeViewer(contextValue.viewer),
            operationName: operation.name?.value ?? null,
            mutation: field.name.value,
            target: argumentsOf(schema, field, request.variables ?? {}),
            outcome: outcomeOf(own),
            errors: own.map((error) => error.extensions ?? {}),
          },
          'mutation',
        );
      }
    },
  };
  return { requestDidStart: () => hooks };
}

function outcomeOf(errors: readonly GraphQLFormattedError[]): Outcome {
  if (errors.length === 0) return 'ok';
  // Ours are the failures: INTERNAL, and UNAVAILABLE (out of time, or no database).
  const failed = errors.some((error) =>
    ['INTERNAL', 'UNAVAILABLE'].includes(String(error.extensions?.code)),
  );
  return failed ? 'failed' : 'refused';
}

/** The field's arguments as the resolver saw them, or as written when they did not coerce. */
function argumentsOf(
  schema: GraphQLSchema,
  field: FieldNode,
  variables: Record<string, unknown>,
): Record<string, unknown> {
  const definition = schema.getMutationType()?.getFields()[field.name.value];
  if (definition) {
    try {
      return getArgumentValues(definition, field, variables);
    } catch {
      // Fall through to the raw variables: a refused request still says what it aimed at.
    }
  }
  return { variables };
}
