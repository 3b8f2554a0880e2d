import { sql, type Kysely } from 'kysely';
import type { Database } from '@fulian/server';
import type { Random } from '../random.js';
import type { Value } from './bulk-load.js';
import { LAST_YEAR } from './scale.js';
import {
  addTo,
  metricShape,
  NO_FAMILIES,
  ownFigures,
  subtreeFigures,
  wording,
  type Figures,
} from './figures.js';
import type { Unit, UnitLevel } from './units.js';

/**
 * What every unit reports each year: the seeded annual template's metrics, on that template
 * for the levels it names (the 14 cities) and on a companion template for every other level.
 */
export interface ReportingPlan {
  metrics: TemplateMetric[];
  dueDays: number;
  /** The template each level reports on. */
  templateIds: Record<UnitLevel, number>;
}

export interface TemplateMetric {
  code: string;
  unit: string;
  valueType: 'INTEGER' | 'DECIMAL' | 'PERCENT';
  treeAggregation: string;
  numerator: string | null;
  denominator: string | null;
  factor: string | null;
}

const ALL_LEVELS: readonly UnitLevel[] = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'];

/** The code of the companion template the generator adds for the levels the seeds leave out. */
export const COMPANION_TEMPLATE = 'annual-data';

/**
 * Reads the seeded yearly template and adds its companion: the same metrics, due the same
 * day, submitted by every level the seeded one leaves out. The scenario has every unit
 * of the network report every year (a county saves its figures); the seeds' annual summary
 * is the cities' report to the province, and stays exactly that.
 */
export async function prepareReportingPlan(db: Kysely<Database>): Promise<ReportingPlan> {
  const seeded = await sql<{ id: number; submitting_levels: UnitLevel[]; due_days: number }>`
    SELECT id, submitting_levels, due_days FROM reporting_template
    WHERE period_type = 'YEAR' ORDER BY id LIMIT 1`.execute(db);
  const template = seeded.rows[0];
  if (!template) throw new Error('the seed data has no yearly reporting template');
  const others = ALL_LEVELS.filter((level) => !template.submitting_levels.includes(level));
  const companion = await sql<{ id: number }>`
    INSERT INTO reporting_template
      (code, name_zh, name_en, description, period_type, submitting_levels, due_days)
    VALUES (${COMPANION_TEMPLATE}, '各级妇联年度数据报送', 'Annual data of federations at every level',
      '基准测试数据：年度工作总结的指标，由其余各级妇联报送。', 'YEAR', ${others}::text[],
      ${template.due_days})
    RETURNING id`.execute(db);
  const companionId = companion.rows[0]!.id;
  await sql`
    INSERT INTO reporting_template_metric (template_id, metric_code, position)
    SELECT ${companionId}, metric_code, position FROM reporting_template_metric
    WHERE template_id = ${template.id}`.execute(db);
  const metrics = await sql<{
    code: string;
    unit: string;
    value_type: TemplateMetric['valueType'];
    tree_aggregation: string;
    numerator_code: string | null;
    denominator_code: string | null;
    factor: string | null;
  }>`
    SELECT d.code, d.unit, d.value_type, d.tree_aggregation, d.numerator_code,
           d.denominator_code, d.factor
    FROM reporting_template_metric m JOIN metric_definition d ON d.code = m.metric_code
    WHERE m.template_id = ${template.id}
    ORDER BY m.position`.execute(db);
  return {
    dueDays: template.due_days,
    templateIds: Object.fromEntries(
      ALL_LEVELS.map((level) => [
        level,
        template.submitting_levels.includes(level) ? template.id : companionId,
      ]),
    ) as Record<UnitLevel, number>,
    metrics: metrics.rows.map((metric) => ({
      code: metric.code,
      unit: metric.unit,
      valueType: metric.value_type,
      treeAggregation: metric.tree_aggregation,
      numerator: metric.numerator_code,
      denominator: metric.denominator_code,
      factor: metric.factor,
    })),
  };
}

const NONE = 0;
const DRAFT = 1;
const SUBMITTED = 2;
const RETURNED = 3;
const APPROVED = 4;
const STATUS_NAMES = ['', 'DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED'] as const;

/**
 * The current year's reports as the province sees them mid-cycle: some not opened, many
 * drafts and submissions, a few sent back, some approved. Earlier years are closed: every
 * unit's report is approved.
 */
const CURRENT_YEAR_MIX: readonly (readonly [number, number])[] = [
  [NONE, 12],
  [DRAFT, 22],
  [SUBMITTED, 30],
  [RETURNED, 4],
  [APPROVED, 32],
];

/** Cities and provinces that report a metric as the total of their whole subtree. */
const SUBTREE_REPORTING = 0.5;

export interface GeneratedReports {
  submissions: Iterable<Value[]>;
  values: Iterable<Value[]>;
}

interface Plan {
  units: readonly Unit[];
  years: readonly number[];
  reporting: ReportingPlan;
  /** Per year, per unit index: the submission id, or 0 for none. */
  submissionIds: Int32Array[];
  statuses: Uint8Array[];
  firstValueId: number;
}

/**
 * The annual reports of every unit for every year, and their figures. Statuses follow the approval rule (a unit is approved only once every unit below
 * it is), figures follow realistic magnitudes per level, and cities and the province report
 * half their metrics as subtree totals, as the source documents do ("全市四级妇联共…").
 */
export function generateReports(
  random: Random,
  units: readonly Unit[],
  years: readonly number[],
  reporting: ReportingPlan,
  existing: ReadonlySet<string>,
  firstIds: { submission: number; value: number },
): GeneratedReports {
  const statuses = years.map((year) =>
    year === LAST_YEAR
      ? currentYearStatuses(random, units)
      : Uint8Array.from(units, () => APPROVED),
  );
  let nextSubmission = firstIds.submission;
  const submissionIds = years.map((year, y) => {
    const ids = new Int32Array(units.length);
    units.forEach((unit, index) => {
      // A report the seed data already holds (from the source documents) is kept as it is.
      if (statuses[y]![index] === NONE || existing.has(`${unit.id}:${year}`)) return;
      ids[index] = nextSubmission;
      nextSubmission += 1;
    });
    return ids;
  });
  const plan: Plan = {
    units,
    years,
    reporting,
    submissionIds,
    statuses,
    firstValueId: firstIds.value,
  };
  return { submissions: submissionRows(random, plan), values: valueRows(random, plan) };
}

/**
 * Draws each unit's status, children before parents (ids grow down the tree), and demotes an
 * approval to SUBMITTED when anything below the unit is not approved yet.
 */
function currentYearStatuses(random: Random, units: readonly Unit[]): Uint8Array {
  const indexOf = new Map(units.map((unit, index) => [unit.id, index]));
  const statuses = new Uint8Array(units.length);
  const pendingBelow = new Uint8Array(units.length);
  for (let index = units.length - 1; index >= 0; index -= 1) {
    const unit = units[index]!;
    const parent = indexOf.get(unit.parentId);
    let status = random.weighted(CURRENT_YEAR_MIX);
    if (status === APPROVED && pendingBelow[index]) status = SUBMITTED;
    statuses[index] = status;
    if (parent !== undefined && (status !== APPROVED || pendingBelow[index])) {
      pendingBelow[parent] = 1;
    }
  }
  return statuses;
}

function* submissionRows(random: Random, plan: Plan): Generator<Value[]> {
  const { units, years, reporting } = plan;
  for (let y = 0; y < years.length; y += 1) {
    const year = years[y]!;
    const due = addDays(`${year}-12-31`, reporting.dueDays);
    for (let index = 0; index < units.length; index += 1) {
      const id = plan.submissionIds[y]![index]!;
      if (id === 0) continue;
      const unit = units[index]!;
      const status = plan.statuses[y]![index]!;
      const editor = `staff:editor@${unit.id}`;
      const reviewer = `staff:reviewer@${unit.parentId}`;
      const created = timestamp(addDays(`${year + 1}-01-02`, random.int(0, 20)), random);
      // Most reports arrive before the due date; about one in ten is late.
      const submittedDay = random.chance(0.1)
        ? addDays(due, random.int(1, 30))
        : addDays(due, -random.int(0, 15));
      const submitted = status >= SUBMITTED ? timestamp(submittedDay, random) : null;
      const returned =
        status === RETURNED ? timestamp(addDays(submittedDay, random.int(2, 10)), random) : null;
      const approved =
        status === APPROVED ? timestamp(addDays(submittedDay, random.int(3, 25)), random) : null;
      const version = { [DRAFT]: 2, [SUBMITTED]: 3, [RETURNED]: 4, [APPROVED]: 4 }[status]!;
      yield [
        id,
        reporting.templateIds[unit.level],
        unit.id,
        String(year),
        'YEAR',
        `${year}-01-01`,
        `${year}-12-31`,
        STATUS_NAMES[status]!,
        version,
        random.chance(0.2) ? `${unit.name}${year}年度工作总结。` : null,
        created,
        editor,
        approved ?? returned ?? submitted ?? created,
        approved || returned ? reviewer : editor,
        submitted,
        submitted ? editor : null,
        returned,
        returned ? reviewer : null,
        returned ? '请核实培训人次的统计口径后重新报送。' : null,
        approved,
        approved ? reviewer : null,
      ];
    }
  }
}

/**
 * The figures of every generated report, year by year (as reports arrive, so one year's
 * figures sit together on disk). In each year the units below the city come first, their
 * figures summed per city and province as they go, so that a city or province reporting a
 * subtree total reports (roughly) what its subtree holds.
 */
function* valueRows(random: Random, plan: Plan): Generator<Value[]> {
  const { units, years } = plan;
  const metrics = plan.reporting.metrics;
  const shape = metricShape(metrics);
  const indexOf = new Map(units.map((unit, index) => [unit.id, index]));
  // The city and the province above each unit (ids grow down the tree: parents come first).
  const cityOf = new Int32Array(units.length).fill(-1);
  const provinceOf = new Int32Array(units.length).fill(-1);
  units.forEach((unit, index) => {
    const parent = indexOf.get(unit.parentId);
    cityOf[index] = unit.level === 'CITY' ? index : parent === undefined ? -1 : cityOf[parent]!;
    provinceOf[index] =
      unit.level === 'PROVINCE' ? index : parent === undefined ? -1 : provinceOf[parent]!;
  });
  const size = Float64Array.from(units, () => random.logNormal(1, 0.35));
  // Which metric families each city and province reports as subtree totals (ranks have none).
  const summable = [...new Set(shape.family.values())].filter(
    (code) => metrics[shape.position.get(code)!]!.treeAggregation !== 'NONE',
  );
  const upper = units.flatMap((unit, index) =>
    unit.level === 'CITY' || unit.level === 'PROVINCE' ? [index] : [],
  );
  const subtreeFamilies = new Map(
    upper.map((index) => [index, new Set(summable.filter(() => random.chance(SUBTREE_REPORTING)))]),
  );
  let id = plan.firstValueId;

  const emit = function* (
    index: number,
    y: number,
    figures: Figures,
    scopes: ReadonlySet<string>,
  ): Generator<Value[]> {
    const unit = units[index]!;
    const year = years[y]!;
    const submission = plan.submissionIds[y]![index]!;
    if (submission === 0) return;
    for (let m = 0; m < metrics.length; m += 1) {
      const value = figures.values[m];
      if (value === undefined) continue;
      const metric = metrics[m]!;
      const qualifier = figures.qualifiers[m] ?? 'EXACT';
      yield [
        id++,
        unit.id,
        metric.code,
        String(year),
        'YEAR',
        `${year}-01-01`,
        `${year}-12-31`,
        value,
        metric.unit,
        qualifier === 'EXACT' ? null : wording(value, qualifier),
        qualifier,
        scopes.has(shape.family.get(metric.code)!) ? 'SUBTREE' : 'SELF',
        shape.aggregatable[m]!,
        submission,
        unit.path,
        STATUS_NAMES[plan.statuses[y]![index]!]!,
      ];
    }
  };

  for (let y = 0; y < years.length; y += 1) {
    const totals = new Map(upper.map((index) => [index, new Float64Array(metrics.length)]));
    // Units below the city: their own work, added to their city's and province's totals.
    for (let index = 0; index < units.length; index += 1) {
      const level = units[index]!.level;
      if (level === 'CITY' || level === 'PROVINCE') continue;
      const figures = ownFigures(random, shape, level, size[index]!, y);
      for (const above of [cityOf[index]!, provinceOf[index]!]) {
        if (above >= 0) addTo(totals.get(above)!, figures.amounts);
      }
      yield* emit(index, y, figures, NO_FAMILIES);
    }
    // Cities, then the province(s): their own work, or for some metrics the subtree's total.
    for (const level of ['CITY', 'PROVINCE'] as const) {
      for (const index of upper) {
        if (units[index]!.level !== level) continue;
        const own = ownFigures(random, shape, level, size[index]!, y);
        if (level === 'CITY' && provinceOf[index]! >= 0) {
          addTo(totals.get(provinceOf[index]!)!, own.amounts);
        }
        const families = subtreeFamilies.get(index)!;
        yield* emit(
          index,
          y,
          subtreeFigures(random, shape, own, totals.get(index)!, families),
          families,
        );
      }
    }
  }
}

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** A moment in office hours (China Standard Time) of the given day. */
function timestamp(day: string, random: Random): string {
  const hour = String(random.int(8, 17)).padStart(2, '0');
  const minute = String(random.int(0, 59)).padStart(2, '0');
  return `${day} ${hour}:${minute}:00+08`;
}
