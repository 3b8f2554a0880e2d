import type { Generated, GeneratedAlways, Insertable, Selectable } from 'kysely';

/** Levels of the federation network, from the national federation down to villages. */
export const ORGANIZATION_LEVELS = [
  'NATIONAL',
  'PROVINCE',
  'CITY',
  'COUNTY',
  'TOWNSHIP',
  'VILLAGE',
] as const;
export type OrganizationLevel = (typeof ORGANIZATION_LEVELS)[number];

export const ORGANIZATION_KINDS = [
  'FEDERATION',
  'WOMENS_HOME',
  'NEW_SECTOR_FEDERATION',
  'COMMITTEE',
  'DEPARTMENT',
  'ACTIVITY_CENTER',
  'GROUP_MEMBER',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export interface OrganizationTable {
  id: Generated<number>;
  /** Division code (GB/T 2260 / statistical code) for units that are administrative divisions. */
  code: string | null;
  /** Stable key of a unit declared in the seed documents that is not a division. */
  seed_key: string | null;
  name: string;
  /** The name's toneless pinyin run together (yueyangshifulian); written by the seed. */
  name_pinyin: string | null;
  /** The first letter of each syllable of the name (yysfl). */
  name_initials: string | null;
  region_name: string | null;
  level: OrganizationLevel;
  kind: OrganizationKind;
  parent_id: number | null;
  /** Materialized path of zero-padded ancestor ids, root first, each followed by '/'. */
  path: string;
  depth: number;
  /** The day the unit opened ('YYYY-MM-DD'); null: before the first edition loaded. */
  valid_from: string | null;
  /** The day it closed, exclusive; null while open. */
  valid_to: string | null;
  /** The unit that took over a closed one, when the edition says so. */
  successor_id: number | null;
  created_at: Generated<Date>;
}

/** Units a metric is counted in; a value's unit must equal its metric's. */
export const METRIC_UNITS = [
  'SESSION',
  'PERSON_TIME',
  'PERSON',
  'HOUSEHOLD',
  'ORGANIZATION',
  'EVENT',
  'CASE',
  'YUAN',
  'PERCENT',
  'RANK',
  'ITEM',
  'PROJECT',
  'VISIT',
  'ARTICLE',
  'HOUR',
  'SQUARE_METER',
] as const;
export type MetricUnit = (typeof METRIC_UNITS)[number];

export const METRIC_VALUE_TYPES = ['INTEGER', 'DECIMAL', 'PERCENT'] as const;
export type MetricValueType = (typeof METRIC_VALUE_TYPES)[number];

/** How values of one unit combine over time (e.g. the months of a year). */
export const TIME_AGGREGATIONS = ['SUM', 'AVERAGE', 'LAST', 'MAX', 'MIN', 'NONE'] as const;
export type TimeAggregation = (typeof TIME_AGGREGATIONS)[number];

/** How values of the units of a subtree combine; RATIO recomputes from numerator and denominator. */
export const TREE_AGGREGATIONS = [...TIME_AGGREGATIONS, 'RATIO'] as const;
export type TreeAggregation = (typeof TREE_AGGREGATIONS)[number];

export const QUALIFIERS = ['EXACT', 'AT_LEAST', 'NEARLY', 'ABOUT', 'AT_MOST'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export const METRIC_SCOPES = ['SELF', 'SUBTREE'] as const;
export type MetricScope = (typeof METRIC_SCOPES)[number];

export interface MetricDefinitionTable {
  /** Stable dotted code, e.g. training.sessions. */
  code: string;
  name_zh: string;
  name_en: string;
  description: string | null;
  unit: MetricUnit;
  value_type: MetricValueType;
  time_aggregation: TimeAggregation;
  tree_aggregation: TreeAggregation;
  /** For RATIO metrics: value = numerator / denominator × factor, at every level. */
  numerator_code: string | null;
  denominator_code: string | null;
  /** Exact decimal string, e.g. '100' for a percentage. */
  factor: string | null;
}

/**
 * A unit's subtree total of one metric, period and counting basis, kept by the write paths
 * (migration 0007, modules/aggregation/aggregation.totals.ts).
 */
export interface MetricTotalTable {
  organization_id: number;
  metric_code: string;
  period: string;
  /** APPROVED: approved figures only; SUBMITTED: approved or submitted ones. */
  basis: 'APPROVED' | 'SUBMITTED';
  /** SUM and AVERAGE: the sum; MAX and MIN: the extreme; null for a ratio. */
  value: string | null;
  /** How many figures the value holds (an average's divisor). */
  figures: number;
  qualifiers: Qualifier[] | null;
  numerator: string | null;
  numerator_qualifiers: Qualifier[] | null;
  denominator: string | null;
  denominator_qualifiers: Qualifier[] | null;
  numerator_uncovered: number;
  denominator_uncovered: number;
  numerator_unpaired: number;
  denominator_unpaired: number;
  /** Units entered, covered and unpaired: 3 counts, or 4 × 3 for a ratio (per cut above). */
  units: number[];
}

/**
 * Per unit, metric, period and level: how many federations of that level in the unit's
 * subtree reported a figure of the metric (a ratio: or of its parts), in a submission of any
 * status, and how many of them have one approved, or approved or submitted (migration 0013).
 */
export interface MetricCoverageTable {
  organization_id: number;
  metric_code: string;
  period: string;
  level: OrganizationLevel;
  reported: number;
  approved: number;
  submitted: number;
}

/** Per unit: the federations in its subtree by level and validity (±infinity when open). */
export interface SubtreeFederationCountTable {
  organization_id: number;
  level: OrganizationLevel;
  valid_from: string;
  valid_to: string;
  units: number;
}

export type PeriodTypeColumn = 'YEAR' | 'QUARTER' | 'MONTH' | 'DAY' | 'SPAN';

/** A period as stored: its canonical text, its type, and its first and last day. */
export interface PeriodColumns<Type extends PeriodTypeColumn = PeriodTypeColumn> {
  /** Canonical period text, e.g. '2020', '2020Q1', '2020-05/2021-02'. */
  period: string;
  period_type: Type;
  period_start: string;
  period_end: string;
}

/** The period columns of a record that may give no period. */
export type OptionalPeriodColumns = { [C in keyof PeriodColumns]: PeriodColumns[C] | null };

/** What a record read from a document carries: its seed key, its document and the quote. */
export interface SourcedColumns {
  /** The record's key in seeds/; null for one entered otherwise (a submitted figure). */
  seed_key: string | null;
  document_id: number | null;
  quote: string | null;
}

export const DOCUMENT_KINDS = [
  'NEWS_REPORT',
  'OFFICIAL_DOCUMENT',
  'ANNUAL_SUMMARY',
  'WORK_PLAN',
  'CONGRESS_REPORT',
] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface DocumentTable {
  id: Generated<number>;
  seed_key: string | null;
  title: string;
  kind: DocumentKind;
  /** Document number, e.g. 岳妇发〔2021〕5号. */
  number: string | null;
  issuer_id: number | null;
  publisher: string | null;
  author: string | null;
  /** The date as precise as the source gives it: '2021', '2021-02' or '2021-02-09'. */
  date_text: string | null;
  /** The first day date_text can mean. */
  date_start: string | null;
  /** The source file in shared/seeds. */
  source_file: string | null;
  created_at: Generated<Date>;
}

/** The themes activities and programmes are tagged with (seeds/README.md). */
export const THEMES = [
  '思想引领',
  '党建',
  '乡村振兴',
  '脱贫攻坚',
  '创业就业',
  '家庭家教家风',
  '维权',
  '儿童',
  '健康',
  '改革破难',
  '组织建设',
  '疫情防控',
  '基层治理',
  '巾帼建功',
  '宣传',
  '文化',
  '生态',
] as const;

export const PROGRAMME_KINDS = ['BRAND', 'PROGRAMME', 'PROJECT', 'CAMPAIGN'] as const;
export type ProgrammeKind = (typeof PROGRAMME_KINDS)[number];

export interface ProgrammeTable extends SourcedColumns {
  id: Generated<number>;
  organization_id: number;
  name: string;
  /** The name with the source's OCR slips corrected, when it has any. */
  corrected_name: string | null;
  kind: ProgrammeKind;
  themes: string[];
  created_at: Generated<Date>;
}

export const ACTIVITY_KINDS = [
  'TRAINING',
  'CAMPAIGN',
  'LIVESTREAM',
  'COMPETITION',
  'SCREENING',
  'SELECTION',
  'LECTURE',
  'FORUM',
  'FESTIVAL',
  'PILOT',
  'SERVICE',
  'MEETING',
  'CELEBRATION',
  'RESEARCH',
  'CONSTRUCTION',
] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

export interface ActivityTable extends SourcedColumns, OptionalPeriodColumns {
  id: Generated<number>;
  /** The organizer. */
  organization_id: number;
  title: string;
  corrected_title: string | null;
  description: string | null;
  kind: ActivityKind;
  lead_department_id: number | null;
  programme_id: number | null;
  themes: string[];
  annex: string | null;
  sequence: number | null;
  /** Generated: the one- and two-character grams of the text, GIN-indexed for search. */
  search_grams: GeneratedAlways<string[]>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface ActivityCoOrganizerTable {
  activity_id: number;
  organization_id: number;
}

export interface MetricValueTable extends SourcedColumns, PeriodColumns {
  id: Generated<number>;
  organization_id: number;
  metric_code: string;
  /** The snapshot date of a stock figure ("截至2月9日"). */
  as_of: string | null;
  /** Exact decimal string, normalized to the unit (338 万元 → '3380000'). */
  value: string;
  unit: MetricUnit;
  /** The figure as written, e.g. '338 万元'. */
  wording: string | null;
  qualifier: Generated<Qualifier>;
  scope: Generated<MetricScope>;
  /** False for a percentage that arrived without its base: stored, never rolled up. */
  aggregatable: Generated<boolean>;
  activity_id: number | null;
  submission_id: number | null;
  /** The unit's path and its submission's status, copied by triggers for the roll-ups. */
  organization_path: Generated<string>;
  submission_status: Generated<SubmissionStatus | null>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface HonorTable extends SourcedColumns, OptionalPeriodColumns {
  id: Generated<number>;
  recipient_id: number;
  title: string;
  corrected_title: string | null;
  awarded_by_id: number | null;
  /** The awarding body as written when it is not a unit of the network. */
  awarded_by_name: string | null;
  created_at: Generated<Date>;
}

export interface WorkPlanTable extends SourcedColumns, PeriodColumns {
  id: Generated<number>;
  organization_id: number;
  title: string;
  created_at: Generated<Date>;
}

export interface WorkPlanSectionTable {
  id: Generated<number>;
  work_plan_id: number;
  /** Order within the plan, from 1. */
  position: number;
  /** The number as written: 一, 二, … */
  number: string;
  title: string;
  quote: string | null;
}

export interface WorkPlanItemTable {
  id: Generated<number>;
  section_id: number;
  position: number;
  number: string;
  title: string;
  corrected_title: string | null;
  lead_department_id: number | null;
  quote: string | null;
}

export interface WorkPlanTargetTable {
  id: Generated<number>;
  item_id: number;
  position: number;
  metric_code: string | null;
  value: string;
  unit: MetricUnit;
  wording: string | null;
  qualifier: Generated<Qualifier>;
  quote: string | null;
}

export interface LiaisonAssignmentTable extends SourcedColumns {
  id: Generated<number>;
  /** The federation whose leadership member is assigned. */
  organization_id: number;
  leader_name: string;
  note: string | null;
}

export interface LiaisonAssignmentCountyTable {
  assignment_id: number;
  organization_id: number;
  position: number;
}

/** Personal data: names and phone numbers of liaisons. */
export interface LiaisonTable {
  id: Generated<number>;
  assignment_id: number;
  position: number;
  name: string;
  phone: string | null;
}

/** A third party's key: stored as a SHA-256 hash, never in clear. */
export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  /** The key's first characters, shown by `fulian apikey list` to tell keys apart. */
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A caller's token bucket for rate limiting by query cost. */
export interface RateLimitBucketTable {
  key: string;
  tokens: number;
  updated_at: Generated<Date>;
}

/** Where a submission stands: DRAFT → SUBMITTED → APPROVED, or SUBMITTED → RETURNED → DRAFT. */
export const SUBMISSION_STATUSES = ['DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

/** The period types a reporting template can ask for. */
export const TEMPLATE_PERIOD_TYPES = ['YEAR', 'QUARTER', 'MONTH'] as const;
export type TemplatePeriodType = (typeof TEMPLATE_PERIOD_TYPES)[number];

/** A reporting template (DHIS2's data set): which metrics, who submits, how often, when due. */
export interface ReportingTemplateTable {
  id: Generated<number>;
  /** Stable kebab-case code, e.g. annual-summary. */
  code: string;
  name_zh: string;
  name_en: string;
  description: string | null;
  period_type: TemplatePeriodType;
  /** The levels whose federations each submit one report per period. */
  submitting_levels: OrganizationLevel[];
  /** A report is due this many days after the last day of its period. */
  due_days: number;
  created_at: Generated<Date>;
}

export interface ReportingTemplateMetricTable {
  template_id: number;
  metric_code: string;
  position: number;
}

export interface SubmissionTable extends PeriodColumns<TemplatePeriodType> {
  id: Generated<number>;
  template_id: number;
  organization_id: number;
  status: Generated<SubmissionStatus>;
  /** Grows by one with every write; clients send it back as expectedVersion. */
  version: Generated<number>;
  narrative: string | null;
  created_at: Generated<Date>;
  created_by: string;
  updated_at: Generated<Date>;
  updated_by: string;
  submitted_at: Date | null;
  submitted_by: string | null;
  returned_at: Date | null;
  returned_by: string | null;
  return_comment: string | null;
  approved_at: Date | null;
  approved_by: string | null;
}

export const SUBMISSION_AUDIT_ACTIONS = [
  'CREATE',
  'SUBMIT',
  'RETURN',
  'APPROVE',
  'UNAPPROVE',
  'REOPEN',
  'SET_VALUE',
  'REMOVE_VALUE',
  'SET_NARRATIVE',
] as const;
export type SubmissionAuditAction = (typeof SUBMISSION_AUDIT_ACTIONS)[number];

/** One transition or one value change of a submission: who, when, what, before and after. */
export interface SubmissionAuditTable {
  id: GeneratedAlways<number>;
  submission_id: number;
  at: Generated<Date>;
  actor: string;
  action: SubmissionAuditAction;
  from_status: SubmissionStatus | null;
  to_status: SubmissionStatus;
  /** The submission's version after the change. */
  version: number;
  metric_code: string | null;
  before: unknown;
  after: unknown;
  comment: string | null;
}

export interface IdempotencyKeyTable {
  actor: string;
  key: string;
  operation: string;
  request_hash: string;
  /** The first answer; null only inside the transaction that claimed the key. */
  response: unknown;
  created_at: Generated<Date>;
}

export interface Database {
  organization: OrganizationTable;
  metric_definition: MetricDefinitionTable;
  document: DocumentTable;
  programme: ProgrammeTable;
  activity: ActivityTable;
  activity_co_organizer: ActivityCoOrganizerTable;
  metric_value: MetricValueTable;
  metric_total: MetricTotalTable;
  metric_coverage: MetricCoverageTable;
  subtree_federation_count: SubtreeFederationCountTable;
  reporting_template: ReportingTemplateTable;
  reporting_template_metric: ReportingTemplateMetricTable;
  submission: SubmissionTable;
  submission_audit: SubmissionAuditTable;
  idempotency_key: IdempotencyKeyTable;
  honor: HonorTable;
  work_plan: WorkPlanTable;
  work_plan_section: WorkPlanSectionTable;
  work_plan_item: WorkPlanItemTable;
  work_plan_target: WorkPlanTargetTable;
  liaison_assignment: LiaisonAssignmentTable;
  liaison_assignment_county: LiaisonAssignmentCountyTable;
  liaison: LiaisonTable;
  api_key: ApiKeyTable;
  rate_limit_bucket: RateLimitBucketTable;
}

/**
 * An organization as the server reads it: without the search columns and the creation time,
 * which nothing shows; a page of a hundred units parses a third fewer columns
 * (docs/performance.md). organization.repository.ts selects exactly these.
 */
export type OrganizationRow = Omit<
  Selectable<OrganizationTable>,
  'name_pinyin' | 'name_initials' | 'created_at'
>;
export type MetricDefinitionRow = Selectable<MetricDefinitionTable>;
export type DocumentRow = Selectable<DocumentTable>;
export type ProgrammeRow = Selectable<ProgrammeTable>;
export type ActivityRow = Selectable<ActivityTable>;
export type MetricValueRow = Selectable<MetricValueTable>;
export type NewMetricValue = Insertable<MetricValueTable>;
export type HonorRow = Selectable<HonorTable>;
export type WorkPlanRow = Selectable<WorkPlanTable>;
export type WorkPlanSectionRow = Selectable<WorkPlanSectionTable>;
export type WorkPlanItemRow = Selectable<WorkPlanItemTable>;
export type WorkPlanTargetRow = Selectable<WorkPlanTargetTable>;
export type LiaisonAssignmentRow = Selectable<LiaisonAssignmentTable>;
export type LiaisonRow = Selectable<LiaisonTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;
export type ReportingTemplateRow = Selectable<ReportingTemplateTable>;
export type SubmissionRow = Selectable<SubmissionTable>;
export type SubmissionAuditRow = Selectable<SubmissionAuditTable>;
