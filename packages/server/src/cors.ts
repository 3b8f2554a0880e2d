import type { IncomingMessage, ServerResponse } from 'node:http';
import { CONSISTENCY_HEADER } from './read-routing.js';

/**
 * The request headers a browser may send cross-origin: what the server reads (credentials,
 * request id, consistency token) and what GraphQL clients add (Apollo Client's operation name and the CSRF
 * header that marks a GET as preflighted).
 */
const ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  'x-api-key',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  CONSISTENCY_HEADER,
].join(', ');

/** The response headers a page may read besides the safelisted ones. */
const EXPOSED_HEADERS = ['retry-after', CONSISTENCY_HEADER].join(', ');

/** How long a browser may reuse a preflight's answer, in seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * Cross-origin access for the origins in FULIAN_CORS_ORIGINS, and for no other. Returns a
 * handler that marks a response readable by an allowed origin and answers preflights itself;
 * it returns true when it has answered the request.
 *
 * Credentials travel in headers (a bearer token or an API key), never in cookies, so the
 * answer never says `Access-Control-Allow-Credentials`: a page on an allowed origin can only
 * use a credential it already holds. Apollo's CSRF prevention stays on for every request: a
 * cross-origin POST still needs a JSON content type (which is what makes the browser ask first)
 * and a GET still needs `apollo-require-preflight`.
 */
export function corsHandler(
  origins: readonly string[],
): (request: IncomingMessage, response: ServerResponse) => boolean {
  const allowed = new Set(origins);
  return (request, response) => {
    const origin = request.headers.origin;
    const preflight =
      request.method === 'OPTIONS' &&
      request.headers['access-control-request-method'] !== undefined;
    // The answer depends on the origin whenever some origins are allowed, so a shared cache
    // must not hand one origin's answer to another.
    if (allowed.size > 0) response.setHeader('vary', 'Origin');
    if (origin === undefined || !allowed.has(origin)) {
      if (!preflight) return false;
      response.statusCode = 403;
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.end(JSON.stringify({ error: 'origin not allowed (FULIAN_CORS_ORIGINS)' }));
      return true;
    }
    response.setHeader('access-control-allow-origin', origin);
    if (!preflight) {
      response.setHeader('access-control-expose-headers', EXPOSED_HEADERS);
      return false;
    }
    response.statusCode = 204;
    response.setHeader('access-control-allow-methods', 'GET, POST');
    response.setHeader('access-control-allow-headers', ALLOWED_HEADERS);
    response.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
    response.end();
    return true;
  };
}
