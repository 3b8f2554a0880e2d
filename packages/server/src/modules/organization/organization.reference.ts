import type { OrganizationRow } from '../../db/tables.js';
import { UserError } from '../../errors.js';
import { fromGlobalIdOf } from '../../graph/global-id.js';
import type { OrganizationLoaders } from './organization.loaders.js';

const DIVISION_CODE = /^[0-9]{2,12}$/;

/** Finds an organization named by either its global id or its division code. */
export async function findByReference(
  loaders: OrganizationLoaders,
  reference: string,
  field: string,
): Promise<OrganizationRow | null> {
  if (DIVISION_CODE.test(reference)) return loaders.byCode.load(reference);
  return loaders.byId.load(fromGlobalIdOf('Organization', reference, field));
}

export async function requireByReference(
  loaders: OrganizationLoaders,
  reference: string,
  field: string,
): Promise<OrganizationRow> {
  const row = await findByReference(loaders, reference, field);
  if (!row) throw new UserError('NOT_FOUND', `No organization "${reference}"`, { field });
  return row;
}
