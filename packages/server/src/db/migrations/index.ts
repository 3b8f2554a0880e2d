import * as organization from './0001-organization.js';
import * as metric from './0002-metric.js';
import * as submission from './0003-submission.js';
import * as access from './0004-access.js';
import * as rollupReads from './0005-rollup-reads.js';
import * as decimalLimits from './0006-decimal-limits.js';
import * as metricTotal from './0007-metric-total.js';
import * as organizationPinyin from './0008-organization-pinyin.js';
import * as metricTotalReads from './0009-metric-total-reads.js';
import * as organizationValidity from './0010-organization-validity.js';
import * as metricTotalStore from './0011-metric-total-store.js';
import * as metricTotalBases from './0012-metric-total-bases.js';
import * as metricCoverage from './0013-metric-coverage.js';
import * as metricCoverageDelta from './0014-metric-coverage-delta.js';
import * as keptStepPlans from './0015-kept-step-plans.js';
import * as metricRollupStore from './0016-metric-rollup-store.js';
import * as childRowsByMetric from './0017-child-rows-by-metric.js';
import * as metricTotalCarry from './0018-metric-total-carry.js';
import * as carriedByRowId from './0019-carried-by-row-id.js';
import * as rebuildStepByUnit from './0020-rebuild-step-by-unit.js';
import * as keptRowsWithoutForeignKeys from './0021-kept-rows-without-foreign-keys.js';
import * as carryWithoutOwnCuts from './0022-carry-without-own-cuts.js';
import * as carryInOneStatement from './0023-carry-in-one-statement.js';
import * as setsHeldBelow from './0024-sets-held-below.js';
import type { PhasedMigration } from './phase.js';

/**
 * Every migration, in order. A static list (rather than reading the folder) works the same
 * from TypeScript sources and from the compiled output. Each says whether it expands or
 * contracts the schema (phase.ts).
 */
export const migrations: Record<string, PhasedMigration> = {
  '0001-organization': organization,
  '0002-metric': metric,
  '0003-submission': submission,
  '0004-access': access,
  '0005-rollup-reads': rollupReads,
  '0006-decimal-limits': decimalLimits,
  '0007-metric-total': metricTotal,
  '0008-organization-pinyin': organizationPinyin,
  '0009-metric-total-reads': metricTotalReads,
  '0010-organization-validity': organizationValidity,
  '0011-metric-total-store': metricTotalStore,
  '0012-metric-total-bases': metricTotalBases,
  '0013-metric-coverage': metricCoverage,
  '0014-metric-coverage-delta': metricCoverageDelta,
  '0015-kept-step-plans': keptStepPlans,
  '0016-metric-rollup-store': metricRollupStore,
  '0017-child-rows-by-metric': childRowsByMetric,
  '0018-metric-total-carry': metricTotalCarry,
  '0019-carried-by-row-id': carriedByRowId,
  '0020-rebuild-step-by-unit': rebuildStepByUnit,
  '0021-kept-rows-without-foreign-keys': keptRowsWithoutForeignKeys,
  '0022-carry-without-own-cuts': carryWithoutOwnCuts,
  '0023-carry-in-one-statement': carryInOneStatement,
  '0024-sets-held-below': setsHeldBelow,
};
