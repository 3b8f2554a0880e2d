import { isIP } from 'node:net';

/**
 * An address as one client is named everywhere: an IPv4 address as Node reports it on a
 * dual-stack socket (::ffff:10.0.0.1) is that IPv4 address.
 */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}
