import { nodeFetcher } from '../../graph/node.resolver.js';
import { Document } from './document.type.js';

export const documentNode = nodeFetcher(Document, async ({ loaders }, rowId) => {
  const row = await loaders.document.byId.load(rowId);
  return row ? new Document(row) : null;
});
