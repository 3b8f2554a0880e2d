import type {
  ApolloServerPlugin,
  GraphQLRequestContext,
  GraphQLRequestExecutionListener,
  GraphQLRequestListener,
} from '@apollo/server';
import type { Context } from './context.js';

/** The request hooks the server's own parts use (a subset of Apollo's request listener). */
export interface RequestHooks extends Pick<
  GraphQLRequestListener<Context>,
  'didResolveOperation' | 'willSendResponse'
> {
  executionDidStart?(
    context: Parameters<NonNullable<GraphQLRequestListener<Context>['executionDidStart']>>[0],
  ): Promise<Pick<GraphQLRequestExecutionListener<Context>, 'executionDidEnd'> | void>;
}

/**
 * One part of the server's request handling (availability, observability, demand control,
 * the audit log…): Apollo's request plugin, but started synchronously, and a part with nothing
 * to do for a request answers undefined.
 */
export interface RequestPart {
  requestDidStart(context: GraphQLRequestContext<Context>): RequestHooks | undefined;
}

/**
 * The parts as one Apollo plugin. Apollo runs every hook of every listener through promises,
 * the absent ones included (parsing, validation and the response-for-operation hooks are
 * awaited per listener), so five plugins cost five times its per-listener work on every
 * request (docs/performance.md, issue 14). Here each hook runs the parts that define it in
 * their order, all started before any is awaited, as Apollo runs its listeners: a part that
 * refuses the request does not keep the others from seeing it.
 */
export function requestPlugin(parts: readonly RequestPart[]): ApolloServerPlugin<Context> {
  return {
    requestDidStart: async (context) => {
      const hooks: RequestHooks[] = [];
      for (const part of parts) {
        const started = part.requestDidStart(context);
        if (started) hooks.push(started);
      }
      return combined(hooks);
    },
  };
}

function combined(hooks: readonly RequestHooks[]): GraphQLRequestListener<Context> {
  const listener: GraphQLRequestListener<Context> = {};
  if (hooks.some((hook) => hook.didResolveOperation)) {
    listener.didResolveOperation = async (context) => {
      await Promise.all(hooks.map((hook) => hook.didResolveOperation?.(context)));
    };
  }
  if (hooks.some((hook) => hook.executionDidStart)) {
    listener.executionDidStart = async (context) => {
      const started = await Promise.all(hooks.map((hook) => hook.executionDidStart?.(context)));
      const executions = started.filter((execution) => execution?.executionDidEnd);
      if (executions.length === 0) return;
      return {
        executionDidEnd: async (error) => {
          await Promise.all(executions.map((execution) => execution?.executionDidEnd?.(error)));
        },
      };
    };
  }
  if (hooks.some((hook) => hook.willSendResponse)) {
    listener.willSendResponse = async (context) => {
      await Promise.all(hooks.map((hook) => hook.willSendResponse?.(context)));
    };
  }
  return listener;
}
