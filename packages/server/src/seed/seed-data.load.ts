import { sql, type Kysely } from 'kysely';
import type {
  Database,
  OptionalPeriodColumns,
  PeriodColumns,
  SourcedColumns,
} from '../db/tables.js';
import type { Period } from '../period/period.js';
import { loadOrganizations, references } from './seed-data.organizations.js';
import type { OrgRef, Provenance, SeedPlan } from './seed-data.plan.js';
import {
  METRIC_DEFINITION,
  DOCUMENT,
  PROGRAMME,
  ACTIVITY,
  ACTIVITY_CO_ORGANIZER,
  METRIC_VALUE,
  HONOR,
  WORK_PLAN,
  WORK_PLAN_SECTION,
  WORK_PLAN_ITEM,
  WORK_PLAN_TARGET,
  LIAISON_ASSIGNMENT,
  LIAISON_ASSIGNMENT_COUNTY,
  LIAISON,
  deleteStale,
  upsert,
  type Exactly,
  type SeedRow,
  type TableSpec,
} from './seed-data.tables.js';

/** Rows written (inserted or changed) and deleted, per table. */
export type LoadCounts = Record<string, { written: number; deleted: number }>;

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
  // The rows written with each spec: the seed-owned rows not among them are deleted at the end.
  const current = new Map<TableSpec, readonly object[]>();
  // R is the rows' own type, so that a column the spec does not name fails to compile too.
  const write = async <S extends TableSpec, R extends SeedRow<S>>(
    spec: S,
    rows: readonly Exactly<SeedRow<S>, R>[],
  ) => {
    current.set(spec, rows);
    count(spec.table, await upsert(db, spec, rows));
  };
  /** Writes records with seed keys, and answers their ids by key for the rows that refer to them. */
  const writeKeyed = async <
    S extends TableSpec<KeyedTable, string, 'seed_key'>,
    R extends SeedRow<S> & { seed_key: string },
  >(
    spec: S,
    rows: readonly Exactly<SeedRow<S>, R>[],
  ) => {
    await write(spec, rows);
    return idsByKey(
      db,
      spec.table,
      rows.map((row) => row.seed_key),
    );
  };

  await write(METRIC_DEFINITION, plan.metrics);
  const orgs = await loadOrganizations(db, plan.organizations, references(plan));
  count('organization', orgs.written);
  const org = (ref: OrgRef) => orgs.resolve(ref);
  const orgOrNull = (ref: OrgRef | null) => (ref === null ? null : orgs.resolve(ref));

  const documents = await writeKeyed(
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
  /** A record's seed key, document and quote: the columns every table a document fills has. */
  const sourced = (record: Provenance): SourcedColumns & { seed_key: string } => ({
    seed_key: record.key,
    document_id: documents.get(record.document)!,
    quote: record.quote,
  });

  const programmes = await writeKeyed(
    PROGRAMME,
    plan.programmes.map((programme) => ({
      ...sourced(programme),
      organization_id: org(programme.org),
      name: programme.name,
      corrected_name: programme.correctedName,
      kind: programme.kind,
      themes: programme.themes,
    })),
  );

  const activities = await writeKeyed(
    ACTIVITY,
    plan.activities.map((activity) => ({
      ...sourced(activity),
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
    })),
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
      ...sourced(value),
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
      activity_id: value.activity === null ? null : activities.get(value.activity)!,
    })),
  );

  await write(
    HONOR,
    plan.honors.map((honor) => ({
      ...sourced(honor),
      recipient_id: org(honor.recipient),
      title: honor.title,
      corrected_title: honor.correctedTitle,
      awarded_by_id: orgOrNull(honor.awardedBy),
      awarded_by_name: honor.awardedByName,
      ...periodColumns(honor.period),
    })),
  );

  const workPlans = await writeKeyed(
    WORK_PLAN,
    plan.workPlans.map((workPlan) => ({
      ...sourced(workPlan),
      organization_id: org(workPlan.org),
      title: workPlan.title,
      ...periodColumns(workPlan.period),
    })),
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

  const assignments = await writeKeyed(
    LIAISON_ASSIGNMENT,
    plan.liaisonAssignments.map((assignment) => ({
      ...sourced(assignment),
      organization_id: org(assignment.org),
      leader_name: assignment.leader,
      note: assignment.note,
    })),
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
    count(spec.table, 0, await deleteStale(db, spec, current.get(spec) ?? []));
  }
  return counts;
}

type KeyedTable = 'document' | 'programme' | 'activity' | 'work_plan' | 'liaison_assignment';

async function idsByKey(
  db: Kysely<Database>,
  table: KeyedTable,
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

function periodColumns(period: Period): PeriodColumns;
function periodColumns(period: Period | null): OptionalPeriodColumns;
function periodColumns(period: Period | null): OptionalPeriodColumns {
  return {
    period: period?.canonical ?? null,
    period_type: period?.type ?? null,
    period_start: period?.start ?? null,
    period_end: period?.end ?? null,
  };
}

function dedupe<R>(rows: R[]): R[] {
  const seen = new Map(rows.map((row) => [JSON.stringify(row), row]));
  return [...seen.values()];
}
