import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/tables.js';
import { pathSegment } from '../db/path.js';
import { nextIds } from './organization.seed.js';
import { SeedDataError } from './seed-data.files.js';
import type { OrgRef, PlannedOrganization, SeedPlan } from './seed-data.plan.js';

/** Rows written (inserted or changed) and deleted, per table. */
export type LoadCounts = Record<string, { written: number; deleted: number }>;

type Row = Record<string, unknown>;

/** A table the loader keeps in step with the seeds: its columns and their SQL types. */
interface TableSpec {
  table: string;
  columns: Record<string, string>;
  /** The unique key a row is matched on. */
  key: string[];
  /** Which existing rows belong to the seeds, so the ones no longer in them are deleted. */
  owned: RawBuilder<unknown>;
  /**
   * Rows the seeds wrote but something else has since taken over (alias `t`): the seeds
   * neither update nor delete them.
   */
  held?: RawBuilder<unknown>;
  /** Whether the table has an updated_at to set when a row changes. */
  touch?: boolean;
}

/**
 * Writes a validated plan: inserts what is new, updates what changed, deletes seed records
 * that are gone, and leaves everything else untouched, so a second load writes nothing and
 * every record keeps its id (and its global id). One statement per table, whatever the
 * number of records. Call it inside a transaction.
 */
export async function loadSeedPlan(db: Kysely<Database>, plan: SeedPlan): Promise<LoadCounts> {
  const counts: LoadCounts = {};
  const count = (table: string, written: number, deleted = 0) => {
    const entry = counts[table] ?? { written: 0, deleted: 0 };
    entry.written += written;
    entry.deleted += deleted;
    counts[table] = entry;
  };
  const current = new Map<TableSpec, Row[]>();
  const write = async (spec: TableSpec, rows: Row[]) => {
    current.set(spec, rows);
    count(spec.table, await upsert(db, spec, rows));
  };

  await write(METRIC_DEFINITION, plan.metrics as unknown as Row[]);
  const orgs = await loadOrganizations(db, plan.organizations, references(plan));
  count('organization', orgs.written);
  const org = (ref: OrgRef) => orgs.resolve(ref);
  const orgOrNull = (ref: OrgRef | null) => (ref === null ? null : orgs.resolve(ref));

  await write(
    DOCUMENT,
    plan.documents.map((document) => ({
      seed_key: document.key,
      title: document.title,
      kind: document.kind,
      number: document.number,
      issuer_id: orgOrNull(document.issuer),
      publisher: document.publisher,
      author: document.author,
      date_text: document.dateText,
      date_start: document.dateStart,
      source_file: document.sourceFile,
    })),
  );
  const documents = await idsByKey(
    db,
    'document',
    plan.documents.map((document) => document.key),
  );
  const documentId = (key: string) => documents.get(key)!;

  await write(
    PROGRAMME,
    plan.programmes.map((programme) => ({
      seed_key: programme.key,
      organization_id: org(programme.org),
      name: programme.name,
      corrected_name: programme.correctedName,
      kind: programme.kind,
      themes: programme.themes,
      document_id: documentId(programme.document),
      quote: programme.quote,
    })),
  );
  const programmes = await idsByKey(
    db,
    'programme',
    plan.programmes.map((programme) => programme.key),
  );

  await write(
    ACTIVITY,
    plan.activities.map((activity) => ({
      seed_key: activity.key,
      organization_id: org(activity.org),
      title: activity.title,
      corrected_title: activity.correctedTitle,
      description: activity.description,
      kind: activity.kind,
      ...periodColumns(activity.period),
      lead_department_id: orgOrNull(activity.leadDepartment),
      programme_id: activity.programme === null ? null : programmes.get(activity.programme)!,
      themes: activity.themes,
      annex: activity.annex,
      sequence: activity.sequence,
      document_id: documentId(activity.document),
      quote: activity.quote,
    })),
  );
  const activities = await idsByKey(
    db,
    'activity',
    plan.activities.map((activity) => activity.key),
  );
  await write(
    ACTIVITY_CO_ORGANIZER,
    dedupe(
      plan.activities.flatMap((activity) =>
        activity.coOrganizers.map((ref) => ({
          activity_id: activities.get(activity.key)!,
          organization_id: org(ref),
        })),
      ),
    ),
  );

  await write(
    METRIC_VALUE,
    plan.metricValues.map((value) => ({
      seed_key: value.key,
      organization_id: org(value.org),
      metric_code: value.metric,
      ...periodColumns(value.period),
      as_of: value.asOf,
      value: value.value,
      unit: value.unit,
      wording: value.wording,
      qualifier: value.qualifier,
      scope: value.scope,
      aggregatable: value.aggregatable,
      document_id: documentId(value.document),
      quote: value.quote,
      activity_id: value.activity === null ? null : activities.get(value.activity)!,
    })),
  );

  await write(
    HONOR,
    plan.honors.map((honor) => ({
      seed_key: honor.key,
      recipient_id: org(honor.recipient),
      title: honor.title,
      corrected_title: honor.correctedTitle,
      awarded_by_id: orgOrNull(honor.awardedBy),
      awarded_by_name: honor.awardedByName,
      ...periodColumns(honor.period),
      document_id: documentId(honor.document),
      quote: honor.quote,
    })),
  );

  await write(
    WORK_PLAN,
    plan.workPlans.map((workPlan) => ({
      seed_key: workPlan.key,
      organization_id: org(workPlan.org),
      title: workPlan.title,
      ...periodColumns(workPlan.period),
      document_id: documentId(workPlan.document),
      quote: workPlan.quote,
    })),
  );
  const workPlans = await idsByKey(
    db,
    'work_plan',
    plan.workPlans.map((workPlan) => workPlan.key),
  );
  const sections = plan.workPlans.flatMap((workPlan) =>
    workPlan.sections.map((section, index) => ({
      section,
      work_plan_id: workPlans.get(workPlan.key)!,
      position: index + 1,
    })),
  );
  await write(
    WORK_PLAN_SECTION,
    sections.map(({ section, work_plan_id, position }) => ({
      work_plan_id,
      position,
      number: section.number,
      title: section.title,
      quote: section.quote,
    })),
  );
  const sectionIds = await idsByPosition(db, 'work_plan_section', 'work_plan_id', [
    ...workPlans.values(),
  ]);
  const items = sections.flatMap(({ section, work_plan_id, position }) =>
    section.items.map((item, index) => ({
      item,
      section_id: sectionIds.get(`${work_plan_id}/${position}`)!,
      position: index + 1,
    })),
  );
  await write(
    WORK_PLAN_ITEM,
    items.map(({ item, section_id, position }) => ({
      section_id,
      position,
      number: item.number,
      title: item.title,
      corrected_title: item.correctedTitle,
      lead_department_id: orgOrNull(item.leadDepartment),
      quote: item.quote,
    })),
  );
  const itemIds = await idsByPosition(db, 'work_plan_item', 'section_id', [...sectionIds.values()]);
  await write(
    WORK_PLAN_TARGET,
    items.flatMap(({ item, section_id, position }) =>
      item.targets.map((target, index) => ({
        item_id: itemIds.get(`${section_id}/${position}`)!,
        position: index + 1,
        metric_code: target.metric,
        value: target.value,
        unit: target.unit,
        wording: target.wording,
        qualifier: target.qualifier,
        quote: target.quote,
      })),
    ),
  );

  await write(
    LIAISON_ASSIGNMENT,
    plan.liaisonAssignments.map((assignment) => ({
      seed_key: assignment.key,
      organization_id: org(assignment.org),
      leader_name: assignment.leader,
      note: assignment.note,
      document_id: documentId(assignment.document),
      quote: assignment.quote,
    })),
  );
  const assignments = await idsByKey(
    db,
    'liaison_assignment',
    plan.liaisonAssignments.map((assignment) => assignment.key),
  );
  await write(
    LIAISON_ASSIGNMENT_COUNTY,
    plan.liaisonAssignments.flatMap((assignment) =>
      assignment.counties.map((county, index) => ({
        assignment_id: assignments.get(assignment.key)!,
        organization_id: org(county),
        position: index + 1,
      })),
    ),
  );
  await write(
    LIAISON,
    plan.liaisonAssignments.flatMap((assignment) =>
      assignment.liaisons.map((liaison, index) => ({
        assignment_id: assignments.get(assignment.key)!,
        position: index + 1,
        name: liaison.name,
        phone: liaison.phone,
      })),
    ),
  );

  // Records gone from the seeds go too, dependents first. Units the seeds once declared stay:
  // other data (submissions, accounts) may hang off them.
  for (const spec of [
    LIAISON,
    LIAISON_ASSIGNMENT_COUNTY,
    LIAISON_ASSIGNMENT,
    WORK_PLAN_TARGET,
    WORK_PLAN_ITEM,
    WORK_PLAN_SECTION,
    WORK_PLAN,
    HONOR,
    METRIC_VALUE,
    ACTIVITY_CO_ORGANIZER,
    ACTIVITY,
    PROGRAMME,
    DOCUMENT,
  ]) {
    const keys = (current.get(spec) ?? []).map((row) =>
      Object.fromEntries(spec.key.map((column) => [column, row[column]])),
    );
    count(spec.table, 0, await deleteStale(db, spec, keys));
  }
  return counts;
}

const OWNED_BY_SEED = sql`seed_key IS NOT NULL`;

const METRIC_DEFINITION: TableSpec = {
  table: 'metric_definition',
  columns: {
    code: 'text',
    name_zh: 'text',
    name_en: 'text',
    description: 'text',
    unit: 'text',
    value_type: 'text',
    time_aggregation: 'text',
    tree_aggregation: 'text',
    numerator_code: 'text',
    denominator_code: 'text',
    factor: 'numeric',
  },
  key: ['code'],
  owned: sql`false`,
};

const DOCUMENT: TableSpec = {
  table: 'document',
  columns: {
    seed_key: 'text',
    title: 'text',
    kind: 'text',
    number: 'text',
    issuer_id: 'int',
    publisher: 'text',
    author: 'text',
    date_text: 'text',
    date_start: 'date',
    source_file: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
};

const PROGRAMME: TableSpec = {
  table: 'programme',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    name: 'text',
    corrected_name: 'text',
    kind: 'text',
    themes: 'text[]',
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
};

const PERIOD_COLUMNS = {
  period: 'text',
  period_type: 'text',
  period_start: 'date',
  period_end: 'date',
};

const ACTIVITY: TableSpec = {
  table: 'activity',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    title: 'text',
    corrected_title: 'text',
    description: 'text',
    kind: 'text',
    ...PERIOD_COLUMNS,
    lead_department_id: 'int',
    programme_id: 'int',
    themes: 'text[]',
    annex: 'text',
    sequence: 'int',
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
  touch: true,
};

const ACTIVITY_CO_ORGANIZER: TableSpec = {
  table: 'activity_co_organizer',
  columns: { activity_id: 'int', organization_id: 'int' },
  key: ['activity_id', 'organization_id'],
  owned: sql`activity_id IN (SELECT id FROM activity WHERE seed_key IS NOT NULL)`,
};

const METRIC_VALUE: TableSpec = {
  table: 'metric_value',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    metric_code: 'text',
    ...PERIOD_COLUMNS,
    as_of: 'date',
    value: 'numeric',
    unit: 'text',
    wording: 'text',
    qualifier: 'text',
    scope: 'text',
    aggregatable: 'boolean',
    document_id: 'int',
    quote: 'text',
    activity_id: 'int',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
  // A document figure linked to a report (seedReporting) is the report's from then on: the
  // workflow edits it, with its audit and version, and a later load must not put the
  // document's value back.
  held: sql`t.submission_id IS NOT NULL`,
  touch: true,
};

const HONOR: TableSpec = {
  table: 'honor',
  columns: {
    seed_key: 'text',
    recipient_id: 'int',
    title: 'text',
    corrected_title: 'text',
    awarded_by_id: 'int',
    awarded_by_name: 'text',
    ...PERIOD_COLUMNS,
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
};

const WORK_PLAN: TableSpec = {
  table: 'work_plan',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    title: 'text',
    ...PERIOD_COLUMNS,
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
};

const WORK_PLAN_SECTION: TableSpec = {
  table: 'work_plan_section',
  columns: { work_plan_id: 'int', position: 'int', number: 'text', title: 'text', quote: 'text' },
  key: ['work_plan_id', 'position'],
  owned: sql`work_plan_id IN (SELECT id FROM work_plan WHERE seed_key IS NOT NULL)`,
};

const WORK_PLAN_ITEM: TableSpec = {
  table: 'work_plan_item',
  columns: {
    section_id: 'int',
    position: 'int',
    number: 'text',
    title: 'text',
    corrected_title: 'text',
    lead_department_id: 'int',
    quote: 'text',
  },
  key: ['section_id', 'position'],
  owned: sql`section_id IN (SELECT s.id FROM work_plan_section s JOIN work_plan w ON w.id = s.work_plan_id WHERE w.seed_key IS NOT NULL)`,
};

const WORK_PLAN_TARGET: TableSpec = {
  table: 'work_plan_target',
  columns: {
    item_id: 'int',
    position: 'int',
    metric_code: 'text',
    value: 'numeric',
    unit: 'text',
    wording: 'text',
    qualifier: 'text',
    quote: 'text',
  },
  key: ['item_id', 'position'],
  owned: sql`item_id IN (SELECT i.id FROM work_plan_item i JOIN work_plan_section s ON s.id = i.section_id JOIN work_plan w ON w.id = s.work_plan_id WHERE w.seed_key IS NOT NULL)`,
};

const LIAISON_ASSIGNMENT: TableSpec = {
  table: 'liaison_assignment',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    leader_name: 'text',
    note: 'text',
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
};

const LIAISON_ASSIGNMENT_COUNTY: TableSpec = {
  table: 'liaison_assignment_county',
  columns: { assignment_id: 'int', organization_id: 'int', position: 'int' },
  key: ['assignment_id', 'organization_id'],
  owned: sql`assignment_id IN (SELECT id FROM liaison_assignment WHERE seed_key IS NOT NULL)`,
};

const LIAISON: TableSpec = {
  table: 'liaison',
  columns: { assignment_id: 'int', position: 'int', name: 'text', phone: 'text' },
  key: ['assignment_id', 'position'],
  owned: sql`assignment_id IN (SELECT id FROM liaison_assignment WHERE seed_key IS NOT NULL)`,
};

/**
 * Inserts the rows that are new and updates the ones that differ, in one statement; rows
 * equal to what is stored are not touched (updated_at keeps its value). Returns how many
 * rows were written.
 */
async function upsert(db: Kysely<Database>, spec: TableSpec, rows: Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const names = Object.keys(spec.columns);
  const list = sql.raw(names.join(', '));
  const updated = names.filter((name) => !spec.key.includes(name));
  const conflict =
    updated.length === 0
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET ${sql.raw(
          [
            ...updated.map((name) => `${name} = excluded.${name}`),
            ...(spec.touch ? ['updated_at = now()'] : []),
          ].join(', '),
        )}
        WHERE ${spec.held ? sql`NOT (${spec.held}) AND` : sql``}
          (${sql.raw(updated.map((name) => `t.${name}`).join(', '))})
          IS DISTINCT FROM (${sql.raw(updated.map((name) => `excluded.${name}`).join(', '))})`;
  const result = await sql`
    INSERT INTO ${sql.table(spec.table)} AS t (${list})
    SELECT ${list} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${recordType(spec, names)})
    ON CONFLICT (${sql.raw(spec.key.join(', '))}) ${conflict}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Deletes the seed-owned rows whose keys are not among `keys`. Returns how many. */
async function deleteStale(db: Kysely<Database>, spec: TableSpec, keys: Row[]): Promise<number> {
  const result = await sql`
    DELETE FROM ${sql.table(spec.table)} AS t
    WHERE ${spec.owned} ${spec.held ? sql`AND NOT (${spec.held})` : sql``}
      AND (${sql.raw(spec.key.join(', '))}) NOT IN (
        SELECT ${sql.raw(spec.key.join(', '))}
        FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS r(${recordType(spec, spec.key)}))`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

function recordType(spec: TableSpec, names: string[]): RawBuilder<unknown> {
  return sql.raw(names.map((name) => `${name} ${spec.columns[name]}`).join(', '));
}

async function idsByKey(
  db: Kysely<Database>,
  table: 'document' | 'programme' | 'activity' | 'work_plan' | 'liaison_assignment',
  keys: string[],
): Promise<Map<string, number>> {
  if (keys.length === 0) return new Map();
  const result = await sql<{ id: number; seed_key: string }>`
    SELECT id, seed_key FROM ${sql.table(table)} WHERE seed_key = ANY(${keys}::text[])`.execute(db);
  return new Map(result.rows.map((row) => [row.seed_key, row.id]));
}

/** Ids of child rows by "parentId/position". */
async function idsByPosition(
  db: Kysely<Database>,
  table: 'work_plan_section' | 'work_plan_item',
  parentColumn: 'work_plan_id' | 'section_id',
  parentIds: number[],
): Promise<Map<string, number>> {
  if (parentIds.length === 0) return new Map();
  const result = await sql<{ id: number; parent_id: number; position: number }>`
    SELECT id, ${sql.ref(parentColumn)} AS parent_id, position FROM ${sql.table(table)}
    WHERE ${sql.ref(parentColumn)} = ANY(${parentIds}::int[])`.execute(db);
  return new Map(result.rows.map((row) => [`${row.parent_id}/${row.position}`, row.id]));
}

function periodColumns(
  period: { canonical: string; type: string; start: string; end: string } | null,
) {
  return {
    period: period?.canonical ?? null,
    period_type: period?.type ?? null,
    period_start: period?.start ?? null,
    period_end: period?.end ?? null,
  };
}

function dedupe(rows: Row[]): Row[] {
  const seen = new Map(rows.map((row) => [JSON.stringify(row), row]));
  return [...seen.values()];
}

/**
 * Adds the units the seeds declare (departments, committees, activity centres, zones) to the
 * tree under their parents, a layer at a time so a unit's parent may be another declared
 * unit; renames or re-kinds the ones already present. Returns how to resolve any reference.
 */
async function loadOrganizations(
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
    const result = await sql`
      UPDATE organization o SET name = r.name, kind = r.kind, level = r.level
      FROM jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) AS r(key text, name text, kind text, level text)
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
        name: unit.name,
        level: unit.level,
        kind: unit.kind,
        parent_id: parent.id,
      };
    });
    await sql`
      INSERT INTO organization (id, seed_key, name, level, kind, parent_id, path, depth)
      SELECT id, seed_key, name, level, kind, parent_id, path, depth
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        AS r(id int, seed_key text, name text, level text, kind text, parent_id int, path text, depth int)`.execute(
      db,
    );
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
function references(plan: SeedPlan): { codes: string[]; keys: string[] } {
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
