import type { Kysely } from 'kysely';
import type { Database } from './db/tables.js';
import { BatchGate } from './graph/batch-gate.js';
import { createActivityLoaders } from './modules/activity/activity.loaders.js';
import { createAggregationLoaders } from './modules/aggregation/aggregation.loaders.js';
import { createDocumentLoaders } from './modules/document/document.loaders.js';
import { createHonorLoaders } from './modules/honor/honor.loaders.js';
import { createLiaisonLoaders } from './modules/liaison/liaison.loaders.js';
import { createMetricLoaders } from './modules/metric/metric.loaders.js';
import { createOrganizationLoaders } from './modules/organization/organization.loaders.js';
import { createProgrammeLoaders } from './modules/programme/programme.loaders.js';
import { createSubmissionLoaders } from './modules/submission/submission.loaders.js';
import { createWorkPlanLoaders } from './modules/work-plan/work-plan.loaders.js';

/** Every DataLoader of one request, built fresh per request so no cache outlives it. */
export function createLoaders(db: Kysely<Database>) {
  const gate = new BatchGate();
  return {
    organization: createOrganizationLoaders(db, gate),
    metric: createMetricLoaders(db, gate),
    document: createDocumentLoaders(db),
    activity: createActivityLoaders(db),
    programme: createProgrammeLoaders(db),
    honor: createHonorLoaders(db),
    workPlan: createWorkPlanLoaders(db),
    liaison: createLiaisonLoaders(db),
    submission: createSubmissionLoaders(db),
    aggregation: createAggregationLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
