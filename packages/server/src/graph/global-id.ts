import { badInput } from '../errors.js';

/**
 * The largest row id: every id column is PostgreSQL `integer` (int4, see docs/data-model.md).
 * A key past it names no row, and sent to SQL it would fail the statement instead.
 */
export const MAX_ROW_ID = 2_147_483_647;

/** Opaque Relay ids: base64url of "Type:key", so clients never build or parse them. */
export function toGlobalId(type: string, key: string | number): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string, field = 'id'): { type: string; key: string } {
  const decoded = decodeGlobalId(id);
  if (!decoded) throw badInput(`"${id}" is not a valid id`, field);
  return decoded;
}

/** The row id a global id's key spells, or null when the key cannot name a row. */
export function rowIdOf(key: string): number | null {
  if (!/^[1-9][0-9]{0,9}$/.test(key)) return null;
  const id = Number(key);
  return id <= MAX_ROW_ID ? id : null;
}

/** Decodes an id of a known type whose key is a database integer id. */
export function fromGlobalIdOf(type: string, id: string, field = 'id'): number {
  const { type: actual, key } = fromGlobalId(id, field);
  const rowId = rowIdOf(key);
  if (actual !== type || rowId === null) {
    throw badInput(`"${id}" is not a valid ${type} id`, field);
  }
  return rowId;
}

/**
 * The row id of `id` when it is a valid id of `type`, else null: for arguments that take
 * either an id or something else (a code), which the caller tells apart.
 */
export function rowIdOfGlobalId(type: string, id: string): number | null {
  const decoded = decodeGlobalId(id);
  return decoded?.type === type ? rowIdOf(decoded.key) : null;
}

function decodeGlobalId(id: string): { type: string; key: string } | null {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (
    colon <= 0 ||
    colon === decoded.length - 1 ||
    toGlobalId(decoded.slice(0, colon), decoded.slice(colon + 1)) !== id
  ) {
    return null;
  }
  return { type: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}
