import type { Kysely } from 'kysely';
import type { Database } from './db/tables.js';
import { BatchGate } from './graph/batch-gate.js';
import { createActivityLoaders } from './modules/activity/activity.loaders.js';
import { createAggregationLoaders } from './modules/aggregation/aggregation.loaders.js';
import { createDocumentLoaders } from './modules/document/document.loaders.js';
import { createHonorLoaders } from './modules/honor/honor.loaders.js';
import { createLiaisonLoaders } from './modules/liaison/liaison.loaders.js';
import { createMetricLoaders } from './modules/metric/metric.loaders.js';
import { OrganizationLoaders } from './modules/organization/organization.loaders.js';
import { createProgrammeLoaders } from './modules/programme/programme.loaders.js';
import { createSubmissionLoaders } from './modules/submission/submission.loaders.js';
import { createWorkPlanLoaders } from './modules/work-plan/work-plan.loaders.js';

/**
 * Every DataLoader of one request, built fresh per request so no cache outlives it. A module's
 * loaders are built when the request first reads them: a request reads one or two modules of
 * ten, and building the thirty loaders of all of them was a fixed cost of every request
 * (docs/performance.md, issue 14).
 */
export class Loaders {
  readonly #db: Kysely<Database>;
  /** Lists of units hold the figures' batch while they are in flight (BatchGate). */
  readonly #gate = new BatchGate();
  #organization?: OrganizationLoaders;
  #metric?: ReturnType<typeof createMetricLoaders>;
  #document?: ReturnType<typeof createDocumentLoaders>;
  #activity?: ReturnType<typeof createActivityLoaders>;
  #programme?: ReturnType<typeof createProgrammeLoaders>;
  #honor?: ReturnType<typeof createHonorLoaders>;
  #workPlan?: ReturnType<typeof createWorkPlanLoaders>;
  #liaison?: ReturnType<typeof createLiaisonLoaders>;
  #submission?: ReturnType<typeof createSubmissionLoaders>;
  #aggregation?: ReturnType<typeof createAggregationLoaders>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  get organization() {
    return (this.#organization ??= new OrganizationLoaders(this.#db, this.#gate));
  }
  get metric() {
    return (this.#metric ??= createMetricLoaders(this.#db, this.#gate));
  }
  get document() {
    return (this.#document ??= createDocumentLoaders(this.#db));
  }
  get activity() {
    return (this.#activity ??= createActivityLoaders(this.#db));
  }
  get programme() {
    return (this.#programme ??= createProgrammeLoaders(this.#db));
  }
  get honor() {
    return (this.#honor ??= createHonorLoaders(this.#db));
  }
  get workPlan() {
    return (this.#workPlan ??= createWorkPlanLoaders(this.#db));
  }
  get liaison() {
    return (this.#liaison ??= createLiaisonLoaders(this.#db));
  }
  get submission() {
    return (this.#submission ??= createSubmissionLoaders(this.#db));
  }
  get aggregation() {
    return (this.#aggregation ??= createAggregationLoaders(this.#db));
  }
}

export function createLoaders(db: Kysely<Database>): Loaders {
  return new Loaders(db);
}
