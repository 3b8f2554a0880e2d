import type { Kysely, RawBuilder } from 'kysely';
import type { Database, Role } from '@fulian/server';
import type { ScaleName } from '../generate/scale.js';

export interface GraphQLRequest {
  query: string;
  variables: Record<string, unknown>;
}

/** One HTTP request of an operation: the GraphQL body and who sends it (a bearer token). */
export interface HttpRequest {
  body: GraphQLRequest;
  headers: Record<string, string>;
}

export type Headers = Record<string, string>;

/** What an operation may use while it prepares its requests. */
export interface OperationContext {
  db: Kysely<Database>;
  scale: ScaleName;
  /** The closed reporting year the read operations ask about. */
  year: number;
  /** The year whose reports are still in progress (completeness, saves). */
  currentYear: number;
  /** Sends one request to the server and returns its data; GraphQL errors throw. */
  execute(request: HttpRequest): Promise<unknown>;
  /** Authorization headers of a member of staff in a role at an organization (code or id). */
  credentials(role: Role, organization: string): Promise<Headers>;
}

/**
 * One measured operation, ready to run: its GraphQL request(s) and the hand-written SQL
 * statement that computes the same answer. Request and statement indexes only ever grow
 * during a run (the harness never repeats one), so an operation can make every request
 * differ from the last: the page walk cycles through its pages, saves change every value.
 */
export interface PreparedOperation {
  /** What is asked, in a few words, for the report. */
  description: string;
  /** How many distinct requests one full pass makes (the page walk: one per page). */
  passLength: number;
  /**
   * The i-th request. Under HTTP load, `slot` numbers it among the requests in flight (no two
   * at once share one, and there are no more slots than connections), so an operation whose
   * next request depends on the last answer (a version) can keep each slot on state of its own.
   */
  request(index: number, slot?: number): HttpRequest;
  /** Remembers what the answer to request i tells the next request (a version). */
  onData?(index: number, data: unknown, slot?: number): void;
  /**
   * Re-reads through the graph what the requests depend on (a version): after the
   * hand-written statements changed it, and after a load run whose last answers nobody read.
   */
  sync?(execute: Execute): Promise<void>;
  /** The one hand-written statement answering request i. */
  baseline(index: number): RawBuilder<unknown>;
  /**
   * Both answers reduced to the same plain shape, so the harness can check that the GraphQL
   * request and the SQL statement compute the same thing before timing either.
   */
  // Each operation reads the answer in the shape its own request and statement give it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  fromGraphQL(data: any, index: number): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  fromSql(rows: any[], index: number): unknown;
}

export interface OperationDefinition {
  name: string;
  prepare(context: OperationContext): Promise<PreparedOperation>;
}

/** Sends one request to the graph and resolves with its data. */
export type Execute = (request: HttpRequest) => Promise<unknown>;
