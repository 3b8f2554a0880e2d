/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** Narrows an organization's activities. */
export type ActivityFilter = {
  kind?: ActivityKind | null | undefined;
  /** Only activities whose period overlaps this one: 2020, 2020Q3, 2020-05/2021-02, … */
  period?: string | null | undefined;
  /** A substring (Chinese) of the title or description, e.g. 培训; index-backed. */
  search?: string | null | undefined;
  /** Only activities tagged with this theme. */
  theme?: string | null | undefined;
};

/** What kind of activity: a training, a campaign, a livestream, a competition, … */
export type ActivityKind =
  | 'CAMPAIGN'
  | 'CELEBRATION'
  | 'COMPETITION'
  | 'CONSTRUCTION'
  | 'FESTIVAL'
  | 'FORUM'
  | 'LECTURE'
  | 'LIVESTREAM'
  | 'MEETING'
  | 'PILOT'
  | 'RESEARCH'
  | 'SCREENING'
  | 'SELECTION'
  | 'SERVICE'
  | 'TRAINING';

/** The order of a list of activities; load order unless given. */
export type ActivityOrder = {
  direction?: OrderDirection | null | undefined;
  field: ActivityOrderField;
};

/** What activities are ordered by: LOADED (load order) or DATE (the day they start; undated ones first); ties by load order. */
export type ActivityOrderField =
  | 'DATE'
  | 'LOADED';

/** Why an aggregate is null: no counted figure (NO_DATA); a ratio missing a part, dividing by zero, or whose parts were given but never both by the same unit (PARTS_UNPAIRED); a growth rate without a previous value or from zero. Never a guess. */
export type AggregateNullReason =
  | 'DENOMINATOR_MISSING'
  | 'DENOMINATOR_ZERO'
  | 'NO_DATA'
  | 'NUMERATOR_MISSING'
  | 'PARTS_UNPAIRED'
  | 'PREVIOUS_MISSING'
  | 'PREVIOUS_ZERO';

/** What an API key may do. READ_PUBLIC (read:public): public fields of the whole tree. */
export type ApiKeyScope =
  | 'READ_PUBLIC';

/** Where an expected report stands: NOT_STARTED (no submission yet) or its submission’s status. */
export type CompletenessStatus =
  | 'APPROVED'
  | 'DRAFT'
  | 'NOT_STARTED'
  | 'RETURNED'
  | 'SUBMITTED';

/** What kind of source: a news report, an official document, an annual summary, … */
export type DocumentKind =
  | 'ANNUAL_SUMMARY'
  | 'CONGRESS_REPORT'
  | 'NEWS_REPORT'
  | 'OFFICIAL_DOCUMENT'
  | 'WORK_PLAN';

/** SELF: the unit's own work. SUBTREE: the unit and every unit below it (全市四级妇联共…). */
export type MetricScope =
  | 'SELF'
  | 'SUBTREE';

/** What a figure counts: sessions, person-times (attendances), people, households, yuan, … */
export type MetricUnit =
  | 'ARTICLE'
  | 'CASE'
  | 'EVENT'
  | 'HOUR'
  | 'HOUSEHOLD'
  | 'ITEM'
  | 'ORGANIZATION'
  | 'PERCENT'
  | 'PERSON'
  | 'PERSON_TIME'
  | 'PROJECT'
  | 'RANK'
  | 'SESSION'
  | 'SQUARE_METER'
  | 'VISIT'
  | 'YUAN';

/** The order of a unit's figures; by metric, then period, unless given. */
export type MetricValueOrder = {
  direction?: OrderDirection | null | undefined;
  field: MetricValueOrderField;
};

/** What figures are ordered by: METRIC (then period), PERIOD (the day it starts, then metric) or VALUE (the exact figure; best with one metric, whose figures share a unit); ties by load order. */
export type MetricValueOrderField =
  | 'METRIC'
  | 'PERIOD'
  | 'VALUE';

/** Whole counts, decimals (money), or percentages (0–100). */
export type MetricValueType =
  | 'DECIMAL'
  | 'INTEGER'
  | 'PERCENT';

/** What the server did to read a typed number: FULL_WIDTH digits, a THOUSANDS_SEPARATOR, WAN (万 × 10,000), YI (亿 × 100,000,000), a PERCENT_SIGN, a CHINESE_NUMERAL; PERCENT_FORMAT and FORMULA_RESULT are spreadsheet cells’. */
export type NumberNormalization =
  | 'CHINESE_NUMERAL'
  | 'FORMULA_RESULT'
  | 'FULL_WIDTH'
  | 'PERCENT_FORMAT'
  | 'PERCENT_SIGN'
  | 'THOUSANDS_SEPARATOR'
  | 'WAN'
  | 'YI';

/** Which way a list runs: ASC (A to Z, earliest first, smallest first) or DESC. */
export type OrderDirection =
  | 'ASC'
  | 'DESC';

/** Narrows the list of all organizations. */
export type OrganizationFilter = {
  /** The tree as it stood on this day (YYYY-MM-DD): the units open that day, validFrom on or before it and validTo after it. Unset: the units open today. */
  asOf?: string | null | undefined;
  /** FEDERATION unless given: the federations, not the departments, committees, centres and homes under them. null for every kind. */
  kind?: OrganizationKind | null | undefined;
  level?: OrganizationLevel | null | undefined;
  /** A substring of the name (长沙), or of its pinyin, full or initials, in any case and with or without spaces (Changsha, chang sha, cs). */
  search?: string | null | undefined;
  /** Only units inside this subtree: an organization id or division code. */
  within?: string | null | undefined;
};

/** What kind of unit: a federation, a women's home, a department, … */
export type OrganizationKind =
  | 'ACTIVITY_CENTER'
  | 'COMMITTEE'
  | 'DEPARTMENT'
  | 'FEDERATION'
  | 'GROUP_MEMBER'
  | 'NEW_SECTOR_FEDERATION'
  | 'WOMENS_HOME';

/** Level of a unit in the federation network. */
export type OrganizationLevel =
  | 'CITY'
  | 'COUNTY'
  | 'NATIONAL'
  | 'PROVINCE'
  | 'TOWNSHIP'
  | 'VILLAGE';

/** The order of a list of organizations; tree order unless given. */
export type OrganizationOrder = {
  direction?: OrderDirection | null | undefined;
  field: OrganizationOrderField;
};

/** What organizations are ordered by: TREE (each unit right after its parent), NAME, or CODE (units without a division code first); ties by tree order. */
export type OrganizationOrderField =
  | 'CODE'
  | 'NAME'
  | 'TREE';

/** Year, quarter, month, day, or a span of two of one kind (2018/2022). */
export type PeriodType =
  | 'DAY'
  | 'MONTH'
  | 'QUARTER'
  | 'SPAN'
  | 'YEAR';

/** A brand (品牌), a programme or plan (计划), a project, or a standing campaign. */
export type ProgrammeKind =
  | 'BRAND'
  | 'CAMPAIGN'
  | 'PROGRAMME'
  | 'PROJECT';

/** How exact a figure is: EXACT, AT_LEAST (余/多/超/以上), NEARLY (近), ABOUT (约), AT_MOST (不足/以内). */
export type Qualifier =
  | 'ABOUT'
  | 'AT_LEAST'
  | 'AT_MOST'
  | 'EXACT'
  | 'NEARLY';

/** Narrows a list or count of organizations; lists and counts take the same filter. */
export type RelatedOrganizationFilter = {
  /** The tree as it stood on this day (YYYY-MM-DD): the units open that day, validFrom on or before it and validTo after it. Unset: the units open today. */
  asOf?: string | null | undefined;
  /** FEDERATION unless given: the federations, not the departments, committees, centres and homes under them. null for every kind. */
  kind?: OrganizationKind | null | undefined;
  level?: OrganizationLevel | null | undefined;
  /** A substring of the name (长沙), or of its pinyin, full or initials, in any case and with or without spaces (Changsha, chang sha, cs). */
  search?: string | null | undefined;
};

/** Role of federation staff, held at one organization: PROVINCE_ADMIN, EDITOR, REVIEWER or VIEWER (see docs/security.md). */
export type Role =
  | 'EDITOR'
  | 'PROVINCE_ADMIN'
  | 'REVIEWER'
  | 'VIEWER';

/** Narrows the list of all activities. */
export type RootActivityFilter = {
  kind?: ActivityKind | null | undefined;
  /** Only activities whose period overlaps this one: 2020, 2020Q3, 2020-05/2021-02, … */
  period?: string | null | undefined;
  /** A substring (Chinese) of the title or description, e.g. 培训; index-backed. */
  search?: string | null | undefined;
  /** Only activities tagged with this theme. */
  theme?: string | null | undefined;
  /** Only activities organized inside this subtree: an organization id or division code. */
  within?: string | null | undefined;
};

/** What to download. TEMPLATE: template, period, unit (allBelow: a sheet per submitting unit below it). COMPLETENESS: template, period, within. ROLLUP, RANKING, CONTRIBUTIONS: metric, period, level, within. SERIES: metric, organization, from, to. */
export type SpreadsheetDownloadInput = {
  allBelow?: boolean | null | undefined;
  /** XLSX when absent. */
  format?: SpreadsheetFormat | null | undefined;
  from?: string | null | undefined;
  includeSubmitted?: boolean | null | undefined;
  kind: SpreadsheetKind;
  /** The roll-up’s groupBy, the ranking’s level. */
  level?: OrganizationLevel | null | undefined;
  metric?: string | null | undefined;
  /** A series’ unit: id or division code. */
  organization?: string | null | undefined;
  period?: string | null | undefined;
  /** A template code or id. */
  template?: string | null | undefined;
  to?: string | null | undefined;
  /** A template’s unit: id or division code. */
  unit?: string | null | undefined;
  /** An organization id or division code. */
  within?: string | null | undefined;
};

/** XLSX, or CSV in UTF-8 with a byte-order mark (so Excel reads Chinese). Templates are XLSX only. */
export type SpreadsheetFormat =
  | 'CSV'
  | 'XLSX';

/** What a spreadsheet download holds: a reporting template to fill in, or one of the tables. */
export type SpreadsheetKind =
  | 'COMPLETENESS'
  | 'CONTRIBUTIONS'
  | 'RANKING'
  | 'ROLLUP'
  | 'SERIES'
  | 'TEMPLATE';

/** What an entry of a submission’s history records: a transition (CREATE, SUBMIT, RETURN, APPROVE, UNAPPROVE, REOPEN: a returned report edited back into a draft) or a change (SET_VALUE, REMOVE_VALUE, SET_NARRATIVE). */
export type SubmissionAuditAction =
  | 'APPROVE'
  | 'CREATE'
  | 'REMOVE_VALUE'
  | 'REOPEN'
  | 'RETURN'
  | 'SET_NARRATIVE'
  | 'SET_VALUE'
  | 'SUBMIT'
  | 'UNAPPROVE';

/** Where a report stands: DRAFT → SUBMITTED → APPROVED, or SUBMITTED → RETURNED (with a comment) → DRAFT again. Unapproving an APPROVED report puts it back to SUBMITTED. */
export type SubmissionStatus =
  | 'APPROVED'
  | 'DRAFT'
  | 'RETURNED'
  | 'SUBMITTED';

/** One figure of a submission; its period is the submission’s. */
export type SubmissionValueInput = {
  /** Snapshot date, YYYY-MM-DD. */
  asOf?: string | null | undefined;
  /** A metric code of the template, e.g. training.sessions. */
  metric: string;
  /** EXACT unless said otherwise. */
  qualifier?: Qualifier | null | undefined;
  /** SELF (default): the unit’s own work. SUBTREE: the total of the unit and everything below it; roll-ups then use it as it is and never add the figures below on top. */
  scope?: MetricScope | null | undefined;
  /** When given, must be the metric’s unit (a guard against unit slips). */
  unit?: MetricUnit | null | undefined;
  /** In the metric’s unit: "3380000" or "338万" for 338 万元, "33.91%" or "33.91" for a percentage. What was read is reported in normalized (and kept as the wording unless one is given). */
  value: string | number;
  /** The figure as written, e.g. 338 万元. */
  wording?: string | null | undefined;
};

/** How the values of shorter periods combine into a longer one: SUM (flows such as sessions held), LAST (stocks such as cadres in post), AVERAGE, MAX, MIN, or NONE (never combined). */
export type TimeAggregation =
  | 'AVERAGE'
  | 'LAST'
  | 'MAX'
  | 'MIN'
  | 'NONE'
  | 'SUM';

/** How the values of the units of a subtree combine: as TimeAggregation, plus RATIO (recomputed as numerator sum ÷ denominator sum × factor at every level, never summed or averaged). */
export type TreeAggregation =
  | 'AVERAGE'
  | 'LAST'
  | 'MAX'
  | 'MIN'
  | 'NONE'
  | 'RATIO'
  | 'SUM';

/** How a figure of a submission changes. */
export type ValueChangeKind =
  | 'ADDED'
  | 'CHANGED'
  | 'REMOVED';

/** How the caller identified itself. */
export type ViewerKind =
  | 'ANONYMOUS'
  | 'API_KEY'
  | 'STAFF'
  | 'SYSTEM';

export type ActivitiesQueryVariables = Exact<{
  filter?: RootActivityFilter | null | undefined;
  orderBy?: ActivityOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type ActivitiesQuery = { activities: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, key: string | null, title: string, correctedTitle: string | null, kind: ActivityKind, description: string | null, themes: Array<string>, annex: string | null, sequence: number | null, period: { text: string, type: PeriodType, start: string, end: string } | null, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, coOrganizers: Array<{ id: string, code: string | null, name: string, level: OrganizationLevel }>, leadDepartment: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, programme: { id: string, name: string, kind: ProgrammeKind } | null, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } };

export type OrganizationActivitiesQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
  filter?: ActivityFilter | null | undefined;
  orderBy?: ActivityOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type OrganizationActivitiesQuery = { organization: { activities: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, key: string | null, title: string, correctedTitle: string | null, kind: ActivityKind, description: string | null, themes: Array<string>, annex: string | null, sequence: number | null, period: { text: string, type: PeriodType, start: string, end: string } | null, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, coOrganizers: Array<{ id: string, code: string | null, name: string, level: OrganizationLevel }>, leadDepartment: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, programme: { id: string, name: string, kind: ProgrammeKind } | null, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } | null };

export type ActivityQueryVariables = Exact<{
  id: string | number;
}>;


export type ActivityQuery = { node:
    | { __typename: 'Activity', id: string, key: string | null, title: string, correctedTitle: string | null, kind: ActivityKind, description: string | null, themes: Array<string>, annex: string | null, sequence: number | null, metricValues: Array<{ id: string, value: string, valueFloat: number, wording: string | null, qualifier: Qualifier, scope: MetricScope, unit: MetricUnit, aggregatable: boolean, asOf: string | null, period: { text: string, type: PeriodType, start: string, end: string }, metric: { code: string, name: string, nameEn: string, unit: MetricUnit }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null }>, period: { text: string, type: PeriodType, start: string, end: string } | null, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, coOrganizers: Array<{ id: string, code: string | null, name: string, level: OrganizationLevel }>, leadDepartment: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, programme: { id: string, name: string, kind: ProgrammeKind } | null, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null }
    | { __typename: 'Document', id: string }
    | { __typename: 'Honor', id: string }
    | { __typename: 'MetricValue', id: string }
    | { __typename: 'Organization', id: string }
    | { __typename: 'Programme', id: string }
    | { __typename: 'ReportingTemplate', id: string }
    | { __typename: 'Submission', id: string }
    | { __typename: 'WorkPlan', id: string }
   | null };

export type DocumentsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type DocumentsQuery = { documents: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } };

export type DocumentQueryVariables = Exact<{
  id: string | number;
}>;


export type DocumentQuery = { document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null };

export type OrganizationFieldsFragment = { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null };

export type PageInfoFieldsFragment = { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean };

export type OrganizationConnectionFieldsFragment = { totalCount: number, edges: Array<{ cursor: string, node: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } };

export type OrganizationRefFragment = { id: string, code: string | null, name: string, level: OrganizationLevel };

export type PeriodFieldsFragment = { text: string, type: PeriodType, start: string, end: string };

export type DocumentFieldsFragment = { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null };

export type SourceFieldsFragment = { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null };

export type MetricDefinitionFieldsFragment = { code: string, name: string, nameEn: string, description: string | null, unit: MetricUnit, valueType: MetricValueType, timeAggregation: TimeAggregation, treeAggregation: TreeAggregation, factor: string | null, numerator: { code: string } | null, denominator: { code: string } | null };

export type MetricValueFieldsFragment = { id: string, value: string, valueFloat: number, wording: string | null, qualifier: Qualifier, scope: MetricScope, unit: MetricUnit, aggregatable: boolean, asOf: string | null, period: { text: string, type: PeriodType, start: string, end: string }, metric: { code: string, name: string, nameEn: string, unit: MetricUnit }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null };

export type ActivityFieldsFragment = { id: string, key: string | null, title: string, correctedTitle: string | null, kind: ActivityKind, description: string | null, themes: Array<string>, annex: string | null, sequence: number | null, period: { text: string, type: PeriodType, start: string, end: string } | null, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, coOrganizers: Array<{ id: string, code: string | null, name: string, level: OrganizationLevel }>, leadDepartment: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, programme: { id: string, name: string, kind: ProgrammeKind } | null, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null };

export type SubmissionFieldsFragment = { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } };

type AggregateFields_RankingEntry_Fragment = { value: string | null, valueFloat: number | null, qualifier: Qualifier | null, reason: AggregateNullReason | null, numerator: string | null, denominator: string | null, coverage: { contributing: number, expected: number, missing: number, unapproved: number } };

type AggregateFields_RollupRow_Fragment = { value: string | null, valueFloat: number | null, qualifier: Qualifier | null, reason: AggregateNullReason | null, numerator: string | null, denominator: string | null, coverage: { contributing: number, expected: number, missing: number, unapproved: number } };

type AggregateFields_SeriesPoint_Fragment = { value: string | null, valueFloat: number | null, qualifier: Qualifier | null, reason: AggregateNullReason | null, numerator: string | null, denominator: string | null, coverage: { contributing: number, expected: number, missing: number, unapproved: number } };

export type AggregateFieldsFragment =
  | AggregateFields_RankingEntry_Fragment
  | AggregateFields_RollupRow_Fragment
  | AggregateFields_SeriesPoint_Fragment
;

export type MetricsQueryVariables = Exact<{ [key: string]: never; }>;


export type MetricsQuery = { metrics: Array<{ code: string, name: string, nameEn: string, description: string | null, unit: MetricUnit, valueType: MetricValueType, timeAggregation: TimeAggregation, treeAggregation: TreeAggregation, factor: string | null, numerator: { code: string } | null, denominator: { code: string } | null }> };

export type MetricValuesQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
  metric?: string | null | undefined;
  period?: string | null | undefined;
  scope?: MetricScope | null | undefined;
  orderBy?: MetricValueOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type MetricValuesQuery = { organization: { metricValues: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, value: string, valueFloat: number, wording: string | null, qualifier: Qualifier, scope: MetricScope, unit: MetricUnit, aggregatable: boolean, asOf: string | null, period: { text: string, type: PeriodType, start: string, end: string }, metric: { code: string, name: string, nameEn: string, unit: MetricUnit }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } | null };

export type OrganizationQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
}>;


export type OrganizationQuery = { organization: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null, successor: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, parent: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null } | null, ancestors: Array<{ id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null }> } | null };

export type OrganizationTreeQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
  first?: number | null | undefined;
}>;


export type OrganizationTreeQuery = { organization: { descendantCount: number, id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null, cities: number, counties: number, townships: number, villages: number, children: { totalCount: number, edges: Array<{ cursor: string, node: { descendantCount: number, id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null, children: { totalCount: number } } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } | null };

export type ChildrenQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
  filter?: RelatedOrganizationFilter | null | undefined;
  orderBy?: OrganizationOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type ChildrenQuery = { organization: { children: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } | null };

export type DescendantsQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
  level?: OrganizationLevel | null | undefined;
  filter?: RelatedOrganizationFilter | null | undefined;
  orderBy?: OrganizationOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type DescendantsQuery = { organization: { descendants: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } | null };

export type OrganizationsQueryVariables = Exact<{
  filter?: OrganizationFilter | null | undefined;
  orderBy?: OrganizationOrder | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type OrganizationsQuery = { organizations: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } };

export type NodeQueryVariables = Exact<{
  id: string | number;
}>;


export type NodeQuery = { node:
    | { __typename: 'Activity', title: string, id: string }
    | { __typename: 'Document', title: string, id: string }
    | { __typename: 'Honor', title: string, id: string }
    | { __typename: 'MetricValue', value: string, unit: MetricUnit, id: string, metric: { code: string } }
    | { __typename: 'Organization', id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null }
    | { __typename: 'Programme', name: string, id: string }
    | { __typename: 'ReportingTemplate', id: string }
    | { __typename: 'Submission', id: string }
    | { __typename: 'WorkPlan', title: string, id: string }
   | null };

export type OrganizationRecordQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
}>;


export type OrganizationRecordQuery = { organization: { id: string, code: string | null, name: string, regionName: string | null, level: OrganizationLevel, kind: OrganizationKind, depth: number, validFrom: string | null, validTo: string | null, programmes: Array<{ id: string, key: string | null, kind: ProgrammeKind, name: string, correctedName: string | null, themes: Array<string>, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null }>, honors: Array<{ id: string, key: string | null, title: string, correctedTitle: string | null, awardedByName: string | null, awardedBy: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, period: { text: string, type: PeriodType, start: string, end: string } | null, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null }>, workPlans: Array<{ id: string, key: string | null, title: string, period: { text: string, type: PeriodType, start: string, end: string }, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null, sections: Array<{ number: string, title: string, quote: string | null, items: Array<{ number: string, title: string, correctedTitle: string | null, quote: string | null, leadDepartment: { id: string, code: string | null, name: string, level: OrganizationLevel } | null, targets: Array<{ value: string, valueFloat: number, unit: MetricUnit, qualifier: Qualifier, wording: string | null, quote: string | null, metric: { code: string, name: string } | null }> }> }> }> } | null };

export type LiaisonAssignmentsQueryVariables = Exact<{
  code?: string | null | undefined;
  id?: string | number | null | undefined;
}>;


export type LiaisonAssignmentsQuery = { organization: { id: string, code: string | null, name: string, level: OrganizationLevel, liaisonAssignments: Array<{ leaderName: string, note: string | null, counties: Array<{ id: string, code: string | null, name: string, level: OrganizationLevel }>, liaisons: Array<{ name: string | null, phone: string | null }>, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null }> } | null };

export type SpreadsheetDownloadMutationVariables = Exact<{
  input: SpreadsheetDownloadInput;
}>;


export type SpreadsheetDownloadMutation = { spreadsheetDownload: { url: string, expiresAt: string } };

export type CreateSubmissionMutationVariables = Exact<{
  template: string;
  organization: string;
  period: string;
  narrative?: string | null | undefined;
  idempotencyKey?: string | null | undefined;
}>;


export type CreateSubmissionMutation = { createSubmission: { replayed: boolean, submission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } } };

export type SaveSubmissionValuesMutationVariables = Exact<{
  id: string | number;
  expectedVersion: number;
  values?: Array<SubmissionValueInput> | SubmissionValueInput | null | undefined;
  remove?: Array<string> | string | null | undefined;
  narrative?: string | null | undefined;
  dryRun?: boolean | null | undefined;
  idempotencyKey?: string | null | undefined;
}>;


export type SaveSubmissionValuesMutation = { saveSubmissionValues: { dryRun: boolean, replayed: boolean, narrativeChanged: boolean, changes: Array<{ kind: ValueChangeKind, metric: string, before: { value: string, qualifier: Qualifier, scope: MetricScope, wording: string | null, asOf: string | null } | null, after: { value: string, qualifier: Qualifier, scope: MetricScope, wording: string | null, asOf: string | null } | null }>, problems: Array<{ path: string, message: string }>, normalized: Array<{ path: string, input: string, value: string, applied: Array<NumberNormalization>, message: string }>, submission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } } };

export type SubmitSubmissionMutationVariables = Exact<{
  id: string | number;
  expectedVersion: number;
}>;


export type SubmitSubmissionMutation = { submitSubmission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } };

export type ReturnSubmissionMutationVariables = Exact<{
  id: string | number;
  expectedVersion: number;
  comment: string;
}>;


export type ReturnSubmissionMutation = { returnSubmission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } };

export type ApproveSubmissionMutationVariables = Exact<{
  id: string | number;
  expectedVersion: number;
}>;


export type ApproveSubmissionMutation = { approveSubmission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } };

export type UnapproveSubmissionMutationVariables = Exact<{
  id: string | number;
  expectedVersion: number;
}>;


export type UnapproveSubmissionMutation = { unapproveSubmission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } };

export type SubmissionQueryVariables = Exact<{
  id: string | number;
}>;


export type SubmissionQuery = { submission: { id: string, status: SubmissionStatus, version: number, narrative: string | null, dueDate: string, daysLate: number, createdAt: string, createdBy: string | null, updatedAt: string, updatedBy: string | null, submittedAt: string | null, submittedBy: string | null, returnedAt: string | null, returnedBy: string | null, returnComment: string | null, approvedAt: string | null, approvedBy: string | null, values: { totalCount: number, edges: Array<{ node: { id: string, value: string, valueFloat: number, wording: string | null, qualifier: Qualifier, scope: MetricScope, unit: MetricUnit, aggregatable: boolean, asOf: string | null, period: { text: string, type: PeriodType, start: string, end: string }, metric: { code: string, name: string, nameEn: string, unit: MetricUnit }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, source: { quote: string | null, document: { id: string, key: string | null, kind: DocumentKind, title: string, number: string | null, date: string | null, author: string | null, publisher: string | null, sourceFile: string | null, issuer: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } | null } | null } }> }, history: { totalCount: number, edges: Array<{ node: { action: SubmissionAuditAction, actor: string, at: string, version: number, fromStatus: SubmissionStatus | null, toStatus: SubmissionStatus, metric: string | null, before: Record<string, unknown> | null, after: Record<string, unknown> | null, comment: string | null } }> } | null, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } } | null };

export type ReportingTemplatesQueryVariables = Exact<{ [key: string]: never; }>;


export type ReportingTemplatesQuery = { reportingTemplates: Array<{ id: string, code: string, name: string, nameEn: string, description: string | null, periodType: PeriodType, dueDays: number, submittingLevels: Array<OrganizationLevel>, metrics: Array<{ code: string, name: string, unit: MetricUnit }> }> };

export type CompletenessQueryVariables = Exact<{
  template: string;
  period: string;
  within?: string | null | undefined;
  status?: Array<CompletenessStatus> | CompletenessStatus | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type CompletenessQuery = { completeness: { dueDate: string, period: { text: string, type: PeriodType, start: string, end: string }, template: { code: string, name: string }, totals: { expected: number, submitted: number, approved: number, returned: number, draft: number, missing: number }, units: { totalCount: number, edges: Array<{ cursor: string, node: { status: CompletenessStatus, submittedAt: string | null, daysLate: number, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, submission: { id: string, version: number } | null } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } };

export type RollupQueryVariables = Exact<{
  metric: string;
  period: string;
  groupBy: OrganizationLevel;
  within?: string | null | undefined;
  includeSubmitted?: boolean | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type RollupQuery = { rollup: { totalCount: number, edges: Array<{ cursor: string, node: { reported: string | null, reportedQualifier: Qualifier | null, sumOfChildren: string | null, sumOfChildrenQualifier: Qualifier | null, value: string | null, valueFloat: number | null, qualifier: Qualifier | null, reason: AggregateNullReason | null, numerator: string | null, denominator: string | null, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, period: { text: string, type: PeriodType, start: string, end: string }, coverage: { contributing: number, expected: number, missing: number, unapproved: number } } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } };

export type RankingQueryVariables = Exact<{
  metric: string;
  period: string;
  level: OrganizationLevel;
  within?: string | null | undefined;
  includeSubmitted?: boolean | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
  last?: number | null | undefined;
  before?: string | null | undefined;
}>;


export type RankingQuery = { ranking: { ranked: number, total: string | null, totalQualifier: Qualifier | null, metric: { code: string, name: string, unit: MetricUnit }, period: { text: string, type: PeriodType, start: string, end: string }, entries: { totalCount: number, edges: Array<{ cursor: string, node: { rank: number | null, shareOfTotal: string | null, value: string | null, valueFloat: number | null, qualifier: Qualifier | null, reason: AggregateNullReason | null, numerator: string | null, denominator: string | null, organization: { id: string, code: string | null, name: string, level: OrganizationLevel }, coverage: { contributing: number, expected: number, missing: number, unapproved: number } } }>, pageInfo: { startCursor: string | null, endCursor: string | null, hasPreviousPage: boolean, hasNextPage: boolean } } } };

export type SeriesQueryVariables = Exact<{
  metric: string;
  organization: string;
  from: string;
  to: string;
  includeSubmitted?: boolean | null | undefined;
}>;


export type SeriesQuery = { series: Array<{ change: string | null, growthRate: string | null, growthReason: AggregateNullReason | null, value: string | null, valueFloat: number | null, qualifier: Qualifier | null, reason: AggregateNullReason | null, numerator: string | null, denominator: string | null, period: { text: string, type: PeriodType, start: string, end: string }, coverage: { contributing: number, expected: number, missing: number, unapproved: number } }> };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { kind: ViewerKind, role: Role | null, subject: string | null, apiKeyName: string | null, scopes: Array<ApiKeyScope>, organization: { id: string, code: string | null, name: string, level: OrganizationLevel } | null } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const OrganizationFieldsFragmentDoc = new TypedDocumentString(`
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
    `, {"fragmentName":"OrganizationFields"}) as unknown as TypedDocumentString<OrganizationFieldsFragment, unknown>;
export const PageInfoFieldsFragmentDoc = new TypedDocumentString(`
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
    `, {"fragmentName":"PageInfoFields"}) as unknown as TypedDocumentString<PageInfoFieldsFragment, unknown>;
export const OrganizationConnectionFieldsFragmentDoc = new TypedDocumentString(`
    fragment OrganizationConnectionFields on OrganizationConnection {
  totalCount
  edges {
    cursor
    node {
      ...OrganizationFields
    }
  }
  pageInfo {
    ...PageInfoFields
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}`, {"fragmentName":"OrganizationConnectionFields"}) as unknown as TypedDocumentString<OrganizationConnectionFieldsFragment, unknown>;
export const MetricDefinitionFieldsFragmentDoc = new TypedDocumentString(`
    fragment MetricDefinitionFields on MetricDefinition {
  code
  name
  nameEn
  description
  unit
  valueType
  timeAggregation
  treeAggregation
  factor
  numerator {
    code
  }
  denominator {
    code
  }
}
    `, {"fragmentName":"MetricDefinitionFields"}) as unknown as TypedDocumentString<MetricDefinitionFieldsFragment, unknown>;
export const PeriodFieldsFragmentDoc = new TypedDocumentString(`
    fragment PeriodFields on Period {
  text
  type
  start
  end
}
    `, {"fragmentName":"PeriodFields"}) as unknown as TypedDocumentString<PeriodFieldsFragment, unknown>;
export const OrganizationRefFragmentDoc = new TypedDocumentString(`
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
    `, {"fragmentName":"OrganizationRef"}) as unknown as TypedDocumentString<OrganizationRefFragment, unknown>;
export const DocumentFieldsFragmentDoc = new TypedDocumentString(`
    fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}`, {"fragmentName":"DocumentFields"}) as unknown as TypedDocumentString<DocumentFieldsFragment, unknown>;
export const SourceFieldsFragmentDoc = new TypedDocumentString(`
    fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}`, {"fragmentName":"SourceFields"}) as unknown as TypedDocumentString<SourceFieldsFragment, unknown>;
export const MetricValueFieldsFragmentDoc = new TypedDocumentString(`
    fragment MetricValueFields on MetricValue {
  id
  value
  valueFloat
  wording
  qualifier
  scope
  unit
  aggregatable
  asOf
  period {
    ...PeriodFields
  }
  metric {
    code
    name
    nameEn
    unit
  }
  organization {
    ...OrganizationRef
  }
  source {
    ...SourceFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}`, {"fragmentName":"MetricValueFields"}) as unknown as TypedDocumentString<MetricValueFieldsFragment, unknown>;
export const ActivityFieldsFragmentDoc = new TypedDocumentString(`
    fragment ActivityFields on Activity {
  id
  key
  title
  correctedTitle
  kind
  description
  themes
  annex
  sequence
  period {
    ...PeriodFields
  }
  organization {
    ...OrganizationRef
  }
  coOrganizers {
    ...OrganizationRef
  }
  leadDepartment {
    ...OrganizationRef
  }
  programme {
    id
    name
    kind
  }
  source {
    ...SourceFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}`, {"fragmentName":"ActivityFields"}) as unknown as TypedDocumentString<ActivityFieldsFragment, unknown>;
export const SubmissionFieldsFragmentDoc = new TypedDocumentString(`
    fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}`, {"fragmentName":"SubmissionFields"}) as unknown as TypedDocumentString<SubmissionFieldsFragment, unknown>;
export const AggregateFieldsFragmentDoc = new TypedDocumentString(`
    fragment AggregateFields on Aggregate {
  value
  valueFloat
  qualifier
  reason
  numerator
  denominator
  coverage {
    contributing
    expected
    missing
    unapproved
  }
}
    `, {"fragmentName":"AggregateFields"}) as unknown as TypedDocumentString<AggregateFieldsFragment, unknown>;
export const ActivitiesDocument = new TypedDocumentString(`
    query Activities($filter: RootActivityFilter, $orderBy: ActivityOrder, $first: Int, $after: String, $last: Int, $before: String) {
  activities(
    filter: $filter
    orderBy: $orderBy
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    totalCount
    edges {
      cursor
      node {
        ...ActivityFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}
fragment ActivityFields on Activity {
  id
  key
  title
  correctedTitle
  kind
  description
  themes
  annex
  sequence
  period {
    ...PeriodFields
  }
  organization {
    ...OrganizationRef
  }
  coOrganizers {
    ...OrganizationRef
  }
  leadDepartment {
    ...OrganizationRef
  }
  programme {
    id
    name
    kind
  }
  source {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<ActivitiesQuery, ActivitiesQueryVariables>;
export const OrganizationActivitiesDocument = new TypedDocumentString(`
    query OrganizationActivities($code: String, $id: ID, $filter: ActivityFilter, $orderBy: ActivityOrder, $first: Int, $after: String, $last: Int, $before: String) {
  organization(code: $code, id: $id) {
    activities(
      filter: $filter
      orderBy: $orderBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      edges {
        cursor
        node {
          ...ActivityFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}
fragment ActivityFields on Activity {
  id
  key
  title
  correctedTitle
  kind
  description
  themes
  annex
  sequence
  period {
    ...PeriodFields
  }
  organization {
    ...OrganizationRef
  }
  coOrganizers {
    ...OrganizationRef
  }
  leadDepartment {
    ...OrganizationRef
  }
  programme {
    id
    name
    kind
  }
  source {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<OrganizationActivitiesQuery, OrganizationActivitiesQueryVariables>;
export const ActivityDocument = new TypedDocumentString(`
    query Activity($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Activity {
      ...ActivityFields
      metricValues {
        ...MetricValueFields
      }
    }
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}
fragment MetricValueFields on MetricValue {
  id
  value
  valueFloat
  wording
  qualifier
  scope
  unit
  aggregatable
  asOf
  period {
    ...PeriodFields
  }
  metric {
    code
    name
    nameEn
    unit
  }
  organization {
    ...OrganizationRef
  }
  source {
    ...SourceFields
  }
}
fragment ActivityFields on Activity {
  id
  key
  title
  correctedTitle
  kind
  description
  themes
  annex
  sequence
  period {
    ...PeriodFields
  }
  organization {
    ...OrganizationRef
  }
  coOrganizers {
    ...OrganizationRef
  }
  leadDepartment {
    ...OrganizationRef
  }
  programme {
    id
    name
    kind
  }
  source {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<ActivityQuery, ActivityQueryVariables>;
export const DocumentsDocument = new TypedDocumentString(`
    query Documents($first: Int, $after: String, $last: Int, $before: String) {
  documents(first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges {
      cursor
      node {
        ...DocumentFields
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}`) as unknown as TypedDocumentString<DocumentsQuery, DocumentsQueryVariables>;
export const DocumentDocument = new TypedDocumentString(`
    query Document($id: ID!) {
  document(id: $id) {
    ...DocumentFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}`) as unknown as TypedDocumentString<DocumentQuery, DocumentQueryVariables>;
export const MetricsDocument = new TypedDocumentString(`
    query Metrics {
  metrics {
    ...MetricDefinitionFields
  }
}
    fragment MetricDefinitionFields on MetricDefinition {
  code
  name
  nameEn
  description
  unit
  valueType
  timeAggregation
  treeAggregation
  factor
  numerator {
    code
  }
  denominator {
    code
  }
}`) as unknown as TypedDocumentString<MetricsQuery, MetricsQueryVariables>;
export const MetricValuesDocument = new TypedDocumentString(`
    query MetricValues($code: String, $id: ID, $metric: String, $period: String, $scope: MetricScope, $orderBy: MetricValueOrder, $first: Int, $after: String, $last: Int, $before: String) {
  organization(code: $code, id: $id) {
    metricValues(
      metric: $metric
      period: $period
      scope: $scope
      orderBy: $orderBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      edges {
        cursor
        node {
          ...MetricValueFields
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}
fragment MetricValueFields on MetricValue {
  id
  value
  valueFloat
  wording
  qualifier
  scope
  unit
  aggregatable
  asOf
  period {
    ...PeriodFields
  }
  metric {
    code
    name
    nameEn
    unit
  }
  organization {
    ...OrganizationRef
  }
  source {
    ...SourceFields
  }
}`) as unknown as TypedDocumentString<MetricValuesQuery, MetricValuesQueryVariables>;
export const OrganizationDocument = new TypedDocumentString(`
    query Organization($code: String, $id: ID) {
  organization(code: $code, id: $id) {
    ...OrganizationFields
    successor {
      ...OrganizationRef
    }
    parent {
      ...OrganizationFields
    }
    ancestors {
      ...OrganizationFields
    }
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}`) as unknown as TypedDocumentString<OrganizationQuery, OrganizationQueryVariables>;
export const OrganizationTreeDocument = new TypedDocumentString(`
    query OrganizationTree($code: String, $id: ID, $first: Int) {
  organization(code: $code, id: $id) {
    ...OrganizationFields
    descendantCount
    cities: descendantCount(level: CITY)
    counties: descendantCount(level: COUNTY)
    townships: descendantCount(level: TOWNSHIP)
    villages: descendantCount(level: VILLAGE)
    children(first: $first) {
      totalCount
      edges {
        cursor
        node {
          ...OrganizationFields
          descendantCount
          children(first: 0) {
            totalCount
          }
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}`) as unknown as TypedDocumentString<OrganizationTreeQuery, OrganizationTreeQueryVariables>;
export const ChildrenDocument = new TypedDocumentString(`
    query Children($code: String, $id: ID, $filter: RelatedOrganizationFilter, $orderBy: OrganizationOrder, $first: Int, $after: String, $last: Int, $before: String) {
  organization(code: $code, id: $id) {
    children(
      filter: $filter
      orderBy: $orderBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      ...OrganizationConnectionFields
    }
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationConnectionFields on OrganizationConnection {
  totalCount
  edges {
    cursor
    node {
      ...OrganizationFields
    }
  }
  pageInfo {
    ...PageInfoFields
  }
}`) as unknown as TypedDocumentString<ChildrenQuery, ChildrenQueryVariables>;
export const DescendantsDocument = new TypedDocumentString(`
    query Descendants($code: String, $id: ID, $level: OrganizationLevel, $filter: RelatedOrganizationFilter, $orderBy: OrganizationOrder, $first: Int, $after: String, $last: Int, $before: String) {
  organization(code: $code, id: $id) {
    descendants(
      level: $level
      filter: $filter
      orderBy: $orderBy
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      ...OrganizationConnectionFields
    }
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationConnectionFields on OrganizationConnection {
  totalCount
  edges {
    cursor
    node {
      ...OrganizationFields
    }
  }
  pageInfo {
    ...PageInfoFields
  }
}`) as unknown as TypedDocumentString<DescendantsQuery, DescendantsQueryVariables>;
export const OrganizationsDocument = new TypedDocumentString(`
    query Organizations($filter: OrganizationFilter, $orderBy: OrganizationOrder, $first: Int, $after: String, $last: Int, $before: String) {
  organizations(
    filter: $filter
    orderBy: $orderBy
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    ...OrganizationConnectionFields
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationConnectionFields on OrganizationConnection {
  totalCount
  edges {
    cursor
    node {
      ...OrganizationFields
    }
  }
  pageInfo {
    ...PageInfoFields
  }
}`) as unknown as TypedDocumentString<OrganizationsQuery, OrganizationsQueryVariables>;
export const NodeDocument = new TypedDocumentString(`
    query Node($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Organization {
      ...OrganizationFields
    }
    ... on Activity {
      title
    }
    ... on MetricValue {
      value
      unit
      metric {
        code
      }
    }
    ... on Document {
      title
    }
    ... on Programme {
      name
    }
    ... on Honor {
      title
    }
    ... on WorkPlan {
      title
    }
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}`) as unknown as TypedDocumentString<NodeQuery, NodeQueryVariables>;
export const OrganizationRecordDocument = new TypedDocumentString(`
    query OrganizationRecord($code: String, $id: ID) {
  organization(code: $code, id: $id) {
    ...OrganizationFields
    programmes {
      id
      key
      kind
      name
      correctedName
      themes
      source {
        ...SourceFields
      }
    }
    honors {
      id
      key
      title
      correctedTitle
      awardedByName
      awardedBy {
        ...OrganizationRef
      }
      period {
        ...PeriodFields
      }
      source {
        ...SourceFields
      }
    }
    workPlans {
      id
      key
      title
      period {
        ...PeriodFields
      }
      source {
        ...SourceFields
      }
      sections {
        number
        title
        quote
        items {
          number
          title
          correctedTitle
          quote
          leadDepartment {
            ...OrganizationRef
          }
          targets {
            value
            valueFloat
            unit
            qualifier
            wording
            quote
            metric {
              code
              name
            }
          }
        }
      }
    }
  }
}
    fragment OrganizationFields on Organization {
  id
  code
  name
  regionName
  level
  kind
  depth
  validFrom
  validTo
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}`) as unknown as TypedDocumentString<OrganizationRecordQuery, OrganizationRecordQueryVariables>;
export const LiaisonAssignmentsDocument = new TypedDocumentString(`
    query LiaisonAssignments($code: String, $id: ID) {
  organization(code: $code, id: $id) {
    ...OrganizationRef
    liaisonAssignments {
      leaderName
      note
      counties {
        ...OrganizationRef
      }
      liaisons {
        name
        phone
      }
      source {
        ...SourceFields
      }
    }
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}`) as unknown as TypedDocumentString<LiaisonAssignmentsQuery, LiaisonAssignmentsQueryVariables>;
export const SpreadsheetDownloadDocument = new TypedDocumentString(`
    mutation SpreadsheetDownload($input: SpreadsheetDownloadInput!) {
  spreadsheetDownload(input: $input) {
    url
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<SpreadsheetDownloadMutation, SpreadsheetDownloadMutationVariables>;
export const CreateSubmissionDocument = new TypedDocumentString(`
    mutation CreateSubmission($template: String!, $organization: String!, $period: String!, $narrative: String, $idempotencyKey: String) {
  createSubmission(
    input: {template: $template, organization: $organization, period: $period, narrative: $narrative, idempotencyKey: $idempotencyKey}
  ) {
    replayed
    submission {
      ...SubmissionFields
    }
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<CreateSubmissionMutation, CreateSubmissionMutationVariables>;
export const SaveSubmissionValuesDocument = new TypedDocumentString(`
    mutation SaveSubmissionValues($id: ID!, $expectedVersion: Int!, $values: [SubmissionValueInput!], $remove: [String!], $narrative: String, $dryRun: Boolean, $idempotencyKey: String) {
  saveSubmissionValues(
    input: {id: $id, expectedVersion: $expectedVersion, values: $values, remove: $remove, narrative: $narrative, dryRun: $dryRun, idempotencyKey: $idempotencyKey}
  ) {
    dryRun
    replayed
    narrativeChanged
    changes {
      kind
      metric
      before {
        value
        qualifier
        scope
        wording
        asOf
      }
      after {
        value
        qualifier
        scope
        wording
        asOf
      }
    }
    problems {
      path
      message
    }
    normalized {
      path
      input
      value
      applied
      message
    }
    submission {
      ...SubmissionFields
    }
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<SaveSubmissionValuesMutation, SaveSubmissionValuesMutationVariables>;
export const SubmitSubmissionDocument = new TypedDocumentString(`
    mutation SubmitSubmission($id: ID!, $expectedVersion: Int!) {
  submitSubmission(input: {id: $id, expectedVersion: $expectedVersion}) {
    ...SubmissionFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<SubmitSubmissionMutation, SubmitSubmissionMutationVariables>;
export const ReturnSubmissionDocument = new TypedDocumentString(`
    mutation ReturnSubmission($id: ID!, $expectedVersion: Int!, $comment: String!) {
  returnSubmission(
    input: {id: $id, expectedVersion: $expectedVersion, comment: $comment}
  ) {
    ...SubmissionFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<ReturnSubmissionMutation, ReturnSubmissionMutationVariables>;
export const ApproveSubmissionDocument = new TypedDocumentString(`
    mutation ApproveSubmission($id: ID!, $expectedVersion: Int!) {
  approveSubmission(input: {id: $id, expectedVersion: $expectedVersion}) {
    ...SubmissionFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<ApproveSubmissionMutation, ApproveSubmissionMutationVariables>;
export const UnapproveSubmissionDocument = new TypedDocumentString(`
    mutation UnapproveSubmission($id: ID!, $expectedVersion: Int!) {
  unapproveSubmission(input: {id: $id, expectedVersion: $expectedVersion}) {
    ...SubmissionFields
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<UnapproveSubmissionMutation, UnapproveSubmissionMutationVariables>;
export const SubmissionDocument = new TypedDocumentString(`
    query Submission($id: ID!) {
  submission(id: $id) {
    ...SubmissionFields
    values(first: 100) {
      totalCount
      edges {
        node {
          ...MetricValueFields
        }
      }
    }
    history(first: 100) {
      totalCount
      edges {
        node {
          action
          actor
          at
          version
          fromStatus
          toStatus
          metric
          before
          after
          comment
        }
      }
    }
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment DocumentFields on Document {
  id
  key
  kind
  title
  number
  date
  author
  publisher
  sourceFile
  issuer {
    ...OrganizationRef
  }
}
fragment SourceFields on Source {
  quote
  document {
    ...DocumentFields
  }
}
fragment MetricValueFields on MetricValue {
  id
  value
  valueFloat
  wording
  qualifier
  scope
  unit
  aggregatable
  asOf
  period {
    ...PeriodFields
  }
  metric {
    code
    name
    nameEn
    unit
  }
  organization {
    ...OrganizationRef
  }
  source {
    ...SourceFields
  }
}
fragment SubmissionFields on Submission {
  id
  status
  version
  narrative
  dueDate
  daysLate
  period {
    ...PeriodFields
  }
  template {
    code
    name
  }
  organization {
    ...OrganizationRef
  }
  createdAt
  createdBy
  updatedAt
  updatedBy
  submittedAt
  submittedBy
  returnedAt
  returnedBy
  returnComment
  approvedAt
  approvedBy
}`) as unknown as TypedDocumentString<SubmissionQuery, SubmissionQueryVariables>;
export const ReportingTemplatesDocument = new TypedDocumentString(`
    query ReportingTemplates {
  reportingTemplates {
    id
    code
    name
    nameEn
    description
    periodType
    dueDays
    submittingLevels
    metrics {
      code
      name
      unit
    }
  }
}
    `) as unknown as TypedDocumentString<ReportingTemplatesQuery, ReportingTemplatesQueryVariables>;
export const CompletenessDocument = new TypedDocumentString(`
    query Completeness($template: String!, $period: String!, $within: String, $status: [CompletenessStatus!], $first: Int, $after: String, $last: Int, $before: String) {
  completeness(template: $template, period: $period, within: $within) {
    dueDate
    period {
      ...PeriodFields
    }
    template {
      code
      name
    }
    totals {
      expected
      submitted
      approved
      returned
      draft
      missing
    }
    units(
      status: $status
      first: $first
      after: $after
      last: $last
      before: $before
    ) {
      totalCount
      edges {
        cursor
        node {
          status
          submittedAt
          daysLate
          organization {
            ...OrganizationRef
          }
          submission {
            id
            version
          }
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}`) as unknown as TypedDocumentString<CompletenessQuery, CompletenessQueryVariables>;
export const RollupDocument = new TypedDocumentString(`
    query Rollup($metric: String!, $period: String!, $groupBy: OrganizationLevel!, $within: String, $includeSubmitted: Boolean, $first: Int, $after: String, $last: Int, $before: String) {
  rollup(
    metric: $metric
    period: $period
    groupBy: $groupBy
    within: $within
    includeSubmitted: $includeSubmitted
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    totalCount
    edges {
      cursor
      node {
        ...AggregateFields
        organization {
          ...OrganizationRef
        }
        period {
          ...PeriodFields
        }
        reported
        reportedQualifier
        sumOfChildren
        sumOfChildrenQualifier
      }
    }
    pageInfo {
      ...PageInfoFields
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment AggregateFields on Aggregate {
  value
  valueFloat
  qualifier
  reason
  numerator
  denominator
  coverage {
    contributing
    expected
    missing
    unapproved
  }
}`) as unknown as TypedDocumentString<RollupQuery, RollupQueryVariables>;
export const RankingDocument = new TypedDocumentString(`
    query Ranking($metric: String!, $period: String!, $level: OrganizationLevel!, $within: String, $includeSubmitted: Boolean, $first: Int, $after: String, $last: Int, $before: String) {
  ranking(
    metric: $metric
    period: $period
    level: $level
    within: $within
    includeSubmitted: $includeSubmitted
    first: $first
    after: $after
    last: $last
    before: $before
  ) {
    metric {
      code
      name
      unit
    }
    period {
      ...PeriodFields
    }
    ranked
    total
    totalQualifier
    entries {
      totalCount
      edges {
        cursor
        node {
          ...AggregateFields
          rank
          shareOfTotal
          organization {
            ...OrganizationRef
          }
        }
      }
      pageInfo {
        ...PageInfoFields
      }
    }
  }
}
    fragment PageInfoFields on PageInfo {
  startCursor
  endCursor
  hasPreviousPage
  hasNextPage
}
fragment OrganizationRef on Organization {
  id
  code
  name
  level
}
fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment AggregateFields on Aggregate {
  value
  valueFloat
  qualifier
  reason
  numerator
  denominator
  coverage {
    contributing
    expected
    missing
    unapproved
  }
}`) as unknown as TypedDocumentString<RankingQuery, RankingQueryVariables>;
export const SeriesDocument = new TypedDocumentString(`
    query Series($metric: String!, $organization: String!, $from: String!, $to: String!, $includeSubmitted: Boolean) {
  series(
    metric: $metric
    organization: $organization
    from: $from
    to: $to
    includeSubmitted: $includeSubmitted
  ) {
    ...AggregateFields
    period {
      ...PeriodFields
    }
    change
    growthRate
    growthReason
  }
}
    fragment PeriodFields on Period {
  text
  type
  start
  end
}
fragment AggregateFields on Aggregate {
  value
  valueFloat
  qualifier
  reason
  numerator
  denominator
  coverage {
    contributing
    expected
    missing
    unapproved
  }
}`) as unknown as TypedDocumentString<SeriesQuery, SeriesQueryVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    kind
    role
    subject
    apiKeyName
    scopes
    organization {
      ...OrganizationRef
    }
  }
}
    fragment OrganizationRef on Organization {
  id
  code
  name
  level
}`) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;