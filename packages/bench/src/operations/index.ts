import type { OperationDefinition } from '../harness/operation.js';
import { completeness } from './completeness.js';
import { node } from './node.js';
import { page } from './page.js';
import { ranking } from './ranking.js';
import { countryRollup, ratioRollup, rollup } from './rollup.js';
import { save } from './save.js';
import { search } from './search.js';
import { tree } from './tree.js';

/** The measured operations, in the order the issue lists them. */
export const OPERATIONS: readonly OperationDefinition[] = [
  tree,
  rollup,
  ratioRollup,
  ranking,
  completeness,
  search,
  page,
  node,
  save,
  countryRollup,
];
