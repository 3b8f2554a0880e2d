import type { IncomingMessage } from 'node:http';

/** A request header as one string: Node gives repeated headers as an array. */
export function requestHeader(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The request's headers behind the `get(name)` shape the credential and auth code read. */
export function headerReader(request: IncomingMessage): { get(name: string): string | undefined } {
  return { get: (name) => requestHeader(request, name) };
}
