import { nodeFetcher } from '../../graph/node.resolver.js';
import { Programme } from './programme.type.js';

export const programmeNode = nodeFetcher(Programme, async ({ loaders }, rowId) => {
  const row = await loaders.programme.byId.load(rowId);
  return row ? new Programme(row) : null;
});
