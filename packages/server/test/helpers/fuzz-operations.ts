import fc from 'fast-check';
import type {
  IntrospectionField,
  IntrospectionInputTypeRef,
  IntrospectionInputValue,
  IntrospectionOutputTypeRef,
  IntrospectionQuery,
  IntrospectionType,
} from 'graphql';
import { toGlobalId } from '../../src/graph/global-id.js';
import { encodeCursor } from '../../src/graph/pagination.js';

/** Draws one value from an arbitrary, through fast-check's imperative generator. */
export type Draw = <T>(arbitrary: fc.Arbitrary<T>) => T;

/** The Draw of one fc.gen() value. */
export function drawFrom(generator: fc.GeneratorValue): Draw {
  return (arbitrary) => generator(() => arbitrary);
}

/** One HTTP request body the fuzzer sends. */
export interface FuzzRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  extensions?: Record<string, unknown>;
}

/** What the generator knows of the data: ids that exist, so some inputs reach real rows. */
export interface FuzzFixtures {
  globalIds: string[];
  codes: string[];
  metrics: string[];
}

const NUL = '\u0000';
const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\ude00b'];

/** Strings as an attacker types them: huge, unicode, NUL, surrogates, SQL and JSON look-alikes. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom(
    '',
    ' ',
    NUL,
    `43${NUL}`,
    `a${NUL}b`,
    ...LONE_SURROGATES,
    '湖南省妇联',
    '🙂'.repeat(50),
    "'; DROP TABLE organization; --",
    '%',
    '_',
    '\\',
    '{"a":1}',
    '__proto__',
    'constructor',
    '9'.repeat(400),
    'x'.repeat(100_000),
    '\u202e\u0301\ufeff',
  ),
);

const PERIODS = [
  '2024',
  '2024Q1',
  '2024Q0',
  '2024Q5',
  '2024-02',
  '2024-13',
  '2024-02-30',
  '2018/2022',
  '2022/2018',
  '1900',
  '9999',
  '99999',
  '0000-00',
  '2024-W01',
  `2024${NUL}`,
  '2024/2024/2024',
  '２０２４',
];

const DECIMALS = [
  '33.91',
  '0',
  '-0',
  '-1',
  '1e5',
  '.5',
  '5.',
  '０',
  '1'.repeat(20),
  '1'.repeat(21),
  `0.${'1'.repeat(10)}`,
  `0.${'1'.repeat(11)}`,
  '9'.repeat(131_073),
  `1.${'0'.repeat(20_000)}`,
  'NaN',
  'Infinity',
  ' 1',
];

const INTS = [0, 1, -1, 5, 100, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1.5, 1e300];

function badIds(fixtures: FuzzFixtures): fc.Arbitrary<string> {
  const types = ['Organization', 'Activity', 'Submission', 'ReportingTemplate', 'MetricValue'];
  return fc.oneof(
    fc.constantFrom(...fixtures.globalIds),
    fc
      .constantFrom(...types)
      .chain((type) =>
        fc
          .constantFrom(0, -1, 2 ** 31 - 1, 2 ** 31, 2 ** 53, 1e21, '1e3', '01', ' 1', `1${NUL}`)
          .map((key) => toGlobalId(type, key)),
      ),
    fc
      .constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'Node')
      .map((type) => toGlobalId(type, 1)),
    fc.constantFrom('!!!', '====', 'T3JnYW5pemF0aW9uOjE=', 'T3JnYW5pemF0aW9uOjE', '\u00ff\u00fe'),
    fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  );
}

const cursors = fc.oneof(
  fc.constantFrom('0', '00000000001/', `${NUL}`, "'", '9'.repeat(30)).map(encodeCursor),
  fc.uint8Array({ maxLength: 24 }).map((bytes) => Buffer.from(bytes).toString('base64url')),
  fc.constantFrom('cursor:', '', '=', Buffer.from(`cursor:${NUL}`).toString('base64url')),
);

/** Any JSON value: what a wrong-typed argument looks like. */
const anyJson = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.constantFrom(...INTS),
  nastyString,
  fc.constant({}),
  fc.constant([1, 'a', null]),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x"}') as unknown),
);

/**
 * Generates GraphQL operations from a schema's introspection: a root field of Query, Mutation
 * or (refused over HTTP) Subscription, with arguments mostly of the right shape but filled with
 * hostile values, sometimes of the wrong type, as variables or inline literals, and a selection
 * of the result's fields a few levels deep.
 */
export class OperationGenerator {
  private readonly types: Map<string, IntrospectionType>;

  constructor(
    private readonly introspection: IntrospectionQuery,
    private readonly fixtures: FuzzFixtures,
  ) {
    this.types = new Map(introspection.__schema.types.map((type) => [type.name, type]));
  }

  operation(draw: Draw): FuzzRequest {
    const schema = this.introspection.__schema;
    const roots = [
      ['query', schema.queryType.name, 8],
      ['mutation', schema.mutationType?.name, 3],
      ['subscription', schema.subscriptionType?.name, 1],
    ] as const;
    const [kind, rootName] = draw(
      fc.oneof(
        ...roots
          .filter(([, name]) => name !== undefined)
          .map(([kind, name, weight]) => ({ arbitrary: fc.constant([kind, name!]), weight })),
      ),
    );
    const variables: Record<string, unknown> = {};
    const definitions: string[] = [];
    let selection: string;
    if (kind === 'query' && draw(fc.integer({ min: 0, max: 9 })) === 0) {
      // A batch of aliased node lookups, some ids bad: one bad id must not fail the others.
      const ids = draw(fc.array(badIds(this.fixtures), { minLength: 2, maxLength: 10 }));
      selection = ids
        .map((id, index) => `n${index}: node(id: ${JSON.stringify(id)}) { __typename id }`)
        .join(' ');
    } else {
      const field = draw(fc.constantFrom(...this.objectFields(rootName)));
      selection = this.field(draw, field, 0, { variables, definitions });
    }

    const name = draw(
      fc.oneof(
        { arbitrary: fc.constant(undefined), weight: 4 },
        fc.constantFrom('', 'Q', 'constructor', '__proto__', 'Ünïcode', 'a'.repeat(300)),
      ),
    );
    const ownName = draw(fc.boolean()) ? ' Fuzz' : '';
    const header = definitions.length > 0 ? `(${definitions.join(', ')})` : '';
    const query = `${kind}${ownName}${header} { ${selection} }`;
    const request: FuzzRequest = { query };
    if (Object.keys(variables).length > 0) request.variables = variables;
    if (name !== undefined) request.operationName = name;
    if (draw(fc.integer({ min: 0, max: 30 })) === 0) {
      request.extensions = { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } };
    }
    return request;
  }

  private objectFields(name: string): IntrospectionField[] {
    const type = this.types.get(name);
    return type && 'fields' in type && type.fields ? [...type.fields] : [];
  }

  private field(
    draw: Draw,
    field: IntrospectionField,
    depth: number,
    operation: { variables: Record<string, unknown>; definitions: string[] },
  ): string {
    const args: string[] = [];
    for (const arg of field.args) {
      // Required arguments are left out one time in ten, optional ones half the time.
      const include =
        arg.type.kind === 'NON_NULL'
          ? draw(fc.integer({ min: 0, max: 9 })) > 0
          : draw(fc.boolean());
      if (!include) continue;
      const value = this.value(draw, arg.type, arg);
      if (draw(fc.integer({ min: 0, max: 9 })) < 7) {
        const variable = `v${operation.definitions.length}`;
        operation.definitions.push(`$${variable}: ${typeText(arg.type)}`);
        operation.variables[variable] = value;
        args.push(`${arg.name}: $${variable}`);
      } else {
        args.push(`${arg.name}: ${literal(value, arg.type, this.types)}`);
      }
    }
    const argText = args.length > 0 ? `(${args.join(', ')})` : '';
    return `${field.name}${argText}${this.selection(draw, field.type, depth + 1, operation)}`;
  }

  private selection(
    draw: Draw,
    ref: IntrospectionOutputTypeRef,
    depth: number,
    operation: { variables: Record<string, unknown>; definitions: string[] },
  ): string {
    const named = namedType(ref);
    const type = this.types.get(named);
    if (!type || type.kind === 'SCALAR' || type.kind === 'ENUM') return '';
    const fields = type.kind === 'UNION' ? [] : this.objectFields(named);
    const chosen =
      depth > 3 || fields.length === 0
        ? []
        : draw(
            fc.uniqueArray(fc.constantFrom(...fields), { maxLength: 3, selector: (f) => f.name }),
          );
    const parts = chosen.map((field) => this.field(draw, field, depth, operation));
    return ` { __typename ${parts.join(' ')} }`;
  }

  private value(
    draw: Draw,
    ref: IntrospectionInputTypeRef,
    arg: IntrospectionInputValue,
    depth = 0,
  ): unknown {
    // One value in ten is of the wrong type altogether, and so is anything nested past three
    // levels (input types may contain themselves).
    if (depth > 3 || draw(fc.integer({ min: 0, max: 9 })) === 0) return draw(anyJson);
    switch (ref.kind) {
      case 'NON_NULL':
        return this.value(draw, ref.ofType, arg, depth);
      case 'LIST': {
        const length = draw(fc.integer({ min: 0, max: 3 }));
        return Array.from({ length }, () => this.value(draw, ref.ofType, arg, depth + 1));
      }
      case 'ENUM': {
        const type = this.types.get(ref.name);
        const values = type?.kind === 'ENUM' ? type.enumValues.map((value) => value.name) : [];
        return draw(fc.oneof(fc.constantFrom(...values, 'NOT_A_VALUE'), nastyString));
      }
      case 'INPUT_OBJECT': {
        const type = this.types.get(ref.name);
        const object: Record<string, unknown> = {};
        if (type?.kind !== 'INPUT_OBJECT') return object;
        for (const field of type.inputFields) {
          if (field.type.kind === 'NON_NULL' || draw(fc.boolean())) {
            object[field.name] = this.value(draw, field.type, field, depth + 1);
          }
        }
        return object;
      }
      case 'SCALAR':
        return draw(this.scalar(ref.name, arg.name));
    }
  }

  private scalar(type: string, name: string): fc.Arbitrary<unknown> {
    const lower = name.toLowerCase();
    if (lower === 'after' || lower === 'before' || lower.endsWith('cursor')) return cursors;
    if (lower.includes('period') || lower === 'from' || lower === 'to') {
      return fc.oneof(fc.constantFrom(...PERIODS), nastyString);
    }
    if (
      lower === 'code' ||
      lower === 'organization' ||
      lower === 'within' ||
      lower === 'template'
    ) {
      return fc.oneof(fc.constantFrom(...this.fixtures.codes), badIds(this.fixtures), nastyString);
    }
    if (lower === 'metric' || lower === 'metrics' || lower === 'remove') {
      return fc.oneof(fc.constantFrom(...this.fixtures.metrics), nastyString);
    }
    switch (type) {
      case 'ID':
        return badIds(this.fixtures);
      case 'Int':
        return fc.oneof(fc.constantFrom(...INTS), fc.integer());
      case 'Float':
        return fc.oneof(fc.double(), fc.constantFrom(...INTS));
      case 'Boolean':
        return fc.oneof(fc.boolean(), fc.constantFrom('true', 0));
      case 'TypedNumber':
        return fc.oneof(
          fc.constantFrom(
            ...DECIMALS,
            '338万',
            '1.2万',
            '33.91%',
            '2,679',
            '２６７９',
            '三百',
            '一千二',
          ),
          fc.constantFrom(...INTS),
          nastyString,
        );
      case 'Decimal':
        return fc.oneof(
          fc.constantFrom(...DECIMALS),
          fc.integer().map(String),
          fc.constantFrom(...INTS),
        );
      case 'DateTime':
        return fc.oneof(
          fc.constantFrom('2024-01-01T00:00:00Z', '2024-13-01T00:00:00Z', '0000-01-01T00:00:00Z'),
          nastyString,
        );
      default:
        return nastyString;
    }
  }
}

function namedType(ref: IntrospectionOutputTypeRef | IntrospectionInputTypeRef): string {
  return ref.kind === 'NON_NULL' || ref.kind === 'LIST' ? namedType(ref.ofType) : ref.name;
}

function typeText(ref: IntrospectionInputTypeRef): string {
  switch (ref.kind) {
    case 'NON_NULL':
      return `${typeText(ref.ofType)}!`;
    case 'LIST':
      return `[${typeText(ref.ofType)}]`;
    default:
      return ref.name;
  }
}

/** A value written inline as GraphQL source: enum names bare, everything else as JSON would. */
function literal(
  value: unknown,
  ref: IntrospectionInputTypeRef,
  types: Map<string, IntrospectionType>,
): string {
  const named = types.get(namedType(ref));
  if (typeof value === 'string' && named?.kind === 'ENUM' && /^[A-Z_]+$/.test(value)) return value;
  if (Array.isArray(value)) {
    const item = ref.kind === 'NON_NULL' ? ref.ofType : ref;
    const inner = item.kind === 'LIST' ? item.ofType : item;
    return `[${value.map((entry) => literal(entry, inner, types)).join(', ')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const fields =
      named?.kind === 'INPUT_OBJECT'
        ? new Map(named.inputFields.map((field) => [field.name, field.type]))
        : new Map<string, IntrospectionInputTypeRef>();
    const entries = Object.entries(value).map(
      ([key, entry]) => `${key}: ${literal(entry, fields.get(key) ?? ref, types)}`,
    );
    return `{ ${entries.join(', ')} }`;
  }
  return JSON.stringify(value) ?? 'null';
}
