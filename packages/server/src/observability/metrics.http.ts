import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/**
 * Serves `/metrics` on a listener of its own (FULIAN_METRICS_PORT), never on the public port:
 * what the metrics tell (operation names, volumes, the pool) is for the operator's scraper,
 * which reaches it over the internal network. Resolves to the listener and its URL.
 */
export async function serveMetrics(
  metrics: Metrics,
  port: number,
  host: string,
  logger: Logger,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
      response.statusCode = 404;
      response.end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => {
        response.setHeader('content-type', metrics.registry.contentType);
        response.end(text);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'metrics: a collector failed');
        response.statusCode = 500;
        response.end();
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shown}:${actual}/metrics` };
}
