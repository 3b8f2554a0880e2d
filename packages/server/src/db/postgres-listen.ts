import pg from 'pg';
import type { Listen } from './notifications.js';

/** How long a lost listening connection waits before it connects again. */
const RECONNECT_MS = 1_000;

/**
 * LISTEN on PostgreSQL: a connection of its own, outside the pool (a pooled connection goes
 * back to other statements, and LISTEN belongs to a session). When the connection is lost it
 * is made again every second until it answers; what was notified meanwhile is not delivered
 * (NOTIFY keeps nothing for a session that is not there), so `onError` hears of the loss.
 */
export function postgresListen(connectionString: string, onError: (error: Error) => void): Listen {
  return async (channel, handler) => {
    let current: pg.Client | null = null;
    let retry: NodeJS.Timeout | undefined;
    let stopped = false;

    const lost = (client: pg.Client, error: Error) => {
      onError(error);
      client.removeAllListeners('notification');
      client.end().catch(() => {});
      if (current === client) current = null;
      if (stopped || retry) return;
      retry = setTimeout(() => {
        retry = undefined;
        void connect();
      }, RECONNECT_MS);
      retry.unref();
    };
    const connect = async () => {
      const client = new pg.Client({ connectionString });
      client.on('error', (error) => lost(client, error));
      client.on('notification', (message) => {
        if (message.channel === channel && message.payload !== undefined) handler(message.payload);
      });
      try {
        await client.connect();
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        if (stopped) await client.end();
        else current = client;
      } catch (error) {
        lost(client, error as Error);
      }
    };

    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      await current?.end().catch(() => {});
      current = null;
    };
  };
}
