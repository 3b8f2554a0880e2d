import { sql, type Kysely } from 'kysely';
import type { Database } from '@fulian/server';
import type { Random } from '../random.js';
import type { Column, Value } from './bulk-load.js';
import { LAST_YEAR } from './scale.js';
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

export const SUBMISSION_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'template_id', type: 'int' },
  { name: 'organization_id', type: 'int' },
  { name: 'period', type: 'text' },
  { name: 'period_type', type: 'text' },
  { name: 'period_start', type: 'date' },
  { name: 'period_end', type: 'date' },
  { name: 'status', type: 'text' },
  { name: 'version', type: 'int' },
  { name: 'narrative', type: 'text' },
  { name: 'created_at', type: 'timestamptz' },
  { name: 'created_by', type: 'text' },
  { name: 'updated_at', type: 'timestamptz' },
  { name: 'updated_by', type: 'text' },
  { name: 'submitted_at', type: 'timestamptz' },
  { name: 'submitted_by', type: 'text' },
  { name: 'returned_at', type: 'timestamptz' },
  { name: 'returned_by', type: 'text' },
  { name: 'return_comment', type: 'text' },
  { name: 'approved_at', type: 'timestamptz' },
  { name: 'approved_by', type: 'text' },
];

export const METRIC_VALUE_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'organization_id', type: 'int' },
  { name: 'metric_code', type: 'text' },
  { name: 'period', type: 'text' },
  { name: 'period_type', type: 'text' },
  { name: 'period_start', type: 'date' },
  { name: 'period_end', type: 'date' },
  { name: 'value', type: 'numeric' },
  { name: 'unit', type: 'text' },
  { name: 'wording', type: 'text' },
  { name: 'qualifier', type: 'text' },
  { name: 'scope', type: 'text' },
  { name: 'aggregatable', type: 'bool' },
  { name: 'submission_id', type: 'int' },
  // COPY skips triggers (session_replication_role = replica): the generator writes the copies
  // of the unit's path and the submission's status that the server's trigger would.
  { name: 'organization_path', type: 'text' },
  { name: 'submission_status', type: 'text' },
];

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

/**
 * What a unit at each level reports of its own work, relative to a village: a county
 * federation with its staff runs a dozen times what one village women's federation does.
 */
const LEVEL_SIZE: Record<UnitLevel, number> = {
  VILLAGE: 1,
  TOWNSHIP: 4,
  COUNTY: 12,
  CITY: 30,
  PROVINCE: 60,
};

/** A village federation's typical yearly figure, by the metric's unit. */
const VILLAGE_MEDIAN: Record<string, number> = {
  SESSION: 1.5,
  PERSON_TIME: 60,
  PERSON: 25,
  HOUSEHOLD: 2,
  ORGANIZATION: 1,
  EVENT: 2,
  CASE: 0.6,
  YUAN: 6_000,
  ITEM: 1.5,
  PROJECT: 0.4,
  VISIT: 8,
  ARTICLE: 1,
  HOUR: 10,
  SQUARE_METER: 80,
};

/** Figures left blank in a report that was otherwise filled in. */
const MISSING_VALUE = 0.06;
/** Figures given as approximate (余, 约, 近) at county level and above. */
const APPROXIMATE = 0.05;
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

/** The template's metrics with what every figure computation looks up, computed once. */
interface MetricShape {
  metrics: readonly TemplateMetric[];
  position: Map<string, number>;
  /** RATIO metrics whose parts are both in the template. */
  ratios: { ratio: number; numerator: number; denominator: number; factor: number }[];
  /** Each metric's family: a RATIO metric and its parts share one (and one scope). */
  family: Map<string, string>;
  /**
   * Whether a figure of each metric may be rolled up as it is; as the server decides it, not
   * for ratios (recomputed from their parts), percentages or ranks.
   */
  aggregatable: boolean[];
}

function metricShape(metrics: readonly TemplateMetric[]): MetricShape {
  const position = new Map(metrics.map((metric, index) => [metric.code, index]));
  const ratios = metrics.flatMap((metric, ratio) => {
    const numerator = position.get(metric.numerator ?? '');
    const denominator = position.get(metric.denominator ?? '');
    return metric.treeAggregation === 'RATIO' &&
      numerator !== undefined &&
      denominator !== undefined
      ? [{ ratio, numerator, denominator, factor: Number(metric.factor ?? 1) }]
      : [];
  });
  const family = new Map(metrics.map((metric) => [metric.code, metric.code]));
  for (const { ratio, numerator, denominator } of ratios) {
    family.set(metrics[numerator]!.code, metrics[ratio]!.code);
    family.set(metrics[denominator]!.code, metrics[ratio]!.code);
  }
  const aggregatable = metrics.map(
    (metric) =>
      metric.treeAggregation !== 'NONE' &&
      metric.treeAggregation !== 'RATIO' &&
      metric.valueType !== 'PERCENT',
  );
  return { metrics, position, ratios, family, aggregatable };
}

const NO_FAMILIES: ReadonlySet<string> = new Set();

interface Figures {
  /** Exact decimal strings, undefined where the figure is left blank. */
  values: (string | undefined)[];
  qualifiers: (string | undefined)[];
  /** The amounts as numbers (blank ones too, for subtree totals of the real activity). */
  amounts: Float64Array;
}

/** A unit's own figures for one year: magnitudes by level and unit size, growing yearly. */
function ownFigures(
  random: Random,
  shape: MetricShape,
  level: UnitLevel,
  size: number,
  yearIndex: number,
): Figures {
  const { metrics } = shape;
  const amounts = new Float64Array(metrics.length);
  const values: (string | undefined)[] = [];
  const qualifiers: (string | undefined)[] = [];
  const growth = 1 + 0.06 * yearIndex;
  metrics.forEach((metric, m) => {
    if (metric.treeAggregation === 'RATIO') return;
    amounts[m] =
      metric.treeAggregation === 'NONE'
        ? random.int(1, 20)
        : (VILLAGE_MEDIAN[metric.unit] ?? 5) *
          LEVEL_SIZE[level] *
          size *
          growth *
          random.logNormal(1, 0.25);
  });
  // A ratio's numerator is a share of its denominator (women among committee members).
  for (const { numerator, denominator } of shape.ratios) {
    const share = Math.min(1, Math.max(0, 0.32 + 0.08 * random.normal()));
    amounts[denominator] = Math.max(1, Math.round(amounts[denominator]!));
    amounts[numerator] = Math.round(amounts[denominator]! * share);
  }
  metrics.forEach((metric, m) => {
    if (metric.treeAggregation === 'RATIO') return;
    if (random.chance(MISSING_VALUE)) return;
    const approximate = level !== 'VILLAGE' && level !== 'TOWNSHIP' && random.chance(APPROXIMATE);
    const amount = approximate ? roughly(amounts[m]!) : amounts[m]!;
    values[m] = decimal(amount, metric.valueType);
    if (approximate) qualifiers[m] = random.pick(APPROXIMATE_QUALIFIERS);
  });
  fillRatios(shape, values, qualifiers);
  return { values, qualifiers, amounts };
}

const APPROXIMATE_QUALIFIERS = ['AT_LEAST', 'ABOUT', 'NEARLY'] as const;

/**
 * A city's or province's figures: its own for most metrics, the subtree's total (its own
 * work plus everything below, a little off as reported totals are, often "余") for the
 * metrics it reports that way.
 */
function subtreeFigures(
  random: Random,
  shape: MetricShape,
  own: Figures,
  sums: Float64Array,
  subtree: ReadonlySet<string>,
): Figures {
  const { metrics } = shape;
  const values = [...own.values];
  const qualifiers = [...own.qualifiers];
  metrics.forEach((metric, m) => {
    if (metric.treeAggregation === 'RATIO' || !subtree.has(shape.family.get(metric.code)!)) return;
    const total = (own.amounts[m]! + sums[m]!) * (0.97 + 0.08 * random.next());
    const approximate = random.chance(0.3);
    values[m] = decimal(approximate ? roughly(total) : total, metric.valueType);
    qualifiers[m] = approximate ? 'AT_LEAST' : undefined;
  });
  fillRatios(shape, values, qualifiers);
  return { values, qualifiers, amounts: own.amounts };
}

/** A RATIO metric's figure, computed from its parts when both are there (else left blank). */
function fillRatios(
  shape: MetricShape,
  values: (string | undefined)[],
  qualifiers: (string | undefined)[],
): void {
  for (const { ratio, numerator, denominator, factor } of shape.ratios) {
    const top = values[numerator];
    const bottom = values[denominator];
    values[ratio] =
      top === undefined || bottom === undefined || Number(bottom) === 0
        ? undefined
        : ((Number(top) / Number(bottom)) * factor).toFixed(1);
    qualifiers[ratio] = undefined;
  }
}

function addTo(sums: Float64Array, amounts: Float64Array): void {
  for (let m = 0; m < sums.length; m += 1) sums[m]! += amounts[m]!;
}

/** Two significant digits, as "1200余" rounds a figure. */
function roughly(amount: number): number {
  if (amount < 10) return Math.round(amount);
  const magnitude = 10 ** (Math.floor(Math.log10(amount)) - 1);
  return Math.floor(amount / magnitude) * magnitude;
}

function decimal(amount: number, valueType: TemplateMetric['valueType']): string {
  return valueType === 'INTEGER' ? String(Math.max(0, Math.round(amount))) : amount.toFixed(2);
}

function wording(value: string, qualifier: string): string {
  switch (qualifier) {
    case 'AT_LEAST':
      return `${value}余`;
    case 'ABOUT':
      return `约${value}`;
    default:
      return `近${value}`;
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
