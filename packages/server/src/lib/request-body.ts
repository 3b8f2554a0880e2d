import type { IncomingMessage } from 'node:http';

/** A request body as read: its text, or too large to keep. */
export type Body = { kind: 'ok'; text: string } | { kind: 'too-large' };

/**
 * Reads the whole body, keeping at most `limit` bytes. A body over the limit is still read to
 * its end (and dropped): the 413 then leaves a clean keep-alive connection, where destroying
 * the request mid-body would reset it under the client's next request. Node's requestTimeout
 * bounds how long a client may go on sending.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Body> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks = [];
    });
    request.on('end', () =>
      resolve(
        size > limit
          ? { kind: 'too-large' }
          : { kind: 'ok', text: Buffer.concat(chunks).toString('utf8') },
      ),
    );
    request.on('error', reject);
  });
}
