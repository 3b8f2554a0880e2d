import type {
  DocumentTypeDecoration,
  ResultOf,
  VariablesOf,
} from '@graphql-typed-document-node/core';
import { documentText, isMutation } from './document.js';
import {
  FulianError,
  FulianHttpError,
  FulianNetworkError,
  type GraphQLErrorEntry,
  type RequestError,
} from './errors.js';
import { connections, operations } from './generated/operations.js';
import {
  isTransient,
  parseRetryAfter,
  retryDelay,
  retryPolicy,
  sleep,
  type RetryOptions,
} from './retry.js';

/** The part of a fetch response the client reads; the global `Response` fits. */
export interface FetchResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The fetch the client calls; the global `fetch` of Node 20+ and browsers fits. */
export type Fetch = (
  url: string,
  init: { method: 'POST'; headers: Record<string, string>; body: string; signal?: AbortSignal },
) => Promise<FetchResponse>;

export interface ClientOptions {
  /** The GraphQL endpoint, e.g. `https://graph.example.org/graphql`. */
  endpoint: string | URL;
  /** A third party's API key, sent as `Authorization: ApiKey <key>`. */
  apiKey?: string;
  /**
   * A staff member's JWT, sent as `Authorization: Bearer <token>`. A function is called before
   * every request, so it can hand out a renewed token.
   */
  token?: string | (() => string | Promise<string>);
  /** The fetch to use; the global one by default. */
  fetch?: Fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** When to send a failed request again; `false` never does. */
  retry?: RetryOptions | false;
  /** Aborts every request of this client, e.g. on shutdown. */
  signal?: AbortSignal;
}

/** Options of one call. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** Headers for this request only, on top of the client's. */
  headers?: Record<string, string>;
}

/** Variables first, optional when the operation has no required variable; then options. */
// Record<never, never> is the empty object: it fits Variables exactly when none is required.
export type Arguments<Variables> =
  Record<never, never> extends Variables
    ? [variables?: Variables, options?: RequestOptions]
    : [variables: Variables, options?: RequestOptions];

type Operations = typeof operations;
type Connections = typeof connections;
type DocumentOf<Name extends keyof Operations> = Operations[Name]['document'];

/** The value at a path of response keys, looking through nulls. */
type At<Value, Path extends readonly string[]> = Path extends readonly [
  infer Key extends string,
  ...infer Rest extends readonly string[],
]
  ? At<Key extends keyof NonNullable<Value> ? NonNullable<Value>[Key] : never, Rest>
  : NonNullable<Value>;

type NodeOf<Connection> = Connection extends { edges: ReadonlyArray<{ node: infer Node }> }
  ? Node
  : never;

/** One method per operation, typed by its document. */
export type OperationMethods = {
  [Name in keyof Operations]: (
    ...args: Arguments<VariablesOf<DocumentOf<Name>>>
  ) => Promise<ResultOf<DocumentOf<Name>>>;
};

/**
 * One async iterator per paging operation: the nodes of every page, fetched as needed. Given
 * `last` or `before`, it reads backwards: from the end of the list (or from `before`) towards
 * its start, yielding the nodes nearest the end first.
 */
export type Paginators = {
  [Name in keyof Connections]: (
    ...args: Arguments<VariablesOf<DocumentOf<Name>>>
  ) => AsyncGenerator<NodeOf<At<ResultOf<DocumentOf<Name>>, Connections[Name]>>, void, undefined>;
};

/** A parsed document without result and variable types, such as graphql's `DocumentNode`. */
export interface UntypedDocument {
  readonly kind: string;
  readonly definitions: readonly unknown[];
}

/**
 * Sends any document: a typed one (TypedDocumentNode, TypedDocumentString) with its variables
 * and result typed, or a string or an untyped parsed document with the result type you give.
 */
export interface Raw {
  <Result, Variables>(
    document: DocumentTypeDecoration<Result, Variables>,
    ...args: Arguments<Variables>
  ): Promise<Result>;
  <Result = Record<string, unknown>>(
    document: string | UntypedDocument,
    variables?: Record<string, unknown>,
    options?: RequestOptions,
  ): Promise<Result>;
}

export type FulianClient = OperationMethods & {
  raw: Raw;
  paginate: Paginators;
};

/**
 * The header a server with a read replica answers a mutation with (the primary's position after
 * it committed), and reads back from later requests; see docs/sdk.md, "Reading your own writes".
 */
const CONSISTENCY_HEADER = 'fulian-consistency-token';

/** The server's largest page; paging through everything goes fastest with it. */
const PAGE_SIZE = 100;

type Variables = Record<string, unknown>;

/** An entry of the generated operation table, as the client reads it at run time. */
interface OperationEntry {
  kind: 'query' | 'mutation';
  document: unknown;
  idempotencyKey?: string;
}

/**
 * Creates a client for the fulian-graph API.
 *
 * @example
 * const client = createClient({ endpoint: 'https://graph.example.org/graphql', apiKey });
 * const { organization } = await client.organizationTree({ code: '43' });
 * for await (const village of client.paginate.descendants({ code: '4301', level: 'VILLAGE' })) {
 *   console.log(village.code, village.name);
 * }
 */
export function createClient(options: ClientOptions): FulianClient {
  if (options.apiKey !== undefined && options.token !== undefined) {
    throw new TypeError('Give createClient an apiKey or a token, not both');
  }
  const endpoint = String(options.endpoint);
  const policy = retryPolicy(options.retry);
  // Called through a wrapper: browsers refuse a fetch detached from its global object.
  const send: Fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));

  // The latest write this client made, as the server's consistency token: sent back with every
  // request so that a read served by a replica never predates it.
  let consistency: bigint | undefined;
  const remember = (token: string | null) => {
    if (token === null || !/^[0-9]{1,20}$/.test(token)) return;
    const position = BigInt(token);
    // Answers may arrive out of order: the furthest position covers every earlier write.
    if (consistency === undefined || position > consistency) consistency = position;
  };

  async function headersFor(call: RequestOptions | undefined): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(consistency !== undefined && { [CONSISTENCY_HEADER]: String(consistency) }),
      ...options.headers,
      ...call?.headers,
    };
    if (options.apiKey !== undefined) headers.authorization = `ApiKey ${options.apiKey}`;
    if (options.token !== undefined) {
      const token = typeof options.token === 'function' ? await options.token() : options.token;
      headers.authorization = `Bearer ${token}`;
    }
    return headers;
  }

  async function attempt(
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<unknown> {
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      const response = await send(endpoint, { method: 'POST', headers, body, signal });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      remember(response.headers.get(CONSISTENCY_HEADER));
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new FulianNetworkError(error);
    }
    const retryAfterMs = parseRetryAfter(retryAfter);
    const payload = parseResult(text);
    const [first, ...more] = payload?.errors ?? [];
    if (first)
      throw new FulianError([first, ...more], { data: payload?.data, status, retryAfterMs });
    if (status < 200 || status > 299) throw new FulianHttpError(status, text, retryAfterMs);
    if (!payload?.data) {
      throw new FulianHttpError(status, text, retryAfterMs, 'The response is not a GraphQL result');
    }
    return payload.data;
  }

  async function request(
    text: string,
    variables: Variables | undefined,
    retryable: boolean,
    call: RequestOptions | undefined,
  ): Promise<unknown> {
    const signal = eitherSignal(options.signal, call?.signal);
    const body = JSON.stringify({ query: text, variables: variables ?? {} });
    for (let retry = 1; ; retry++) {
      try {
        return await attempt(body, await headersFor(call), signal);
      } catch (error) {
        if (signal?.aborted || !isRequestError(error)) throw error;
        const delayMs =
          retryable && retry <= policy.retries && isTransient(error)
            ? retryDelay(error, retry, policy)
            : null;
        if (delayMs === null) throw error;
        policy.onRetry?.({ attempt: retry, delayMs, error });
        await sleep(delayMs, signal);
      }
    }
  }

  async function* pages(
    text: string,
    path: readonly string[],
    variables: Variables = {},
    call: RequestOptions | undefined,
  ): AsyncGenerator<unknown, void, undefined> {
    const backward = variables.last != null || variables.before != null;
    let cursor = (backward ? variables.before : variables.after) ?? null;
    for (;;) {
      const page = backward
        ? { ...variables, last: variables.last ?? PAGE_SIZE, before: cursor }
        : { ...variables, first: variables.first ?? PAGE_SIZE, after: cursor };
      const { edges, pageInfo } = follow(await request(text, page, true, call), path);
      if (backward) {
        for (const edge of [...edges].reverse()) yield edge.node;
        if (!pageInfo.hasPreviousPage || !pageInfo.startCursor) return;
        cursor = pageInfo.startCursor;
      } else {
        for (const edge of edges) yield edge.node;
        if (!pageInfo.hasNextPage || !pageInfo.endCursor) return;
        cursor = pageInfo.endCursor;
      }
    }
  }

  const table: Record<string, OperationEntry> = operations;
  const methods: Record<string, (variables?: Variables, call?: RequestOptions) => unknown> = {};
  for (const [method, operation] of Object.entries(table)) {
    const text = documentText(operation.document);
    methods[method] = (variables, call) =>
      request(text, variables, isRetryable(operation, variables), call);
  }
  const paginate: Record<string, (variables?: Variables, call?: RequestOptions) => unknown> = {};
  for (const [method, path] of Object.entries(connections)) {
    const text = documentText(table[method]!.document);
    paginate[method] = (variables, call) => pages(text, path, variables, call);
  }
  const raw = (document: unknown, variables?: Variables, call?: RequestOptions) => {
    const text = documentText(document);
    return request(text, variables, !isMutation(text), call);
  };

  return { ...methods, raw, paginate } as unknown as FulianClient;
}

/**
 * A query may always be sent again; a mutation only when it carries an idempotency key, so
 * that the server can recognise the repeat and not apply it twice.
 */
function isRetryable(operation: OperationEntry, variables: Variables | undefined): boolean {
  if (operation.kind === 'query') return true;
  const key = operation.idempotencyKey && variables?.[operation.idempotencyKey];
  return typeof key === 'string' && key !== '';
}

function isRequestError(error: unknown): error is RequestError {
  return (
    error instanceof FulianError ||
    error instanceof FulianHttpError ||
    error instanceof FulianNetworkError
  );
}

function eitherSignal(
  first: AbortSignal | undefined,
  second: AbortSignal | undefined,
): AbortSignal | undefined {
  return first && second ? AbortSignal.any([first, second]) : (first ?? second);
}

interface GraphQLResult {
  data?: Record<string, unknown> | null;
  errors?: GraphQLErrorEntry[];
}

function parseResult(text: string): GraphQLResult | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as GraphQLResult) : undefined;
  } catch {
    return undefined;
  }
}

interface Connection {
  edges: { node: unknown }[];
  pageInfo: {
    startCursor: string | null;
    endCursor: string | null;
    hasPreviousPage: boolean;
    hasNextPage: boolean;
  };
}

/** The connection at the end of a path; a null on the way means there is nothing to page. */
function follow(data: unknown, path: readonly string[]): Connection {
  let value = data;
  for (const [index, key] of path.entries()) {
    value = (value as Record<string, unknown>)[key];
    if (value === null || value === undefined) {
      const at = path.slice(0, index + 1);
      throw new FulianError(
        [{ message: `${at.join('.')} is null`, path: at, extensions: { code: 'NOT_FOUND' } }],
        { data, status: 200 },
      );
    }
  }
  return value as Connection;
}
