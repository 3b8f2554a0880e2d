import { nodeFetcher } from '../../graph/node.resolver.js';
import { Organization } from './organization.type.js';

export const organizationNode = nodeFetcher(Organization, async ({ loaders }, rowId) => {
  const row = await loaders.organization.byId.load(rowId);
  return row ? new Organization(row) : null;
});
