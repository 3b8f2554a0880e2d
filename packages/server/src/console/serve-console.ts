import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import path from 'node:path';
import { plainAddress } from '../lib/ip-address.js';
import { sendJson } from '../lib/json-response.js';

/**
 * The province console at / (ServerOptions.console; none by default): answers a request for
 * the console, and returns false when the path is not the console's.
 */
export type ConsoleRoutes = (
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
) => Promise<boolean>;

export interface ConsoleOptions {
  /** The built console: index.html and assets/ (packages/console/dist). */
  root: string;
  /**
   * Mints a token for the local admin. Given only in local mode (see cli/local-secret.ts); even
   * then it answers only a caller on loopback while the server itself listens on loopback.
   */
  localAdmin?: (() => Promise<string>) | undefined;
}

/** Where the console asks for the local admin's token (POST). */
export const LOCAL_ADMIN_PATH = '/console/local-admin';

/**
 * The page may load and call nothing but its own origin: scripts, styles, images and fonts
 * from the same server, fetch and WebSocket to the same /graphql. No inline script or style.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
  "object-src 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The built console of the workspace package @fulian/console, or null when not built. */
export function findConsoleRoot(): string | null {
  try {
    const manifest = createRequire(import.meta.url).resolve('@fulian/console/package.json');
    return path.join(path.dirname(manifest), 'dist');
  } catch {
    return null;
  }
}

/**
 * Serves the console from the origin of /graphql: hashed assets (Vite names them by content)
 * cached for a year, every other path a browser loads as a page answered with index.html (the
 * console routes in the browser), never cached, so a new build is picked up at the next load.
 */
export function createConsoleRoutes(options: ConsoleOptions): ConsoleRoutes {
  const root = path.resolve(options.root);
  return async (request, response, url) => {
    if (url.pathname === LOCAL_ADMIN_PATH) return answerLocalAdmin(request, response, options);
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const file = path.resolve(root, `.${decodeURIComponent(url.pathname)}`);
    if (file !== root && !file.startsWith(root + path.sep)) return false;
    const hashed = url.pathname.startsWith('/assets/');
    const ownFile = hashed || path.extname(file) !== '';
    // Past `/`, only a browser's page load gets index.html for a path of its own; a program
    // asking for another path (a scraper at /metrics) gets the API's 404, as
    // connect-history-api-fallback does.
    const page = !ownFile && url.pathname !== '/';
    if (page && !(request.headers.accept ?? '').includes('text/html')) return false;
    const body = await readFile(ownFile ? file : path.join(root, 'index.html')).catch(
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'EISDIR') return null;
        throw error;
      },
    );
    if (body === null) return false;
    response.statusCode = 200;
    response.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
    response.setHeader('x-content-type-options', 'nosniff');
    response.setHeader('referrer-policy', 'same-origin');
    response.setHeader(
      'content-type',
      CONTENT_TYPES[ownFile ? path.extname(file) : '.html'] ?? 'application/octet-stream',
    );
    response.setHeader(
      'cache-control',
      hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    );
    response.end(request.method === 'HEAD' ? undefined : body);
    return true;
  };
}

/**
 * GET says whether the local admin is offered here (204 or 404), so the console shows the
 * button only where it works; POST answers the token.
 */
async function answerLocalAdmin(
  request: IncomingMessage,
  response: ServerResponse,
  options: ConsoleOptions,
): Promise<boolean> {
  const offered =
    options.localAdmin !== undefined &&
    isLoopback(request.socket.remoteAddress) &&
    isLoopback(listeningAddress(request));
  // A JSON body type makes a cross-site page's request a preflighted one, which is refused.
  const json = request.headers['content-type']?.startsWith('application/json') === true;
  if (offered && options.localAdmin && request.method === 'POST' && json) {
    sendJson(response, 200, { token: await options.localAdmin() });
  } else if (offered && request.method === 'GET') {
    response.statusCode = 204;
    response.setHeader('cache-control', 'no-store');
    response.end();
  } else {
    sendJson(response, 404, { error: 'no local admin here' });
  }
  return true;
}

/** The address the server listens on (not the one this request reached). */
function listeningAddress(request: IncomingMessage): string | undefined {
  const server = (request.socket as { server?: { address(): unknown } }).server;
  const address = server?.address();
  return typeof address === 'object' && address !== null
    ? (address as { address: string }).address
    : undefined;
}

function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = plainAddress(address);
  return isIP(plain) === 4 ? plain.startsWith('127.') : plain === '::1';
}
