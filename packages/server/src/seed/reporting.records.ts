import { sql, type Transaction } from 'kysely';
import * as v from 'valibot';
import {
  ORGANIZATION_LEVELS,
  SUBMISSION_STATUSES,
  TEMPLATE_PERIOD_TYPES,
  type Database,
} from '../db/tables.js';
import { UserError } from '../errors.js';
import { parsePeriod } from '../period/period.js';
import { oneOf, readSeed, SeedProblems, Text, TextList } from './seed-schema.js';

// Reports come from the province down: the national federation submits none.
const LEVELS = ORGANIZATION_LEVELS.filter((level) => level !== 'NATIONAL');

const DAYS = 'must be a whole number of days';

/** A template as reporting.yaml gives it: the table's columns, and its metrics in order. */
const Template = v.object({
  code: Text,
  name_zh: Text,
  name_en: Text,
  description: v.nullish(Text, null),
  period_type: oneOf(TEMPLATE_PERIOD_TYPES),
  submitting_levels: v.pipe(
    v.array(oneOf(LEVELS), 'must be a list'),
    v.minLength(1, 'must be a list'),
  ),
  due_days: v.pipe(v.number(DAYS), v.integer(DAYS), v.minValue(0, DAYS)),
  metrics: TextList,
});

const Submission = v.object({
  template: Text,
  period: Text,
  org: Text,
  status: oneOf(SUBMISSION_STATUSES),
  documents: TextList,
});

const ReportingFile = v.object(
  { templates: v.array(Template), submissions: v.array(Submission) },
  'needs a templates list and a submissions list',
);

export type TemplateRecord = v.InferOutput<typeof Template>;
export type SubmissionRecord = v.InferOutput<typeof Submission>;

/** Reads reporting.yaml's records, each submission checked against its template. */
export function readReportingRecords(
  file: string,
  content: unknown,
): { templates: TemplateRecord[]; submissions: SubmissionRecord[] } {
  const { templates, submissions } = readSeed(ReportingFile, file, content);
  const seed = { path: file, content };
  const problems = new SeedProblems();
  submissions.forEach((submission, index) => {
    const at = (field: string) => ['submissions', index, field];
    const template = templates.find((candidate) => candidate.code === submission.template);
    if (!template) {
      problems.add(seed, at('template'), `no template "${submission.template}" in this file`);
      return;
    }
    const periodType = periodTypeOf(submission.period);
    if (periodType === null) {
      problems.add(seed, at('period'), `"${submission.period}" is not a period`);
    } else if (periodType !== template.period_type) {
      problems.add(seed, at('period'), `template ${template.code} is per ${template.period_type}`);
    }
  });
  problems.throwIfAny();
  return { templates, submissions };
}

function periodTypeOf(period: string): string | null {
  try {
    return parsePeriod(period, 'period').type;
  } catch (error) {
    if (error instanceof UserError) return null;
    throw error;
  }
}

/** Every metric, unit and document the file names must exist: one statement each. */
export async function checkReferences(
  trx: Transaction<Database>,
  file: string,
  templates: TemplateRecord[],
  submissions: SubmissionRecord[],
): Promise<void> {
  const metrics = await existing(
    trx,
    ['metric_definition', 'code'],
    templates.flatMap((t) => t.metrics),
  );
  const orgs = await existing(
    trx,
    ['organization', 'code'],
    submissions.map((s) => s.org),
  );
  const documents = await existing(
    trx,
    ['document', 'seed_key'],
    submissions.flatMap((s) => s.documents),
  );
  // Neither templates nor submissions have a key to name them by: the paths need no content.
  const seed = { path: file, content: null };
  const problems = new SeedProblems();
  templates.forEach((template, index) =>
    template.metrics.forEach((metric, position) => {
      if (metrics.has(metric)) return;
      const at = ['templates', index, 'metrics', position];
      problems.add(seed, at, `no metric "${metric}" in the catalogue`);
    }),
  );
  submissions.forEach((submission, index) => {
    if (!orgs.has(submission.org)) {
      problems.add(seed, ['submissions', index, 'org'], `no organization "${submission.org}"`);
    }
    submission.documents.forEach((document, position) => {
      if (documents.has(document)) return;
      const at = ['submissions', index, 'documents', position];
      problems.add(seed, at, `no document "${document}" (load the documents first)`);
    });
  });
  problems.throwIfAny();
}

/** Which of the values a table holds in a column. */
async function existing(
  trx: Transaction<Database>,
  [table, column]: readonly [string, string],
  values: string[],
): Promise<Set<string>> {
  const wanted = [...new Set(values)];
  if (wanted.length === 0) return new Set();
  const result = await sql<{ value: string }>`
    SELECT ${sql.ref(column)} AS value FROM ${sql.table(table)}
    WHERE ${sql.ref(column)} = ANY(${wanted}::text[])`.execute(trx);
  return new Set(result.rows.map((row) => row.value));
}
