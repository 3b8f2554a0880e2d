import { sql, type Kysely } from 'kysely';
import * as carriedByRowId from './0019-carried-by-row-id.js';
import { rowIdStoreFunction } from './0019-carried-by-row-id.js';
import { carried } from './0018-metric-total-carry.js';
import type { MigrationPhase } from './phase.js';

/**
 * A unit above the changed one looks its own SUBTREE figures up only when it has one. The
 * carry (migration 0018) asked, for each changed metric (~35 for a village's report), whether
 * the unit's own SUBTREE figure of the period cuts the chain: a probe of
 * metric_value_submitted_period_key per metric, and most townships and counties enter no
 * SUBTREE figure at all. One probe of the unit's figures of the period
 * (metric_value_organization_idx) now says whether any could cut; when none can, the
 * per-metric look-ups are skipped. The probe counts both statuses, whatever the basis: it
 * only decides whether to look further. Same answers (same signature); the rows stay.
 */
export const phase: MigrationPhase = 'expand';

const OWN_CUTS_PROBE = `
          own_cuts := EXISTS (
            SELECT 1 FROM metric_value v
            WHERE v.organization_id = this_unit AND v.period = changed_period
              AND v.submission_id IS NOT NULL AND v.scope = 'SUBTREE' AND v.aggregatable
              AND v.submission_status IN ('APPROVED', 'SUBMITTED'));`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(rowIdStoreFunction(carried('own_cuts AND '), '\n    own_cuts boolean;', OWN_CUTS_PROBE))
    .execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await carriedByRowId.up(db);
}
