import type { DocumentNode, GraphQLField, GraphQLOutputType, GraphQLSchema } from 'graphql';
import {
  fieldExtensionsEstimator as extensionsEstimator,
  getComplexity,
  type ComplexityEstimator,
} from 'graphql-query-complexity';
import type { OrganizationLevel } from '../db/tables.js';
import type { SubtreeCost } from '../graph/complexity.js';
import { DEFAULT_PAGE_SIZE } from '../graph/pagination.js';
import type { TreeSizes } from './tree-size.js';

/**
 * What a field costs by itself, before its children: a number set with type-graphql's
 * `complexity` option, else 1 for an object (a row or a batch to fetch) and 0 for a scalar.
 */
export function ownCost(field: GraphQLField<unknown, unknown>): number {
  const declared = field.extensions.complexity;
  if (typeof declared === 'number') return declared;
  return isLeaf(field.type) ? 0 : 1;
}

// The checks below read a type's shape rather than calling graphql-js's isLeafType and
// friends, whose instanceof tests fail when a test runner loads a second copy of graphql.
type TypeShape = GraphQLOutputType | { ofType: TypeShape };

function named(type: TypeShape): object {
  return 'ofType' in type && type.ofType ? named(type.ofType as TypeShape) : type;
}

function isLeaf(type: TypeShape): boolean {
  const base = named(type);
  return !('getFields' in base) && !('getTypes' in base);
}

function isListOfObjects(type: TypeShape): boolean {
  return String(type).startsWith('[') && !isLeaf(type);
}

/**
 * Lists are costed by what they may return: a paged list (any field with a `first` argument)
 * costs 1 plus its page size (`first`, or `last` reading backwards, defaulting to the page
 * size) times one item; an unpaged list of objects counts as a full page unless its field
 * declares a tighter `complexity` (graph/complexity.ts boundedList). A connection's `edges`
 * are counted by its page size.
 */
const listEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  if (field.args.some((arg) => arg.name === 'first')) {
    const size = args.first ?? args.last;
    const items = typeof size === 'number' ? Math.max(0, size) : DEFAULT_PAGE_SIZE;
    return ownCost(field) + items * childComplexity;
  }
  if (isListOfObjects(field.type) && field.name !== 'edges') {
    return ownCost(field) + DEFAULT_PAGE_SIZE * childComplexity;
  }
  return undefined;
};

/**
 * Introspection is free here: graphql-js's MaxIntrospectionDepthRule already bounds it, and
 * production turns it off.
 */
const introspectionEstimator: ComplexityEstimator = ({ type, field }) =>
  type.name.startsWith('__') || field.name.startsWith('__') ? 0 : undefined;

const ownCostEstimator: ComplexityEstimator = ({ field, childComplexity }) =>
  ownCost(field) + childComplexity;

const fieldExtensionsEstimator = extensionsEstimator();

/** What a request asks for before it runs. */
export interface RequestedCost {
  /** The most it can cost, in points, when every list returns a full page. */
  points: number;
  /** The units its subtree fields read, by the tree's counts (see TreeSizes). */
  units: number;
}

/**
 * The cost a request asks for, computed from the document and the tree's counts before
 * anything runs. A field declared with `subtreeCost` (graph/complexity.ts) adds one point per
 * `unitsPerPoint` units it reads to what it costs as a field or a list; every subtree field
 * counts where it is selected, once per item of the lists above it, as every field does.
 */
export function requestedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  tree: TreeSizes,
): RequestedCost {
  let units = 0;
  const subtreeEstimator: ComplexityEstimator = (options) => {
    const declared = options.field.extensions.subtreeCost as SubtreeCost | undefined;
    const read = declared?.reads(options.args);
    if (!declared || !read) return undefined;
    const readUnits = tree.units(read.within, read.level as OrganizationLevel | null);
    units += readUnits;
    const base = listEstimator(options) ?? ownCostEstimator(options) ?? 0;
    return base + Math.ceil(readUnits / declared.unitsPerPoint);
  };
  const points = getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    estimators: [
      introspectionEstimator,
      subtreeEstimator,
      fieldExtensionsEstimator,
      listEstimator,
      ownCostEstimator,
    ],
  });
  return { points, units };
}
