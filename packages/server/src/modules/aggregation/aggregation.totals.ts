import { sql, type Kysely } from 'kysely';
import type { Database, SubmissionStatus } from '../../db/tables.js';
import { reportedTypesWithin } from './aggregation.period.js';
import type { AggregateSpec } from './aggregation.spec.js';

/**
 * The counting bases totals are kept for: approved figures only, and approved or submitted
 * ones. A figure counts under a basis when its submission's status is one of its statuses.
 */
export const BASES = ['APPROVED', 'SUBMITTED'] as const;
export type Basis = (typeof BASES)[number];
export const BASIS_STATUSES: Record<Basis, readonly SubmissionStatus[]> = {
  APPROVED: ['APPROVED'],
  SUBMITTED: ['APPROVED', 'SUBMITTED'],
};

/** The basis whose totals hold the figures of these statuses. */
export function basisOf(statuses: readonly SubmissionStatus[]): Basis {
  return statuses.includes('SUBMITTED') ? 'SUBMITTED' : 'APPROVED';
}

/**
 * Whether the stored totals answer an aggregate: they hold each unit's total for the periods
 * its figures were reported for, so they answer a period only when no template holding the
 * metric (or a ratio's parts) is reported per a finer period inside it, and never a span. A
 * year made of quarters is computed from the figures (time aggregation per unit first), at
 * the cost of reading them; a year of yearly reports keeps the totals' fast path.
 */
export function totalsHold(spec: AggregateSpec): boolean {
  if (spec.periodType === 'SPAN') return false;
  const finer = reportedTypesWithin(spec.periodType).filter((type) => type !== spec.periodType);
  return !spec.reportedPer.some((type) => finer.includes(type as (typeof finer)[number]));
}

/** What a write changed: a submission's status, or some of its figures. */
export interface TotalsChange {
  submission: { id: number; organization_id: number; period: string };
  /** The submission's status before and after: nothing changes unless one of them counts. */
  statuses: readonly SubmissionStatus[];
  /**
   * Set by a save, whose figures may have changed (so every basis its status counts under
   * changes): the metrics whose figures it removed; the submission's current figures are added.
   */
  removedMetrics?: readonly string[];
  /** Set by a save: the metrics it gave a first figure (they may turn a missing unit in). */
  addedMetrics?: readonly string[];
}

/** The bases a status change moves the report into or out of. */
function movedBases(statuses: readonly SubmissionStatus[]): Basis[] {
  return BASES.filter((basis) => {
    const counts = (status: SubmissionStatus) => BASIS_STATUSES[basis].includes(status);
    return statuses.some(counts) && !statuses.every(counts);
  });
}

/**
 * The bases whose totals a change alters: for a status change, those the report enters or
 * leaves (an approval enters APPROVED; its figures counted under SUBMITTED already), and
 * for a save, those it counts under.
 */
function changedBases(change: TotalsChange): Basis[] {
  if (!change.removedMetrics) return movedBases(change.statuses);
  return BASES.filter((basis) =>
    change.statuses.some((status) => BASIS_STATUSES[basis].includes(status)),
  );
}

/**
 * Brings the stored totals and coverage of the unit and every unit above it (down from the
 * cities: the provinces' are computed when read) up to date with a change, inside the
 * writer's transaction, in one call of metric_rollup_store (migration 0016). It finds the
 * units and the changed metrics (the figures' and every ratio they are a part of) and, per
 * unit, deepest first, recomputes the total for the bases the change alters from the unit's
 * own figures and its children's stored totals, with plans it keeps across calls; it
 * recomputes the changed unit's expected-report coverage and adds the difference to every
 * unit above. The coverage changes with a status that enters or leaves a basis (every metric
 * of the report), and with a save's first figure of a metric or its removal (drafts
 * included, which count in no total: a draft's first figure turns a missing unit into an
 * unapproved one). Before reading a unit's children it takes the unit's advisory lock, so the
 * children it reads are those committed by every writer that held it before: two approvals
 * under one city queue on the city, and the second builds on the first's county total. Locks
 * are taken deepest first and after every other lock of the transaction, so writers cannot
 * deadlock on them; writers in different cities share no lock at all, as the province's total
 * is never stored.
 */
export async function applyTotalsChange(
  trx: Kysely<Database>,
  change: TotalsChange,
): Promise<void> {
  const bases = changedBases(change);
  const statusMoved = movedBases(change.statuses).length > 0;
  const removed = change.removedMetrics ?? [];
  const present = [...(change.addedMetrics ?? []), ...removed];
  if (bases.length === 0 && !statusMoved && present.length === 0) return;
  const { submission } = change;
  await sql`
    SELECT metric_rollup_store(${submission.organization_id}, ${submission.id},
      ${removed}::text[], ${statusMoved ? null : present}::text[], ${submission.period},
      ${bases}::text[])`.execute(trx);
}

/**
 * Rebuilds every stored total and the coverage from the figures and the organizations, level
 * by level from the leaves up, one set-based statement per level (the seed and the bulk
 * loader, after writing figures and organizations directly). It is maintenance, not a
 * request: the statement time limit does not apply (over the whole country's 665,000 units
 * it takes minutes).
 */
export async function rebuildTotals(db: Kysely<Database>): Promise<void> {
  const rebuild = async (trx: Kysely<Database>) => {
    await sql`SET LOCAL statement_timeout = 0`.execute(trx);
    await sql`SELECT metric_total_rebuild(), metric_coverage_rebuild()`.execute(trx);
  };
  await (db.isTransaction ? rebuild(db) : db.transaction().execute(rebuild));
}
