import type { Transaction } from 'kysely';
import type {
  Database,
  MetricScope,
  MetricValueRow,
  NewMetricValue,
  Qualifier,
} from '../../db/tables.js';
import { UserError } from '../../errors.js';
import { toGlobalId } from '../../graph/global-id.js';
import { normalizeDecimal } from '../../lib/decimal.js';
import { readTypedNumber, type Normalization } from '../../lib/typed-number.js';
import { validateMetricValue } from '../metric/metric.validation.js';
import { findTemplateDefinitions } from './reporting-template.repository.js';
import { findSubmittedValues, type SubmissionWithOrganization } from './submission.repository.js';
import { MAX_NARRATIVE } from './submission.service.js';

const MAX_WORDING = 200;

/** One figure as a client sends it in saveSubmissionValues. */
export interface SubmissionValueRequest {
  metric: string;
  /** As typed: read by the shared number reader against the metric (338万, 33.91%, 三百). */
  value: string | number;
  unit?: string | null;
  qualifier?: Qualifier | null;
  scope?: MetricScope | null;
  wording?: string | null;
  asOf?: string | null;
}

export interface SaveValuesRequest {
  submissionId: number;
  expectedVersion: number;
  values?: readonly SubmissionValueRequest[] | null;
  /** Metric codes whose figures to delete. */
  remove?: readonly string[] | null;
  /** Absent or null leaves the narrative as it is; an empty string clears it. */
  narrative?: string | null;
  idempotencyKey?: string | null;
  dryRun?: boolean | null;
}

/** A figure's state before or after a change. */
export interface ValueState {
  value: string;
  qualifier: Qualifier;
  scope: MetricScope;
  wording: string | null;
  asOf: string | null;
}

export interface ValueChange {
  metric: string;
  kind: 'ADDED' | 'CHANGED' | 'REMOVED';
  before: ValueState | null;
  after: ValueState | null;
}

export interface Problem {
  /** Where in the input, e.g. values.3.value. */
  path: string;
  message: string;
}

/** A value that was read from what was typed into an exact decimal, and how. */
export interface Normalized {
  /** Where in the input, e.g. values.3.value. */
  path: string;
  /** The value as sent. */
  input: string;
  /** The exact decimal it was read as. */
  value: string;
  applied: Normalization[];
}

export interface SavePlan {
  upserts: NewMetricValue[];
  changes: ValueChange[];
  problems: Problem[];
  normalized: Normalized[];
  narrative: string | null;
  narrativeChanged: boolean;
}

/** Validates every input figure and works out what would change, without writing. */
export async function planSave(
  trx: Transaction<Database>,
  submission: SubmissionWithOrganization,
  request: SaveValuesRequest,
): Promise<SavePlan> {
  const definitions = new Map(
    (await findTemplateDefinitions(trx, [submission.template_id])).map((row) => [row.code, row]),
  );
  const stored = await findSubmittedValues(trx, submission.organization_id, submission.period);
  const current = new Map(
    stored
      .filter((row) => row.submission_id === submission.id)
      .map((row) => [row.metric_code, row]),
  );
  const elsewhere = new Map(
    stored
      .filter((row) => row.submission_id !== submission.id)
      .map((row) => [row.metric_code, row]),
  );

  const problems: Problem[] = [];
  const normalized: Normalized[] = [];
  const changes: ValueChange[] = [];
  const upserts: NewMetricValue[] = [];
  const seen = new Set<string>();
  const removals = new Set(request.remove ?? []);

  (request.values ?? []).forEach((input, index) => {
    const at = `values.${index}`;
    const definition = definitions.get(input.metric);
    if (!definition) {
      problems.push({
        path: `${at}.metric`,
        message: `"${input.metric}" is not a metric of this submission's template`,
      });
      return;
    }
    if (seen.has(input.metric) || removals.has(input.metric)) {
      problems.push({
        path: `${at}.metric`,
        message: `${input.metric} appears more than once in this request`,
      });
      return;
    }
    seen.add(input.metric);
    const other = elsewhere.get(input.metric);
    if (other) {
      problems.push({
        path: `${at}.metric`,
        message:
          other.submission_id === null
            ? `${input.metric} for ${submission.period} is already recorded for this unit outside any submission (loaded data)`
            : `${input.metric} for ${submission.period} is already reported in another submission of this unit (${toGlobalId('Submission', other.submission_id)})`,
      });
      return;
    }
    if (input.wording != null && input.wording.length > MAX_WORDING) {
      problems.push({
        path: `${at}.wording`,
        message: `wording is over ${MAX_WORDING} characters`,
      });
      return;
    }
    // What people type (338万, 33.91%, 三百) is read by the reader the spreadsheet import uses;
    // what it cannot read is this path's problem, beside every other one.
    const typed = readTypedNumber(input.value, { percent: definition.value_type === 'PERCENT' });
    if (typed.kind !== 'number') {
      problems.push({
        path: `${at}.value`,
        message:
          typed.kind === 'blank'
            ? 'no value: give a number, or list the metric in remove to delete its figure'
            : `${preview(input.value)}: ${typed.en}`,
      });
      return;
    }
    const typedText = typeof input.value === 'string' ? input.value.trim() : null;
    if (typed.applied.length > 0) {
      normalized.push({
        path: `${at}.value`,
        input: String(input.value),
        value: typed.value,
        applied: typed.applied,
      });
    }
    let valid;
    try {
      valid = validateMetricValue(
        definition,
        {
          metric: input.metric,
          period: submission.period,
          value: typed.value,
          unit: input.unit,
          asOf: input.asOf,
        },
        at,
      );
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push({ path: String(error.extensions.field ?? at), message: error.message });
      return;
    }
    const after: ValueState = {
      value: valid.value,
      qualifier: input.qualifier ?? 'EXACT',
      scope: input.scope ?? 'SELF',
      // A figure typed as 338万 keeps that as its wording, as a spreadsheet cell does.
      wording: input.wording ?? (typed.applied.length > 0 ? typedText : null),
      asOf: valid.asOf,
    };
    const existing = current.get(input.metric);
    const before = existing ? stateOf(existing) : null;
    if (before && sameState(before, after)) return;
    changes.push({ metric: input.metric, kind: before ? 'CHANGED' : 'ADDED', before, after });
    upserts.push({
      organization_id: submission.organization_id,
      metric_code: input.metric,
      period: submission.period,
      period_type: submission.period_type,
      period_start: submission.period_start,
      period_end: submission.period_end,
      as_of: valid.asOf,
      value: valid.value,
      unit: valid.unit,
      wording: after.wording,
      qualifier: after.qualifier,
      scope: after.scope,
      aggregatable: valid.aggregatable,
      submission_id: submission.id,
    });
  });

  [...removals].forEach((metric, index) => {
    if (!definitions.has(metric)) {
      problems.push({
        path: `remove.${index}`,
        message: `"${metric}" is not a metric of this submission's template`,
      });
      return;
    }
    const existing = current.get(metric);
    if (existing) changes.push({ metric, kind: 'REMOVED', before: stateOf(existing), after: null });
  });

  let narrative = submission.narrative;
  let narrativeChanged = false;
  if (request.narrative != null) {
    if (request.narrative.length > MAX_NARRATIVE) {
      problems.push({
        path: 'narrative',
        message: `The narrative is over ${MAX_NARRATIVE} characters`,
      });
    } else {
      narrative = request.narrative === '' ? null : request.narrative;
      narrativeChanged = narrative !== submission.narrative;
    }
  }
  return { upserts, changes, problems, normalized, narrative, narrativeChanged };
}

/** A value as a problem quotes it, cut short. */
function preview(value: string | number): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…"` : text;
}

function stateOf(row: MetricValueRow): ValueState {
  return {
    value: normalizeDecimal(row.value),
    qualifier: row.qualifier,
    scope: row.scope,
    wording: row.wording,
    asOf: row.as_of,
  };
}

function sameState(a: ValueState, b: ValueState): boolean {
  return (
    a.value === b.value &&
    a.qualifier === b.qualifier &&
    a.scope === b.scope &&
    a.wording === b.wording &&
    a.asOf === b.asOf
  );
}
