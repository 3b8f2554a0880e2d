import type { OrganizationRow } from '../../db/tables.js';
import { UserError, badInput } from '../../errors.js';
import { fromGlobalIdOf, rowIdOfGlobalId } from '../../graph/global-id.js';
import type { OrganizationLoaders } from './organization.loaders.js';
import type { RelatedPageRequest } from './organization.page-request.js';
import type { OrganizationKey } from './organization.repository.js';

const DIVISION_CODE = /^[0-9]{2,12}$/;

/**
 * The key in a reference to an organization: its global id or its division code. Anything
 * else (a place name such as 长沙, another type's id) is refused as BAD_USER_INPUT naming
 * `field`, the argument as the caller wrote it, and saying what it takes.
 */
export function keyOfReference(reference: string, field: string): OrganizationKey {
  if (DIVISION_CODE.test(reference)) return { code: reference };
  const id = rowIdOfGlobalId('Organization', reference);
  if (id === null) {
    throw badInput(
      `${field} takes a division code (2 to 12 digits, e.g. 4301) or an organization id; "${reference}" is neither`,
      field,
    );
  }
  return { id };
}

/**
 * Finds an organization named by either its global id or its division code, or null when the
 * reference is well formed but names none (see `keyOfReference` for the rest).
 */
export async function findByReference(
  loaders: OrganizationLoaders,
  reference: string,
  field: string,
): Promise<OrganizationRow | null> {
  const key = keyOfReference(reference, field);
  return 'code' in key ? loaders.byCode.load(key.code) : loaders.byId.load(key.id);
}

/**
 * The organization an argument names, which the answer depends on: NOT_FOUND naming `field`
 * when there is none (the rule in docs/architecture.md, "One mistake, one answer").
 */
export async function requireByReference(
  loaders: OrganizationLoaders,
  reference: string,
  field: string,
): Promise<OrganizationRow> {
  const row = await findByReference(loaders, reference, field);
  if (!row) throw organizationNotFound(reference, field);
  return row;
}

/** NOT_FOUND for a well-formed reference that names no organization. */
export function organizationNotFound(reference: string, field: string): UserError {
  return new UserError('NOT_FOUND', `No organization "${reference}"`, { field });
}

/** Checks a division code's shape, for a lookup by code. */
export function checkDivisionCode(code: string, field: string): void {
  if (!DIVISION_CODE.test(code)) {
    throw badInput(`${field} is a division code: 2 to 12 digits, e.g. 4301; got "${code}"`, field);
  }
}

/**
 * The lookup `organization(id:, code:)` and the subgraph's entity lookup share: exactly one of
 * the two, null when it names none; with the page its `children` field will ask for, that page
 * comes in the same statement.
 */
export async function lookUpOrganization(
  loaders: OrganizationLoaders,
  { id, code }: { id?: string | null; code?: string | null },
  children?: RelatedPageRequest,
): Promise<OrganizationRow | null> {
  const key = lookupKey(id, code);
  if (children) return loaders.withPages(key, children);
  return 'code' in key ? loaders.byCode.load(key.code) : loaders.byId.load(key.id);
}

function lookupKey(
  id: string | null | undefined,
  code: string | null | undefined,
): OrganizationKey {
  if (id != null && code == null) return { id: fromGlobalIdOf('Organization', id) };
  if (code != null && id == null) {
    checkDivisionCode(code, 'code');
    return { code };
  }
  throw badInput('Give exactly one of id and code', 'id');
}
