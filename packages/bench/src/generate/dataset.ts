import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import {
  migrateToLatest,
  migrations,
  rebuildTotals,
  seedData,
  seedDivisions,
  seedReporting,
  subtreeOf,
  verifyTotals,
  type Database,
} from '@fulian/server';
import type { Progress } from '../progress.js';
import { Random } from '../random.js';
import { REPOSITORY_ROOT, type Target } from '../target.js';
import { ACTIVITY_COLUMNS, activityRates, activityRows } from './activities.js';
import { postgresLoader, unnestLoader, type BulkLoader, type Value } from './bulk-load.js';
import { divisionsOf, reportingUnits, reportingYears, type DatasetOptions } from './scale.js';
import { METRIC_VALUE_COLUMNS, SUBMISSION_COLUMNS } from './report-columns.js';
import { generateReports, prepareReportingPlan } from './submissions.js';
import { readUnits } from './units.js';

export interface DatasetSummary {
  fingerprint: string;
  /** True when the target already held this data set and nothing was generated. */
  reused: boolean;
  /**
   * The last migration the data set had when it was reused after migrating it forward to this
   * code's schema (the generator, options and seed data unchanged), else absent.
   */
  migratedFrom?: string;
  /** Rows per table. */
  rows: Record<string, number>;
  /** Seconds spent generating and loading (0 when reused). */
  loadSeconds: number;
}

/** The tables the generator fills in bulk; their secondary indexes are built after the load. */
const BULK_TABLES = ['activity', 'submission', 'metric_value'];

/** Where the maintained totals are checked against the figures: a subtree's code, or null for all. */
export interface VerifyScope {
  verifyWithin: string | null;
}

/**
 * Makes sure the target holds the data set these options describe: reused when its
 * fingerprint (options, generator code, seed data, migrations) matches; migrated forward when
 * only migrations were added since it was made (as a deployment would upgrade it, so the new
 * migrations build what they add from the data they find), then verified; else generated
 * from scratch.
 */
export async function ensureDataset(
  target: Target,
  options: DatasetOptions,
  progress: Progress,
  scope: VerifyScope = { verifyWithin: null },
): Promise<DatasetSummary> {
  const fingerprint = await datasetFingerprint(options);
  const stored = parseFingerprint(await target.readFingerprint());
  if (stored?.data === fingerprint.data && stored.schema === fingerprint.schema) {
    const db = target.open();
    try {
      return {
        fingerprint: fingerprint.text,
        reused: true,
        rows: await countRows(db),
        loadSeconds: 0,
      };
    } finally {
      await db.destroy();
    }
  }
  if (stored?.data === fingerprint.data && MIGRATION_NAMES.includes(stored.schema)) {
    return migrateForward(target, fingerprint, stored.schema, progress, scope);
  }

  const started = Date.now();
  await target.recreate();
  const db = target.open();
  try {
    await migrateToLatest(db);
    const levels = await divisionsOf(options.scale);
    await db
      .transaction()
      .execute((trx) =>
        seedDivisions(trx, levels, (level, done, total) =>
          progress.update(`tree: ${level.toLowerCase()} ${done}/${total}`),
        ),
      );
    const units = reportingUnits(options.scale, await readUnits(db));
    progress.done(`tree: ${units.length} units with activities and reports`);
    // The seed data (metric catalogue, the source documents' records, the reporting template
    // and the reports the documents give) goes in as `fulian seed` loads it; generated rows
    // come after it and around it.
    progress.update('seed data');
    await seedData(db);
    await seedReporting(db);
    const reporting = await prepareReportingPlan(db);
    const seeded = await sql<{ organization_id: number; period: string }>`
      SELECT organization_id, period FROM submission`.execute(db);
    const existing = new Set(seeded.rows.map((row) => `${row.organization_id}:${row.period}`));
    const firstIds = await nextIds(db, BULK_TABLES);

    const onRows = (table: string, rows: number) =>
      progress.update(`${table}: ${rows.toLocaleString('en-US')} rows`);
    const loader: BulkLoader =
      target.kind === 'postgres'
        ? await postgresLoader(target.config.databaseUrl!, onRows)
        : unnestLoader(db, onRows);
    const years = reportingYears(options);
    const load = async (
      table: string,
      columns: Parameters<BulkLoader['load']>[1],
      rows: Iterable<Value[]>,
    ) => {
      const count = await loader.load(table, columns, rows);
      progress.done(`${table}: ${count.toLocaleString('en-US')} rows`);
    };
    try {
      await withIndexesBuiltAfter(db, BULK_TABLES, progress, async () => {
        const rates = activityRates(units, years.length, options.activities);
        await load(
          'activity',
          ACTIVITY_COLUMNS,
          activityRows(new Random(options.seed ^ 0xac71), units, years, rates, firstIds.activity!),
        );
        const reports = generateReports(
          new Random(options.seed ^ 0x5b),
          units,
          years,
          reporting,
          existing,
          { submission: firstIds.submission!, value: firstIds.metric_value! },
        );
        await load('submission', SUBMISSION_COLUMNS, reports.submissions);
        await load('metric_value', METRIC_VALUE_COLUMNS, reports.values);
      });
    } finally {
      await loader.close();
    }
    await restartIdentities(db, BULK_TABLES);
    await buildAndVerifyTotals(db, progress, scope);
    // VACUUM sets the visibility map, without which the roll-ups' index-only scans would visit
    // the heap for every figure until autovacuum came by.
    progress.update('vacuum and analyze');
    await db.connection().execute(async (connection) => {
      await sql`SET statement_timeout = 0`.execute(connection);
      await sql`VACUUM (ANALYZE)`.execute(connection);
    });
    const rows = await countRows(db);
    await db.destroy();
    await target.writeFingerprint(fingerprint.text);
    return {
      fingerprint: fingerprint.text,
      reused: false,
      rows,
      loadSeconds: (Date.now() - started) / 1000,
    };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

const SEEDS_DIRECTORY = path.join(REPOSITORY_ROOT, 'seeds');

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/**
 * The figures went in directly, so their maintained totals are built afterwards, one
 * set-based statement per tree level (timed on its own line, statistics included), and then
 * verified.
 */
async function buildAndVerifyTotals(
  db: Kysely<Database>,
  progress: Progress,
  scope: VerifyScope,
): Promise<void> {
  progress.update('totals: building');
  const started = Date.now();
  await db.connection().execute(async (connection) => {
    await sql`SET statement_timeout = 0`.execute(connection);
    // The rebuild joins millions of freshly loaded figures to the tree: planned without
    // statistics, its per-level statements can pick nested loops that never finish nationally.
    await sql`ANALYZE`.execute(connection);
    await rebuildTotals(connection);
  });
  progress.done(`totals: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await analyzeAndVerify(db, progress, scope);
}

/**
 * Checks the maintained totals against the figures' statement (the oracle) inside the scope,
 * after analyzing: without statistics on freshly loaded rows, the planner's guesses made
 * verifying one county take 64 s instead of 3. A data set whose totals differ is not measured.
 */
async function analyzeAndVerify(
  db: Kysely<Database>,
  progress: Progress,
  { verifyWithin }: VerifyScope,
): Promise<void> {
  const where = verifyWithin === null ? 'the whole tree' : `the subtree of ${verifyWithin}`;
  progress.update(`totals: analyzing and verifying ${where} against the figures`);
  const started = Date.now();
  await db.connection().execute(async (connection) => {
    await sql`SET statement_timeout = 0`.execute(connection);
    await sql`ANALYZE`.execute(connection);
  });
  const within = verifyWithin === null ? null : await subtreeOf(db, verifyWithin);
  if (verifyWithin !== null && within === null) {
    throw new Error(`--verify-within: no unit has the division code ${verifyWithin}`);
  }
  const { compared, differences } = await verifyTotals(db, { within, period: null });
  if (differences.length > 0) {
    throw new Error(
      `the totals differ from the figures in ${differences.length} value(s), first: ${JSON.stringify(differences[0])}`,
    );
  }
  progress.done(
    `totals: ${compared.toLocaleString('en-US')} verified (${where}) in ${((Date.now() - started) / 1000).toFixed(1)} s, no difference`,
  );
}

const MIGRATION_NAMES = Object.keys(migrations);

/** A data set's identity: what its rows are made from, and the schema they were loaded into. */
interface Fingerprint {
  /** The options, the seed data and the generator's own code. */
  data: string;
  /** The last migration applied. */
  schema: string;
  text: string;
}

/**
 * Identifies a data set, so changing what its rows are made from regenerates it rather than
 * benchmarking stale data, while a schema that only gained migrations is migrated forward.
 */
async function datasetFingerprint(options: DatasetOptions): Promise<Fingerprint> {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(options));
  for (const dir of [
    import.meta.dirname,
    SEEDS_DIRECTORY,
    path.join(SEEDS_DIRECTORY, 'documents'),
  ]) {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort(byName)) {
      if (!entry.isFile()) continue;
      hash.update(entry.name);
      hash.update(await readFile(path.join(dir, entry.name)));
    }
  }
  const data = `fulian-bench ${options.scale} years=${options.years} seed=${options.seed} ${hash.digest('hex').slice(0, 16)}`;
  const schema = MIGRATION_NAMES.at(-1)!;
  return { data, schema, text: `${data} schema=${schema}` };
}

/** The parts of a stored fingerprint; null for none, or one written before schemas were named. */
function parseFingerprint(text: string | null): Omit<Fingerprint, 'text'> | null {
  const match = text?.match(/^(.*) schema=(\S+)$/);
  return match ? { data: match[1]!, schema: match[2]! } : null;
}

/**
 * Brings a data set made under an earlier schema up to this one with the migrations alone,
 * then verifies the totals (the migrations that build stored rows from existing data are
 * checked on the whole data set that way) and analyzes what they wrote.
 */
async function migrateForward(
  target: Target,
  fingerprint: Fingerprint,
  from: string,
  progress: Progress,
  scope: VerifyScope,
): Promise<DatasetSummary> {
  const db = target.open();
  try {
    progress.update(`schema: migrating from ${from} to ${fingerprint.schema}`);
    const started = Date.now();
    await db.connection().execute(async (connection) => {
      await sql`SET statement_timeout = 0`.execute(connection);
      await migrateToLatest(connection);
    });
    progress.done(
      `schema: migrated from ${from} to ${fingerprint.schema} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await analyzeAndVerify(db, progress, scope);
    await target.writeFingerprint(fingerprint.text);
    return {
      fingerprint: fingerprint.text,
      reused: true,
      migratedFrom: from,
      rows: await countRows(db),
      loadSeconds: 0,
    };
  } finally {
    await db.destroy();
  }
}

/**
 * Drops the tables' secondary indexes (not those behind a constraint), runs the load, and
 * builds them again from their saved definitions: one sort per index instead of millions of
 * single-row index updates.
 */
async function withIndexesBuiltAfter(
  db: Kysely<Database>,
  tables: readonly string[],
  progress: Progress,
  load: () => Promise<void>,
): Promise<void> {
  const indexes = await sql<{ name: string; definition: string }>`
    SELECT i.indexname AS name, i.indexdef AS definition
    FROM pg_indexes i
    WHERE i.schemaname = current_schema() AND i.tablename = ANY(${[...tables]}::text[])
      AND NOT EXISTS (
        SELECT 1 FROM pg_constraint c
        WHERE c.conindid = to_regclass(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname)))
    ORDER BY i.indexname`.execute(db);
  for (const index of indexes.rows) await sql`DROP INDEX ${sql.id(index.name)}`.execute(db);
  await load();
  // One pinned connection, so the settings apply to the index builds that follow: at national
  // scale one build takes longer than the server's statement timeout.
  await db.connection().execute(async (connection) => {
    await sql`SET maintenance_work_mem = '512MB'`.execute(connection);
    await sql`SET statement_timeout = 0`.execute(connection);
    for (const index of indexes.rows) {
      progress.update(`index ${index.name}`);
      await sql.raw(index.definition).execute(connection);
    }
  });
}

/** The first free id of each table: generated rows go after the seed data's. */
async function nextIds(
  db: Kysely<Database>,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const table of tables) {
    const result = await sql<{ next: number }>`
      SELECT coalesce(max(id), 0) + 1 AS next FROM ${sql.table(table)}`.execute(db);
    ids[table] = result.rows[0]!.next;
  }
  return ids;
}

/** Moves each table's identity past the generated ids, so the server's own inserts fit. */
async function restartIdentities(db: Kysely<Database>, tables: readonly string[]): Promise<void> {
  for (const table of tables) {
    await sql`
      SELECT setval(pg_get_serial_sequence(${table}, 'id'),
                    (SELECT coalesce(max(id), 0) + 1 FROM ${sql.table(table)}), false)`.execute(db);
  }
}

async function countRows(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['organization', ...BULK_TABLES]) {
    const result = await sql<{
      count: number;
    }>`SELECT count(*) AS count FROM ${sql.table(table)}`.execute(db);
    counts[table] = result.rows[0]?.count ?? 0;
  }
  return counts;
}
