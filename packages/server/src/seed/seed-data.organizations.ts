import { sql, type Kysely } from 'kysely';
import { pathSegment } from '../db/path.js';
import type { Database } from '../db/tables.js';
import { nextIds, withPinyin } from './organization.seed.js';
import { SeedDataError } from './seed-data.files.js';
import type { OrgRef, PlannedOrganization, SeedPlan } from './seed-data.plan.js';

/**
 * Adds the units the seeds declare (departments, committees, activity centres, zones) to the
 * tree under their parents, a layer at a time so a unit's parent may be another declared
 * unit; renames or re-kinds the ones already present. Returns how to resolve any reference.
 */
export async function loadOrganizations(
  db: Kysely<Database>,
  declared: PlannedOrganization[],
  referenced: { codes: string[]; keys: string[] },
): Promise<{ written: number; resolve: (ref: OrgRef) => number }> {
  const codes = await sql<{ id: number; code: string; path: string; depth: number }>`
    SELECT id, code, path, depth FROM organization WHERE code = ANY(${referenced.codes}::text[])`.execute(
    db,
  );
  const existing = await sql<{
    id: number;
    seed_key: string;
    name: string;
    kind: string;
    level: string;
    parent_id: number;
    path: string;
    depth: number;
  }>`
    SELECT id, seed_key, name, kind, level, parent_id, path, depth FROM organization
    WHERE seed_key = ANY(${[...declared.map((unit) => unit.key), ...referenced.keys]}::text[])`.execute(
    db,
  );
  const byKey = new Map(existing.rows.map((row) => [row.seed_key, row]));
  const placed = new Map<string, { id: number; path: string; depth: number }>();
  for (const row of codes.rows) placed.set(`code:${row.code}`, row);
  for (const row of existing.rows) placed.set(`key:${row.seed_key}`, row);

  let written = 0;
  const moved: string[] = [];
  const changed = declared.filter((unit) => {
    const row = byKey.get(unit.key);
    if (!row) return false;
    const parent = placed.get(refName(unit.parent));
    if (parent && parent.id !== row.parent_id) moved.push(unit.key);
    return row.name !== unit.name || row.kind !== unit.kind || row.level !== unit.level;
  });
  if (moved.length > 0) {
    throw new SeedDataError(
      moved.map((key) => ({
        file: 'seeds',
        path: `organizations (${key})`,
        reason:
          'the unit is already in the tree under another parent; moving units is not supported',
      })),
    );
  }
  if (changed.length > 0) {
    const rows = changed.map((unit) => ({ ...unit, ...withPinyin(unit.name) }));
    const result = await sql`
      UPDATE organization o SET name = r.name, name_pinyin = r.name_pinyin,
        name_initials = r.name_initials, kind = r.kind, level = r.level
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r(key text, name text, name_pinyin text, name_initials text, kind text, level text)
      WHERE o.seed_key = r.key`.execute(db);
    written += Number(result.numAffectedRows ?? 0);
  }

  // New units, parents before children.
  let pending = declared.filter((unit) => !byKey.has(unit.key));
  while (pending.length > 0) {
    const ready = pending.filter((unit) => placed.has(refName(unit.parent)));
    if (ready.length === 0) break;
    const ids = await nextIds(db, ready.length);
    const rows = ready.map((unit, index) => {
      const parent = placed.get(refName(unit.parent))!;
      const id = ids[index]!;
      const row = { id, path: parent.path + pathSegment(id), depth: parent.depth + 1 };
      placed.set(`key:${unit.key}`, row);
      return {
        ...row,
        seed_key: unit.key,
        ...withPinyin(unit.name),
        level: unit.level,
        kind: unit.kind,
        parent_id: parent.id,
      };
    });
    await sql`
      INSERT INTO organization (id, seed_key, name, name_pinyin, name_initials, level, kind,
                                parent_id, path, depth)
      SELECT id, seed_key, name, name_pinyin, name_initials, level, kind, parent_id, path, depth
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r(id int, seed_key text, name text, name_pinyin text, name_initials text, level text,
             kind text, parent_id int, path text, depth int)`.execute(db);
    written += rows.length;
    pending = pending.filter((unit) => !ready.includes(unit));
  }
  return {
    written,
    resolve(ref) {
      const row = placed.get(refName(ref));
      if (!row) throw new Error(`unresolved organization ${refName(ref)}`);
      return row.id;
    },
  };
}

function refName(ref: OrgRef): string {
  return 'code' in ref ? `code:${ref.code}` : `key:${ref.key}`;
}

/** Every division code and unit key the plan refers to. */
export function references(plan: SeedPlan): { codes: string[]; keys: string[] } {
  const refs: (OrgRef | null)[] = [
    ...plan.organizations.map((unit) => unit.parent),
    ...plan.documents.map((document) => document.issuer),
    ...plan.programmes.map((programme) => programme.org),
    ...plan.activities.flatMap((activity) => [
      activity.org,
      activity.leadDepartment,
      ...activity.coOrganizers,
    ]),
    ...plan.metricValues.map((value) => value.org),
    ...plan.honors.flatMap((honor) => [honor.recipient, honor.awardedBy]),
    ...plan.workPlans.flatMap((workPlan) => [
      workPlan.org,
      ...workPlan.sections.flatMap((section) => section.items.map((item) => item.leadDepartment)),
    ]),
    ...plan.liaisonAssignments.flatMap((assignment) => [assignment.org, ...assignment.counties]),
  ];
  return {
    codes: [...new Set(refs.flatMap((ref) => (ref && 'code' in ref ? [ref.code] : [])))],
    keys: [...new Set(refs.flatMap((ref) => (ref && 'key' in ref ? [ref.key] : [])))],
  };
}
