import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { plainAddress } from '../lib/ip-address.js';

/**
 * The address an anonymous caller's rate-limit bucket is named after. Behind a reverse proxy
 * every request comes from the proxy's address, so when the connection comes from a trusted
 * proxy (FULIAN_TRUSTED_PROXIES) the client is read from X-Forwarded-For: the rightmost
 * address not itself a trusted proxy, since each proxy appends the address it was reached
 * from and only the entries added by trusted proxies can be believed.
 */
export function clientAddressResolver(
  trustedProxies: readonly string[],
): (request: IncomingMessage) => string | undefined {
  const trusted = new Set(trustedProxies.map(plainAddress));
  return (request) => {
    // Normalized, so a client has one bucket whether an instance listens dual-stack or not.
    const peer = request.socket.remoteAddress && plainAddress(request.socket.remoteAddress);
    if (peer === undefined || !trusted.has(peer)) return peer;
    const header = request.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
      .split(',')
      .map((entry) => plainAddress(entry.trim()))
      .filter((entry) => isIP(entry) !== 0);
    for (let index = forwarded.length - 1; index >= 0; index -= 1) {
      const address = forwarded[index];
      if (address !== undefined && !trusted.has(address)) return address;
    }
    return forwarded[0] ?? peer;
  };
}
