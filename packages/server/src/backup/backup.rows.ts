import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import { backupTables } from './backup.database.js';

/**
 * The `rows` format: a logical dump taken with SQL alone, so it works through the socket of
 * the `fulian serve` that holds a PGlite directory (where neither pg_dump, whose PostgreSQL
 * version differs from PGlite's, nor PGlite's own dumpDataDir can reach). One line per row,
 * `r<TAB>table<TAB>row as JSON`, then one per sequence, `s<TAB>sequence<TAB>last value`.
 * JSON keeps each value in PostgreSQL's own text form (decimals exact, timestamps with their
 * offset), and a restore reads it back with json_populate_recordset, the same text in.
 *
 * The schema is not in the file: a restore rebuilds it by running this build's migrations up
 * to the backup's schema version, loads the rows, then migrates to the latest.
 */

/** Rows are read through a cursor this many at a time, so no table is held in memory. */
const FETCH = 2_000;
/** Rows sent per INSERT on restore. */
const INSERT_BATCH = 500;

/** Writes every row and sequence of `db`, which must be a transaction (one snapshot). */
export async function dumpRows(db: Kysely<Database>, out: Writable): Promise<void> {
  const write = async (line: string) => {
    if (!out.write(line)) await once(out, 'drain');
  };
  for (const table of await backupTables(db)) {
    await sql`DECLARE fulian_backup NO SCROLL CURSOR FOR
      SELECT row_to_json(t)::text AS row FROM ${sql.table(table)} t`.execute(db);
    for (;;) {
      const { rows } = await sql<{
        row: string;
      }>`FETCH ${sql.raw(String(FETCH))} FROM fulian_backup`.execute(db);
      for (const { row } of rows) await write(`r\t${table}\t${row}\n`);
      if (rows.length < FETCH) break;
    }
    await sql`CLOSE fulian_backup`.execute(db);
  }
  const { rows: sequences } = await sql<{ name: string; value: string | null }>`
    SELECT sequencename AS name, last_value::text AS value FROM pg_sequences
    WHERE schemaname = current_schema() ORDER BY sequencename`.execute(db);
  for (const { name, value } of sequences) {
    // A sequence never used has no last value, as in a fresh database.
    if (value !== null) await write(`s\t${name}\t${value}\n`);
  }
}

/**
 * Loads a `rows` body into `db`, a transaction on a database migrated to the backup's schema
 * version and otherwise empty. Triggers stay off while loading (session_replication_role
 * `replica`, which needs a superuser on PostgreSQL): the rows already hold what the triggers
 * derived when they were written (a figure's copied unit and status, the maintained totals),
 * and the foreign keys hold in a consistent snapshot whatever order the tables load in.
 */
export async function loadRows(db: Kysely<Database>, body: Readable): Promise<void> {
  await sql`SET LOCAL session_replication_role = replica`.execute(db);
  const columns = new Map<string, string[]>();
  let table = '';
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    let names = columns.get(table);
    if (!names) {
      names = await insertableColumns(db, table);
      columns.set(table, names);
    }
    const list = sql.join(names.map((name) => sql.ref(name)));
    // OVERRIDING SYSTEM VALUE keeps the ids of GENERATED ALWAYS identity columns.
    await sql`INSERT INTO ${sql.table(table)} (${list}) OVERRIDING SYSTEM VALUE
      SELECT ${list} FROM json_populate_recordset(NULL::${sql.table(table)}, ${`[${batch.join(',')}]`}::json)`.execute(
      db,
    );
    batch = [];
  };

  for await (const line of createInterface({ input: body, crlfDelay: Infinity })) {
    const [kind, name, value] = splitLine(line);
    if (kind === 's') {
      await flush();
      await sql`SELECT setval(${sql.lit(quoteIdent(name))}::regclass, ${value}::bigint)`.execute(
        db,
      );
      continue;
    }
    if (kind !== 'r') throw new Error(`backup body: unexpected line kind ${JSON.stringify(kind)}`);
    if (name !== table || batch.length >= INSERT_BATCH) {
      await flush();
      table = name;
    }
    batch.push(value);
  }
  await flush();
}

/** The columns a row is inserted with: all but the generated ones, computed again. */
async function insertableColumns(db: Kysely<Database>, table: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT column_name AS name FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ${table} AND is_generated = 'NEVER'
    ORDER BY ordinal_position`.execute(db);
  if (rows.length === 0) throw new Error(`backup body: no table ${table} at this schema version`);
  return rows.map((row) => row.name);
}

function splitLine(line: string): [string, string, string] {
  const first = line.indexOf('\t');
  const second = line.indexOf('\t', first + 1);
  if (first < 0 || second < 0) throw new Error('backup body: a line without its fields');
  return [line.slice(0, first), line.slice(first + 1, second), line.slice(second + 1)];
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
