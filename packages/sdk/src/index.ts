export {
  createClient,
  type Arguments,
  type ClientOptions,
  type Fetch,
  type FetchResponse,
  type FulianClient,
  type OperationMethods,
  type Paginators,
  type Raw,
  type UntypedDocument,
  type RequestOptions,
} from './client.js';
export {
  ERROR_CODES,
  ERROR_REASONS,
  FulianError,
  FulianHttpError,
  FulianNetworkError,
  type ErrorCode,
  type ErrorReason,
  type GraphQLErrorEntry,
  type RequestError,
} from './errors.js';
export type { RetryEvent, RetryOptions } from './retry.js';
export type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
// The typed documents and the types of their results, variables, inputs and enums.
export * from './generated/graphql.js';
