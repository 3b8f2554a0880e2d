import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Database } from '@fulian/server';

/** The SQL types the generator writes; arrays travel as their literal and are cast. */
export type ColumnType =
  'int' | 'smallint' | 'text' | 'numeric' | 'date' | 'timestamptz' | 'bool' | 'text[]';

export interface Column {
  name: string;
  type: ColumnType;
}

export type Value = string | number | boolean | null | readonly string[];

/** Reports rows written so far to one table. */
export type RowProgress = (table: string, rows: number) => void;

/** Writes generated rows into a table as fast as the database allows. */
export interface BulkLoader {
  load(table: string, columns: readonly Column[], rows: Iterable<Value[]>): Promise<number>;
  close(): Promise<void>;
}

const PROGRESS_EVERY = 20_000;

/**
 * COPY FROM STDIN over a connection of its own, in PostgreSQL's text format. Foreign-key
 * triggers are skipped (session_replication_role = replica): the generator builds every
 * reference from rows it has just read or written, and checking tens of millions of them one
 * by one would take longer than the copy itself.
 */
export async function postgresLoader(url: string, onProgress: RowProgress): Promise<BulkLoader> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`SET session_replication_role = replica`);
  await client.query(`SET synchronous_commit = off`);
  return {
    async load(table, columns, rows) {
      let count = 0;
      const lines = function* () {
        let batch = '';
        for (const row of rows) {
          batch += `${row.map(copyText).join('\t')}\n`;
          count += 1;
          if (count % PROGRESS_EVERY === 0) {
            yield batch;
            batch = '';
            onProgress(table, count);
          }
        }
        if (batch) yield batch;
      };
      const names = columns.map((column) => column.name).join(', ');
      await pipeline(
        Readable.from(lines()),
        client.query(copyFrom(`COPY ${table} (${names}) FROM STDIN`)),
      );
      onProgress(table, count);
      return count;
    },
    close: () => client.end(),
  };
}

/**
 * PGlite has no COPY FROM STDIN through Kysely: rows go in as one INSERT … SELECT FROM
 * unnest(column arrays) per chunk, the same bulk form the tree seed uses. Triggers are
 * skipped as COPY skips them on PostgreSQL, for the same reasons, and because the generator
 * already writes what the server's triggers on metric_value would compute.
 */
export function unnestLoader(db: Kysely<Database>, onProgress: RowProgress): BulkLoader {
  const CHUNK = 5_000;
  return {
    async load(table, columns, rows) {
      let count = 0;
      let chunk: Value[][] = [];
      const flush = async () => {
        if (chunk.length === 0) return;
        await insertChunk(db, table, columns, chunk);
        count += chunk.length;
        chunk = [];
        onProgress(table, count);
      };
      for (const row of rows) {
        chunk.push(row);
        if (chunk.length === CHUNK) await flush();
      }
      await flush();
      return count;
    },
    close: async () => {},
  };
}

async function insertChunk(
  db: Kysely<Database>,
  table: string,
  columns: readonly Column[],
  rows: Value[][],
): Promise<void> {
  const arrays = columns.map((column, index) => {
    const values = rows.map((row) => row[index] ?? null);
    // unnest cannot take an array of arrays; an array column travels as its text literal.
    if (column.type === 'text[]') {
      return sql`${values.map((value) => (value === null ? null : arrayLiteral(value as string[])))}::text[]`;
    }
    return sql`${values}::${sql.raw(column.type)}[]`;
  });
  const selected = columns.map((column) =>
    column.type === 'text[]'
      ? sql`r.${sql.ref(column.name)}::text[]`
      : sql`r.${sql.ref(column.name)}`,
  );
  const names = columns.map((column) => sql.ref(column.name));
  await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL session_replication_role = replica`.execute(trx);
    await sql`
      INSERT INTO ${sql.table(table)} (${sql.join(names)})
      SELECT ${sql.join(selected)}
      FROM unnest(${sql.join(arrays)}) AS r(${sql.join(names)})`.execute(trx);
  });
}

function copyText(value: Value): string {
  if (value === null) return '\\N';
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return String(value);
  const text = typeof value === 'string' ? value : arrayLiteral(value as string[]);
  return text.replace(/[\\\n\r\t]/g, (char) => COPY_ESCAPES[char]!);
}

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/** A text[] literal with every element quoted: {"思想引领","乡村振兴"}. */
function arrayLiteral(items: readonly string[]): string {
  return `{${items.map((item) => `"${item.replace(/["\\]/g, (char) => `\\${char}`)}"`).join(',')}}`;
}
