import { execFile as execFileCallback, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFile = promisify(execFileCallback);

/** One PostgreSQL server of the pair, run by the `postgres` user out of a temporary directory. */
export interface Cluster {
  port: number;
  /** The connection string of database `name` on this server. */
  url(name: string): string;
  /** Stops the server (fast shutdown: sessions are ended, as in a failover or a restart). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Runs one statement on database `name` and returns its rows. */
  query<Row>(name: string, text: string): Promise<Row[]>;
}

export interface ReplicatedPair {
  primary: Cluster;
  replica: Cluster;
  /** Resolves once the replica has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>;
  /** Stops both servers and removes their files. */
  close(): Promise<void>;
}

/**
 * A primary and a streaming replica of it, made from nothing for one test file: `initdb` into a
 * temporary directory, a replication entry in its pg_hba.conf, `pg_basebackup -R` for the
 * replica, each on a free loopback port with its socket in the same directory, so the
 * machine's own cluster is never touched. PostgreSQL refuses to run as root, which tests run
 * as, so every server command runs as the `postgres` user. The binaries are pg_config's
 * (FULIAN_PG_BIN first); without them this throws, so the test fails rather than skips.
 */
export async function startReplicatedPair(): Promise<ReplicatedPair> {
  const bin = serverBinaries();
  const root = await mkdtemp(path.join(tmpdir(), 'fulian-replica-'));
  const owner = postgresUser();
  await chown(root, owner.uid, owner.gid);
  const asPostgres = (command: string, args: string[]) =>
    execFile('runuser', ['-u', 'postgres', '--', path.join(bin, command), ...args], { cwd: root });

  const [primaryPort, replicaPort] = [await freePort(), await freePort()];
  const primaryDir = path.join(root, 'primary');
  const replicaDir = path.join(root, 'replica');
  await asPostgres('initdb', [
    '-D',
    primaryDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  await appendFile(primaryDir + '/pg_hba.conf', 'host replication postgres 127.0.0.1/32 trust\n');
  await appendFile(primaryDir + '/postgresql.conf', settings(primaryPort, root));
  const cluster = (dir: string, port: number): Cluster => ({
    port,
    url: (name) => `postgres://postgres@127.0.0.1:${port}/${name}`,
    stop: async () => {
      await asPostgres('pg_ctl', ['stop', '-D', dir, '-m', 'fast', '-w']);
    },
    start: async () => {
      await asPostgres('pg_ctl', ['start', '-D', dir, '-w', '-l', `${dir}.log`]);
    },
    query: async (name, text) => {
      const client = new pg.Client({
        connectionString: `postgres://postgres@127.0.0.1:${port}/${name}`,
      });
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    },
  });
  const primary = cluster(primaryDir, primaryPort);
  await primary.start();

  await asPostgres('pg_basebackup', [
    '-h',
    '127.0.0.1',
    '-p',
    String(primaryPort),
    '-U',
    'postgres',
    '-D',
    replicaDir,
    '-R',
    '-X',
    'stream',
    '-c',
    'fast',
    '--no-sync',
  ]);
  // Later lines win: the replica's port, and feedback so replay does not cancel its reads.
  await appendFile(
    replicaDir + '/postgresql.conf',
    `port = ${replicaPort}\nhot_standby_feedback = on\n`,
  );
  const replica = cluster(replicaDir, replicaPort);
  await replica.start();

  const caughtUp = async () => {
    const [{ position } = { position: '' }] = await primary.query<{ position: string }>(
      'postgres',
      'SELECT pg_current_wal_lsn()::text AS position',
    );
    for (let tries = 0; ; tries += 1) {
      const [{ done } = { done: false }] = await replica.query<{ done: boolean }>(
        'postgres',
        `SELECT pg_last_wal_replay_lsn() >= '${position}'::pg_lsn AS done`,
      );
      if (done) return;
      if (tries > 300) throw new Error(`the replica did not replay up to ${position} in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return {
    primary,
    replica,
    caughtUp,
    close: async () => {
      for (const dir of [replicaDir, primaryDir]) {
        await asPostgres('pg_ctl', ['stop', '-D', dir, '-m', 'immediate', '-w']).catch(() => {});
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Small and quick: a test cluster holds a few hundred rows and needs no durability. */
function settings(port: number, socketDir: string): string {
  return [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${socketDir}'`,
    'max_connections = 60',
    'shared_buffers = 32MB',
    'fsync = off',
    'full_page_writes = off',
    '',
  ].join('\n');
}

function serverBinaries(): string {
  const bin =
    process.env.FULIAN_PG_BIN ??
    execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
  for (const command of ['initdb', 'pg_ctl', 'pg_basebackup']) {
    if (!existsSync(path.join(bin, command))) {
      throw new Error(
        `${command} is not in ${bin}: install the PostgreSQL server (apt-get install postgresql)`,
      );
    }
  }
  return bin;
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
