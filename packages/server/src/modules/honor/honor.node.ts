import { nodeFetcher } from '../../graph/node.resolver.js';
import { Honor } from './honor.type.js';

export const honorNode = nodeFetcher(Honor, async ({ loaders }, rowId) => {
  const row = await loaders.honor.byId.load(rowId);
  return row ? new Honor(row) : null;
});
