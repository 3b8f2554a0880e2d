import http from 'node:http';
import type { HttpRequest } from './operation.js';

/**
 * Sends requests one at a time to a server in this process over one keep-alive loopback
 * connection, so each request goes through the whole server (HTTP parsing, authentication,
 * demand control, execution, serialization) as a client's would.
 */
export function loopbackClient(url: string): {
  execute(request: HttpRequest): Promise<unknown>;
  close(): void;
} {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const execute = (request: HttpRequest): Promise<unknown> =>
    send(request).catch((error: unknown) => {
      // The server closes a connection left idle past its keep-alive timeout (a slow step of
      // the harness between two requests); a request that raced that close was never read by
      // the server, so it is sent once more on a new connection, as Node's documentation
      // advises for `request.reusedSocket`.
      if (error instanceof StaleConnection) return send(request);
      throw error;
    });
  const send = (request: HttpRequest) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = JSON.stringify(request.body);
      const outgoing = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...request.headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: { data?: unknown; errors?: unknown[] };
            try {
              parsed = JSON.parse(text) as typeof parsed;
            } catch {
              reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 500)}`));
              return;
            }
            if (response.statusCode !== 200 || parsed.errors?.length) {
              reject(new Error(`HTTP ${response.statusCode}: ${text.slice(0, 1_000)}`));
              return;
            }
            resolve(parsed.data);
          });
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        reject(
          outgoing.reusedSocket && error.code === 'ECONNRESET' ? new StaleConnection() : error,
        );
      });
      outgoing.end(payload);
    });
  return { execute, close: () => agent.destroy() };
}

class StaleConnection extends Error {}
