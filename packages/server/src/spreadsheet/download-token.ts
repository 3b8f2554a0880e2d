import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Viewer } from '../auth/viewer.js';
import { UserError } from '../errors.js';
import type { TableArgs, TableKind } from './table.queries.js';
import type { TableFormat } from './table.export.js';

/** A download link works for five minutes: long enough to click, short enough not to leak. */
export const DOWNLOAD_TTL_MS = 5 * 60 * 1000;
export const DOWNLOAD_PATH = '/spreadsheets/download/';

export type DownloadRequest =
  | {
      kind: 'TEMPLATE';
      template: string;
      period: string;
      unit: string;
      allBelow: boolean;
    }
  | { kind: TableKind; format: TableFormat; args: TableArgs };

interface Payload {
  viewer: Viewer;
  request: DownloadRequest;
  expires: number;
}

// Links are signed with FULIAN_DOWNLOAD_SECRET when set (several instances behind one
// address must share it), else with a key made when the process starts: links then work on
// the instance that made them, until it restarts.
let key: Buffer | undefined;
function signingKey(): Buffer {
  key ??= process.env.FULIAN_DOWNLOAD_SECRET
    ? Buffer.from(process.env.FULIAN_DOWNLOAD_SECRET)
    : randomBytes(32);
  return key;
}

/**
 * A signed, short-lived token carrying who asked and for what: the download route serves it
 * to whoever holds the link (a browser following it sends no Authorization header), as that
 * viewer, with the same permission checks as the graph.
 */
export function signDownload(
  viewer: Viewer,
  request: DownloadRequest,
  now = Date.now(),
): { token: string; expiresAt: Date } {
  const expires = now + DOWNLOAD_TTL_MS;
  const body = Buffer.from(JSON.stringify({ viewer, request, expires } satisfies Payload)).toString(
    'base64url',
  );
  return { token: `${body}.${signature(body)}`, expiresAt: new Date(expires) };
}

export function verifyDownload(token: string, now = Date.now()): Payload {
  const [body = '', mac = ''] = token.split('.');
  const expected = Buffer.from(signature(body));
  const given = Buffer.from(mac);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new UserError('UNAUTHENTICATED', 'This download link is not valid', {
      reason: 'BAD_LINK',
    });
  }
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Payload;
  if (payload.expires < now) {
    throw new UserError('UNAUTHENTICATED', 'This download link has expired: ask for a new one', {
      reason: 'LINK_EXPIRED',
    });
  }
  return payload;
}

function signature(body: string): string {
  return createHmac('sha256', signingKey()).update(body).digest('base64url');
}
