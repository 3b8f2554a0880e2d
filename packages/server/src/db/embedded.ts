import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { PGliteDialectConfig } from 'kysely';
import { lockDataDir, type DataDirLock } from './data-dir-lock.js';
import type { Listen } from './notifications.js';
import { servePGliteSocket, socketPath, type PGliteSocketServer } from './pglite-socket.js';
import type { PoolStatus } from './pool-status.js';
import { SessionGate } from './session-gate.js';

/** How the embedded database is shared with other processes while this one holds it. */
export interface EmbeddedSharing {
  /** A client dropped for holding the session idle, a client's failure, or no socket at all. */
  onError: (error: Error) => void;
  /** How long a client may hold the session (mid-transaction) in silence; 10 s by default. */
  idleHoldMs?: number;
}

type KyselyPGlite = Extract<PGliteDialectConfig['pglite'], { query: unknown }>;

/** The embedded database as kysely takes it, its LISTEN (see notifications.ts), and how busy its one session is. */
export type EmbeddedDatabase = KyselyPGlite & { listen: Listen; status(): PoolStatus };

/**
 * Opens PGlite for kysely. On a directory, the data directory's lock is taken first (see
 * data-dir-lock.ts; throws DataDirInUseError when another process holds it), so no second
 * process ever opens the same files. Every query and transaction takes turns on one
 * SessionGate; with `share`, so do the clients of a Unix socket in the directory, through which
 * other processes (the CLI, psql) reach the database while this one holds it.
 */
export function openEmbedded(
  dataDir: string,
  parsers: Record<number, (value: string) => unknown>,
  share?: EmbeddedSharing,
): EmbeddedDatabase {
  const memory = dataDir === 'memory';
  let lock: DataDirLock | undefined;
  if (!memory) {
    // PGlite creates its own folder but not the ones above it (./.fulian/data on a fresh clone).
    mkdirSync(dataDir, { recursive: true });
    lock = lockDataDir(dataDir, {
      command: describeProcess(),
      ...(share ? { socket: socketPath(dataDir) } : {}),
    });
  }
  const pglite = new PGlite(memory ? 'memory://' : dataDir, {
    extensions: { pg_trgm },
    parsers,
  });
  const gate = new SessionGate();
  let ready = false;
  let socket: PGliteSocketServer | undefined;
  const waitReady = (async () => {
    try {
      await pglite.waitReady;
    } catch (error) {
      lock?.release();
      throw error;
    }
    if (share && !memory) {
      // The server serves without the socket rather than not at all; the CLI then says it
      // cannot reach the database through this process.
      socket = await servePGliteSocket({
        pglite,
        gate,
        path: socketPath(dataDir),
        idleHoldMs: share.idleHoldMs ?? 10_000,
        onClientError: share.onError,
      }).catch((error: Error) => {
        share.onError(error);
        return undefined;
      });
    }
    ready = true;
  })();
  // kysely awaits this on its first query; a database never queried must not leave the
  // failure unhandled.
  waitReady.catch(() => {});

  return {
    get ready() {
      return ready;
    },
    get closed() {
      return pglite.closed;
    },
    waitReady,
    status: () => ({
      total: 1,
      idle: gate.held ? 0 : 1,
      waiting: gate.waiting,
      waits: gate.waits.waits,
      waitMs: gate.waits.waitMs,
    }),
    query: (text, parameters, options) =>
      gate.run(() => pglite.query(text, parameters, options)) as never,
    // kysely runs a transaction's statements on the `tx` it is handed, inside this turn.
    transaction: (callback) => gate.run(() => pglite.transaction(callback)),
    // In process: PGlite reports a NOTIFY of its one session to its own callbacks. LISTEN takes
    // its turn on the gate like any statement, so it never lands inside another's transaction.
    listen: async (channel, handler) => {
      await waitReady;
      const stop = pglite.onNotification((from, payload) => {
        if (from === channel) handler(payload);
      });
      await gate.run(() => pglite.exec(`LISTEN ${channel}`));
      return async () => {
        stop();
        // A database closed first has stopped listening with its session.
        if (!pglite.closed) await gate.run(() => pglite.exec(`UNLISTEN ${channel}`));
      };
    },
    async close() {
      try {
        await socket?.close();
        await gate.run(() => pglite.close());
      } finally {
        lock?.release();
      }
    },
  };
}

/** How the lock file names this process: `fulian serve`, `fulian apikey create`, … */
function describeProcess(): string {
  const [script, ...args] = process.argv.slice(1);
  return [path.basename(script ?? 'node', '.js'), ...args.slice(0, 2)].join(' ');
}
