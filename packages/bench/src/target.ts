import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import {
  createDatabase,
  UnreachableCaseError,
  type Database,
  type DatabaseConfig,
} from '@fulian/server';

export const DATABASE_KINDS = ['pglite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

/** The local PostgreSQL the harness uses when DATABASE_URL is not set. */
export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export const REPOSITORY_ROOT = path.resolve(import.meta.dirname, '../../..');

/**
 * Where one benchmark data set lives: a database of its own on PostgreSQL (created on the
 * server DATABASE_URL points to, never inside the database it names), or a PGlite directory
 * under .fulian/bench. Either is rebuilt only when its fingerprint changes.
 */
export interface Target {
  kind: DatabaseKind;
  /** A human-readable location, for reports. */
  location: string;
  config: Pick<DatabaseConfig, 'databaseUrl' | 'dataDir'>;
  /** The fingerprint of the data set it holds, or null when empty or unfinished. */
  readFingerprint(): Promise<string | null>;
  writeFingerprint(fingerprint: string): Promise<void>;
  /** Drops whatever is there and leaves an empty database. */
  recreate(): Promise<void>;
  /** Drops the data set for good. */
  drop(): Promise<void>;
  open(onQuery?: DatabaseConfig['onQuery']): Kysely<Database>;
}

export interface TargetPlacement {
  /** Where PGlite data sets go; .fulian/bench in the repository by default. */
  pgliteRoot?: string;
  /** The PostgreSQL server; DATABASE_URL or the local default. */
  serverUrl?: string;
}

/** The target for a data set named `name` (a scale): fulian_bench_<name>[_<suffix>] or pglite-<name>. */
export function createTarget(
  kind: DatabaseKind,
  name: string,
  placement: TargetPlacement = {},
): Target {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`bad data set name "${name}"`);
  switch (kind) {
    case 'pglite':
      return pgliteTarget(
        path.join(
          placement.pgliteRoot ?? path.join(REPOSITORY_ROOT, '.fulian', 'bench'),
          `pglite-${name}`,
        ),
      );
    case 'postgres':
      return postgresTarget(
        placement.serverUrl ?? (process.env.DATABASE_URL || DEFAULT_POSTGRES_URL),
        `fulian_bench_${name}${benchSuffix()}`,
      );
    default:
      throw new UnreachableCaseError(kind);
  }
}

/**
 * FULIAN_BENCH_SUFFIX (letters, digits, _) names a private copy, fulian_bench_<scale>_<suffix>:
 * a branch that adds migrations benches there (made with CREATE DATABASE … TEMPLATE) without
 * migrating the shared data set that other branches read.
 */
function benchSuffix(): string {
  const suffix = process.env.FULIAN_BENCH_SUFFIX;
  if (!suffix) return '';
  if (!/^[a-z0-9_]+$/.test(suffix)) throw new Error(`bad FULIAN_BENCH_SUFFIX "${suffix}"`);
  return `_${suffix}`;
}

function pgliteTarget(dataDir: string): Target {
  const fingerprintFile = `${dataDir}.fingerprint`;
  return {
    kind: 'pglite',
    location: path.relative(process.cwd(), dataDir) || dataDir,
    config: { dataDir },
    readFingerprint: () => readFile(fingerprintFile, 'utf8').catch(() => null),
    writeFingerprint: (fingerprint) => writeFile(fingerprintFile, fingerprint),
    async recreate() {
      await this.drop();
      await mkdir(path.dirname(dataDir), { recursive: true });
    },
    async drop() {
      await rm(fingerprintFile, { force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
    open: (onQuery) => createDatabase({ dataDir, onQuery }),
  };
}

function postgresTarget(serverUrl: string, database: string): Target {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  const databaseUrl = url.toString();
  // Statements that act on the database as a whole run from the server's maintenance database.
  const admin = async <T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> => {
    const db = createDatabase({ databaseUrl: serverUrl });
    try {
      return await fn(db);
    } finally {
      await db.destroy();
    }
  };
  const redacted = new URL(databaseUrl);
  if (redacted.password) redacted.password = '***';
  return {
    kind: 'postgres',
    location: redacted.toString(),
    config: { databaseUrl },
    readFingerprint: () =>
      admin(async (db) => {
        const result = await sql<{ comment: string | null }>`
          SELECT shobj_description(oid, 'pg_database') AS comment
          FROM pg_database WHERE datname = ${database}`.execute(db);
        return result.rows[0]?.comment ?? null;
      }),
    writeFingerprint: (fingerprint) =>
      admin(async (db) => {
        await sql`COMMENT ON DATABASE ${sql.id(database)} IS ${sql.lit(fingerprint)}`.execute(db);
      }),
    recreate: () =>
      admin(async (db) => {
        await sql`DROP DATABASE IF EXISTS ${sql.id(database)} WITH (FORCE)`.execute(db);
        await sql`CREATE DATABASE ${sql.id(database)}`.execute(db);
      }),
    drop: () =>
      admin(async (db) => {
        await sql`DROP DATABASE IF EXISTS ${sql.id(database)} WITH (FORCE)`.execute(db);
      }),
    open: (onQuery) => createDatabase({ databaseUrl, onQuery }),
  };
}
