import { sql, type Kysely } from 'kysely';
import type { Database } from '@fulian/server';

export type UnitLevel = 'PROVINCE' | 'CITY' | 'COUNTY' | 'TOWNSHIP' | 'VILLAGE';

/** A federation of the generated tree, as much as the generators need. */
export interface Unit {
  id: number;
  code: string;
  parentId: number;
  level: UnitLevel;
  name: string;
  regionName: string;
  path: string;
}

/**
 * Every federation below the national root, in id order (which is tree-load order, so the
 * same seed always walks the units in the same order).
 */
export async function readUnits(db: Kysely<Database>): Promise<Unit[]> {
  const result = await sql<{
    id: number;
    code: string;
    parent_id: number;
    level: UnitLevel;
    name: string;
    region_name: string;
    path: string;
  }>`
    SELECT id, code, parent_id, level, name, region_name, path FROM organization
    WHERE level <> 'NATIONAL' AND code IS NOT NULL
    ORDER BY id`.execute(db);
  return result.rows.map((row) => ({
    id: row.id,
    code: row.code,
    parentId: row.parent_id,
    level: row.level,
    name: row.name,
    regionName: row.region_name,
    path: row.path,
  }));
}
