import { sql, type Kysely } from 'kysely';
import { subtreeUpperBound, type Database } from '@fulian/server';
import { COMPANION_TEMPLATE } from '../generate/submissions.js';

export const HUNAN_CODE = '43';

export interface UnitRef {
  id: number;
  code: string;
  name: string;
  path: string;
  depth: number;
  /** The exclusive upper bound of the unit's subtree paths. */
  upperPath: string;
}

/**
 * One unit by division code, or the root federation (which has none) for null; the data set
 * always holds the root, Hunan and its divisions.
 */
export async function requireUnit(db: Kysely<Database>, code: string | null): Promise<UnitRef> {
  const result = await sql<Omit<UnitRef, 'upperPath'>>`
    SELECT id, code, name, path, depth FROM organization
    WHERE ${code === null ? sql`depth = 0` : sql`code = ${code}`}`.execute(db);
  const row = result.rows[0];
  if (!row) throw new Error(`the data set has no unit with code ${code ?? '(root)'}`);
  return { ...row, upperPath: subtreeUpperBound(row.path) };
}

/** The key inside a Relay global id ("Organization:42" → "42"). */
export function keyOf(globalId: string): string {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  return decoded.slice(decoded.indexOf(':') + 1);
}

/** A decimal string without insignificant zeros ("12.50" → "12.5", "3.00" → "3"). */
export function canonicalDecimal(value: string): string {
  return value.includes('.') ? value.replace(/\.?0+$/, '') : value;
}

/** The one depth at which the federations of a level sit inside a subtree. */
export async function depthOfLevel(
  db: Kysely<Database>,
  within: UnitRef,
  level: string,
): Promise<number> {
  const result = await sql<{ depth: number }>`
    SELECT DISTINCT depth FROM organization
    WHERE level = ${level} AND kind = 'FEDERATION'
      AND path >= ${within.path} AND path < ${within.upperPath}`.execute(db);
  if (result.rows.length !== 1) {
    throw new Error(`${level} units sit at ${result.rows.length} depths under ${within.code}`);
  }
  return result.rows[0]!.depth;
}

/** The levels the yearly templates that hold a metric expect reports from. */
export async function expectedLevels(db: Kysely<Database>, metric: string): Promise<string[]> {
  const result = await sql<{ level: string }>`
    SELECT DISTINCT unnest(t.submitting_levels) AS level
    FROM reporting_template t
    JOIN reporting_template_metric m ON m.template_id = t.id
    WHERE m.metric_code = ${metric} AND t.period_type = 'YEAR'
    ORDER BY 1`.execute(db);
  return result.rows.map((row) => row.level);
}

/** A report of the generator's companion template (every level but the cities). */
export interface CompanionReport {
  id: number;
  code: string;
  version: number;
}

/**
 * The first `limit` companion-template reports of one year, level and status inside Hunan,
 * in tree order: the reports the write operations take turns on.
 */
export async function companionReports(
  db: Kysely<Database>,
  where: { year: number; level: string; status: string; limit: number },
): Promise<CompanionReport[]> {
  const hunan = await requireUnit(db, HUNAN_CODE);
  const result = await sql<CompanionReport>`
    SELECT s.id, o.code, s.version
    FROM submission s
    JOIN reporting_template t ON t.id = s.template_id AND t.code = ${COMPANION_TEMPLATE}
    JOIN organization o ON o.id = s.organization_id
    WHERE s.status = ${where.status} AND s.period = ${String(where.year)}
      AND o.level = ${where.level} AND o.path >= ${hunan.path} AND o.path < ${hunan.upperPath}
    ORDER BY o.path
    LIMIT ${where.limit}`.execute(db);
  return result.rows;
}
