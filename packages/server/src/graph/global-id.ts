import { badInput } from '../errors.js';

/** Opaque Relay ids: base64url of "Type:key", so clients never build or parse them. */
export function toGlobalId(type: string, key: string | number): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string): { type: string; key: string } {
  const decoded = Buffer.from(id, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (
    colon <= 0 ||
    colon === decoded.length - 1 ||
    toGlobalId(decoded.slice(0, colon), decoded.slice(colon + 1)) !== id
  ) {
    throw badInput(`"${id}" is not a valid id`, 'id');
  }
  return { type: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

/** Decodes an id of a known type whose key is a database integer id. */
export function fromGlobalIdOf(type: string, id: string, field = 'id'): number {
  const { type: actual, key } = fromGlobalId(id);
  const value = Number(key);
  if (actual !== type || !Number.isSafeInteger(value) || value <= 0) {
    throw badInput(`"${id}" is not a valid ${type} id`, field);
  }
  return value;
}
