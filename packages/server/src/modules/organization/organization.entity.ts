import { entityResolver } from '../../graph/subgraph.js';
import { lookUpOrganization } from './organization.reference.js';
import { Organization } from './organization.type.js';

/** Organization as other subgraphs extend it, by id or division code, looked up as `organization` does. */
export const organizationEntity = entityResolver(
  Organization,
  ['id', 'code'],
  async ({ loaders }, { field, value }) => {
    const row = await lookUpOrganization(loaders.organization, { [field]: value });
    return row ? new Organization(row) : null;
  },
);
