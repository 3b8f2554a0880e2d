import * as v from 'valibot';
import {
  ACTIVITY_KINDS,
  DOCUMENT_KINDS,
  METRIC_SCOPES,
  METRIC_UNITS,
  METRIC_VALUE_TYPES,
  ORGANIZATION_KINDS,
  ORGANIZATION_LEVELS,
  PROGRAMME_KINDS,
  QUALIFIERS,
  THEMES,
  TIME_AGGREGATIONS,
  TREE_AGGREGATIONS,
} from '../db/tables.js';
import { compareDecimal, isDecimal, normalizeDecimal } from '../lib/decimal.js';
import type { OrgRef } from './seed-data.plan.js';
import {
  oneOf,
  OptionalWords,
  PeriodText,
  QuotedDecimal,
  record,
  Unread,
  WholeNumber,
  Words,
} from './seed-schema.js';

// The shape of seeds/metrics.yaml and of each seeds/documents/*.yaml record (seeds/README.md).
// What a record means against the others (references, duplicates, a figure against its
// metric) is checked once the shapes are read, in seed-data.validate.ts and its readers.

const KEY = /^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)*$/;
const CODE = /^[0-9]{2,12}$/;

/** A record's own key: lowercase, dotted. */
const Key = v.pipe(
  Words,
  v.regex(KEY, (issue) => `${issue.received} is not a key (lowercase, dotted)`),
);

const notAReference = (input: unknown) =>
  `must be a division code in quotes ("4301") or the key of a declared unit, got ${JSON.stringify(input)}`;

/** The unit a text names: a division code or a key; null when it is neither. */
export function orgRefOf(text: string): OrgRef | null {
  if (CODE.test(text)) return { code: text };
  return KEY.test(text) ? { key: text } : null;
}

/** An organization: a division code in quotes, or the key of a declared unit. */
const Org = v.pipe(
  v.string((issue) => notAReference(issue.input)),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const ref = orgRefOf(dataset.value);
    if (ref === null) addIssue({ message: notAReference(dataset.value) });
    return ref ?? NEVER;
  }),
);
const OptionalOrg = v.nullish(Org, null);
const Orgs = v.array(Org, 'must be a list');

const Themes = v.nullish(
  v.array(
    v.picklist(
      THEMES,
      (issue) => `unknown theme ${issue.received}; themes are ${THEMES.join(', ')}`,
    ),
    'must be a list',
  ),
  [],
);

const Qualifier = v.nullish(oneOf(QUALIFIERS), 'EXACT');
const OptionalPeriod = v.nullish(PeriodText, null);

const FACTOR = (issue: v.BaseIssue<unknown>) =>
  `must be a positive number such as 100, got ${issue.received}`;

export const Metric = record({
  code: v.pipe(
    Words,
    v.regex(
      /^[a-z0-9_]+(\.[a-z0-9_]+)+$/,
      (issue) => `${issue.received} is not a metric code (lowercase, dotted: training.sessions)`,
    ),
  ),
  name_zh: Words,
  name_en: Words,
  description: OptionalWords,
  unit: oneOf(METRIC_UNITS),
  value_type: oneOf(METRIC_VALUE_TYPES),
  aggregation: record({ time: oneOf(TIME_AGGREGATIONS), tree: oneOf(TREE_AGGREGATIONS) }),
  ratio: v.nullish(
    record({
      numerator: Words,
      denominator: Words,
      factor: v.pipe(
        Words,
        v.check((text) => isDecimal(text) && compareDecimal(text, '0') > 0, FACTOR),
        v.transform(normalizeDecimal),
      ),
    }),
    null,
  ),
  note: Unread,
});

const Listed = v.nullish(v.array(v.unknown(), 'must be a list'), []);

/** A document file: its document, and lists of records each read on its own. */
export const DocumentFile = record({
  document: v.unknown(),
  organizations: Listed,
  metric_values: Listed,
  activities: Listed,
  programmes: Listed,
  honors: Listed,
  work_plans: Listed,
  liaison_assignments: Listed,
});

export const DocumentHeader = record({
  key: Key,
  file: Words,
  title: Words,
  kind: oneOf(DOCUMENT_KINDS),
  number: OptionalWords,
  issuer: OptionalOrg,
  publisher: OptionalWords,
  author: OptionalWords,
  date: v.nullish(
    v.pipe(
      PeriodText,
      v.check(
        (date) => date.type === 'YEAR' || date.type === 'MONTH' || date.type === 'DAY',
        'must be a year, a month or a day',
      ),
    ),
    null,
  ),
  quote: Words,
  note: Unread,
});

export const Organization = record({
  name: Words,
  org: OptionalOrg,
  key: v.nullish(Key, null),
  full_name: OptionalWords,
  corrected: OptionalWords,
  kind: v.nullish(oneOf(ORGANIZATION_KINDS), null),
  level: v.nullish(oneOf(ORGANIZATION_LEVELS), null),
  parent: OptionalOrg,
  quote: Words,
  unresolved: OptionalWords,
  note: Unread,
});

export const MetricValue = record({
  org: Org,
  metric: Words,
  period: Words,
  as_of: OptionalWords,
  scope: oneOf(METRIC_SCOPES),
  value: QuotedDecimal,
  unit: Words,
  wording: OptionalWords,
  qualifier: Qualifier,
  quote: Words,
  activity: OptionalWords,
  note: Unread,
});

export const Programme = record({
  key: Key,
  org: Org,
  name: Words,
  corrected: OptionalWords,
  kind: oneOf(PROGRAMME_KINDS),
  themes: Themes,
  quote: Words,
  note: Unread,
});

export const Activity = record({
  key: Key,
  org: Org,
  co_organizers: v.nullish(Orgs, []),
  title: Words,
  corrected: OptionalWords,
  description: OptionalWords,
  kind: oneOf(ACTIVITY_KINDS),
  period: OptionalPeriod,
  lead_department: OptionalOrg,
  programme: OptionalWords,
  themes: Themes,
  annex: OptionalWords,
  sequence: v.nullish(WholeNumber, null),
  quote: Words,
  note: Unread,
});

export const Honor = record({
  key: Key,
  recipient: Org,
  title: Words,
  corrected: OptionalWords,
  /** A unit when written as a code or key, else the awarding body's name as written. */
  awarded_by: OptionalWords,
  period: OptionalPeriod,
  quote: Words,
  note: Unread,
});

const Target = record({
  metric: OptionalWords,
  value: QuotedDecimal,
  unit: oneOf(METRIC_UNITS),
  wording: OptionalWords,
  qualifier: Qualifier,
  quote: Words,
  note: Unread,
});

const Item = record({
  number: Words,
  title: Words,
  corrected: OptionalWords,
  quote: Words,
  lead_department: OptionalOrg,
  targets: v.nullish(v.array(Target, 'must be a list'), []),
  note: Unread,
});

const Section = record({
  number: Words,
  title: Words,
  quote: Words,
  items: v.nullish(v.array(Item, 'must be a list'), []),
  note: Unread,
});

export const WorkPlan = record({
  key: Key,
  org: Org,
  period: PeriodText,
  title: Words,
  quote: Words,
  sections: v.array(Section, 'must be a list'),
  note: Unread,
});

export const LiaisonAssignment = record({
  key: OptionalWords,
  org: OptionalOrg,
  leader: Words,
  counties: Orgs,
  liaisons: v.nullish(v.array(record({ name: Words, phone: OptionalWords }), 'must be a list'), []),
  note: OptionalWords,
  quote: Words,
});

export type TargetRecord = v.InferOutput<typeof Target>;
