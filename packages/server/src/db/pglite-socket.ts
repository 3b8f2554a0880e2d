import { chmod, rm } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { SessionGate } from './session-gate.js';

/** Where PostgreSQL clients look for a server's socket in a directory: `psql -h <dir>`. */
export function socketPath(directory: string): string {
  return path.join(directory, '.s.PGSQL.5432');
}

export interface PGliteSocketOptions {
  pglite: PGlite;
  /** The gate the server's own queries take (see session-gate.ts). */
  gate: SessionGate;
  /** The socket file; any file already there is left from a process that held the lock. */
  path: string;
  /** How long a client may hold the session without sending anything before it is dropped. */
  idleHoldMs: number;
  /** A client dropped for holding the session idle, or failing. */
  onClientError: (error: Error) => void;
}

export interface PGliteSocketServer {
  readonly path: string;
  /** Stops listening, drops the clients (rolling back what they left open) and waits for it. */
  close(): Promise<void>;
}

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const TERMINATE = 0x58; // 'X'
const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I': the session is outside any transaction

/**
 * Serves an open PGlite database to other processes over a Unix socket, speaking the
 * PostgreSQL wire protocol by handing each client message to PGlite's `execProtocolRaw`.
 *
 * This is what `@electric-sql/pglite-socket` does, written here for one reason:
 * pglite-socket serializes its clients with PGlite's query lock only, not the transaction
 * lock PGlite's `transaction()` holds, so a statement arriving over the socket ran inside the
 * server's open transaction and vanished with its rollback. Here a client takes the server's
 * own SessionGate from its first message until PGlite reports the session idle again
 * (ReadyForQuery 'I'): a client statement waits for the server's transaction to end, and the
 * server's statements wait for a client's transaction. (It also spares a dependency whose
 * 0.2.17 pins @electric-sql/pglite 0.5.14 against our 0.5.16.)
 */
export async function servePGliteSocket(options: PGliteSocketOptions): Promise<PGliteSocketServer> {
  const clients = new Set<Client>();
  const server = createServer((socket) => {
    const client = new Client(socket, options, () => clients.delete(client));
    clients.add(client);
  });
  // A socket file left by a process killed while serving would make listen fail (EADDRINUSE);
  // the caller holds the data directory's lock, so no live process owns it.
  await rm(options.path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // The socket gives the whole database to whoever connects: the owner only.
  await chmod(options.path, 0o600);
  server.on('error', options.onClientError);

  return {
    path: options.path,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...clients].map((client) => client.drop()));
      await closed;
    },
  };
}

/** One connected client: its unparsed bytes, and its turn at the session while it holds one. */
class Client {
  #buffer = Buffer.alloc(0);
  #started = false;
  #release: (() => void) | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  /** Messages are handled one after another, in the order they arrived. */
  #work: Promise<void> = Promise.resolve();
  #ended: Promise<void> | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly options: PGliteSocketOptions,
    private readonly onEnd: () => void,
  ) {
    socket.on('data', (chunk) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#work = this.#work.then(() => this.#drain()).catch((error: Error) => this.#fail(error));
    });
    socket.on('error', (error) => this.#fail(error));
    socket.on('close', () => void this.drop());
  }

  /** Ends the connection and leaves the session as it found it. */
  drop(): Promise<void> {
    this.#ended ??= this.#end();
    return this.#ended;
  }

  async #end(): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.socket.destroy();
    await this.#work.catch(() => {});
    // The work just awaited may have set the timer again.
    clearTimeout(this.#idleTimer);
    if (this.#started || this.#release) {
      const release = this.#release ?? (await this.options.gate.acquire());
      try {
        await this.#resetSession();
      } finally {
        release();
        this.#release = undefined;
      }
    }
    this.onEnd();
  }

  /**
   * Ends what the client left half done, on the session the server goes on using: an extended
   * query without its Sync, an open or failed transaction (rolled back), and any setting it
   * changed (DISCARD ALL; the server keeps no session state of its own).
   */
  async #resetSession(): Promise<void> {
    const pglite = this.options.pglite;
    if (readyStatus(await pglite.execProtocolRaw(frontendMessage('S'))) !== IDLE) {
      await pglite.execProtocolRaw(queryMessage('ROLLBACK'));
    }
    await pglite.execProtocolRaw(queryMessage('DISCARD ALL'));
  }

  async #drain(): Promise<void> {
    for (let message = this.#next(); message; message = this.#next()) {
      if (!this.#started && message.length === 8) {
        const code = message.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          // Neither is offered: the client goes on in the clear, as over any Unix socket.
          this.socket.write('N');
          continue;
        }
      }
      if (!this.#started && message.length === 16 && message.readInt32BE(4) === CANCEL_REQUEST) {
        // There is no backend to signal; the protocol expects no answer.
        this.socket.end();
        return;
      }
      if (this.#started && message[0] === TERMINATE) {
        // Dropping waits for this very work to finish, so it runs on 'close', not from here.
        this.socket.destroy();
        return;
      }
      await this.#execute(message);
    }
  }

  async #execute(message: Buffer): Promise<void> {
    clearTimeout(this.#idleTimer);
    this.#release ??= await this.options.gate.acquire();
    // A client gone while it waited for its turn has nothing to run; dropping it resets the
    // session and gives the turn back.
    if (this.socket.destroyed) return;
    this.#started = true;
    const reply = await this.options.pglite.execProtocolRaw(message);
    if (!this.socket.destroyed) this.socket.write(reply);
    if (readyStatus(reply) === IDLE) {
      this.#release();
      this.#release = undefined;
    } else {
      // Still holding the session (a transaction, or an extended query before its Sync):
      // everyone else waits for this client, so it may not keep it while saying nothing.
      this.#idleTimer = setTimeout(() => {
        this.options.onClientError(
          new Error(
            `a client of ${this.options.path} held the database for ${this.options.idleHoldMs} ms without a statement; it was disconnected and its transaction rolled back`,
          ),
        );
        void this.drop();
      }, this.options.idleHoldMs);
    }
  }

  /** The next complete message in the buffer, if one has arrived. */
  #next(): Buffer | undefined {
    // The first message (startup, SSL or cancel request) has no type byte.
    const header = this.#started ? 1 : 0;
    if (this.#buffer.length < header + 4) return undefined;
    const length = header + this.#buffer.readInt32BE(header);
    if (this.#buffer.length < length) return undefined;
    const message = this.#buffer.subarray(0, length);
    this.#buffer = this.#buffer.subarray(length);
    return message;
  }

  #fail(error: Error): void {
    if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') this.options.onClientError(error);
    void this.drop();
  }
}

/** The transaction status of the last ReadyForQuery in a reply, if it has one. */
function readyStatus(reply: Uint8Array): number | undefined {
  const bytes = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  let status: number | undefined;
  for (let at = 0; at + 5 <= bytes.length; at += 1 + bytes.readInt32BE(at + 1)) {
    if (bytes[at] === READY_FOR_QUERY) status = bytes[at + 5];
  }
  return status;
}

function frontendMessage(type: string, body: Buffer = Buffer.alloc(0)): Uint8Array {
  const message = Buffer.alloc(5 + body.length);
  message.write(type, 0, 'latin1');
  message.writeInt32BE(4 + body.length, 1);
  body.copy(message, 5);
  return message;
}

function queryMessage(text: string): Uint8Array {
  return frontendMessage('Q', Buffer.from(`${text}\0`, 'utf8'));
}
