import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { Activity } from '../modules/activity/activity.type.js';
import { Document } from '../modules/document/document.type.js';
import { Honor } from '../modules/honor/honor.type.js';
import { MetricValue } from '../modules/metric/metric.type.js';
import { Organization } from '../modules/organization/organization.type.js';
import { Programme } from '../modules/programme/programme.type.js';
import { canSeeSubmission } from '../modules/submission/submission.resolver.js';
import { ReportingTemplate, Submission } from '../modules/submission/submission.type.js';
import { WorkPlan } from '../modules/work-plan/work-plan.type.js';
import { fromGlobalId } from './global-id.js';
import { Node } from './node.type.js';

/** How to fetch each node type by the key inside its global id. */
const fetchers: Record<string, (context: Context, key: number) => Promise<Node | null>> = {
  Organization: async ({ loaders }, key) => {
    const row = await loaders.organization.byId.load(key);
    return row ? new Organization(row) : null;
  },
  Activity: async ({ loaders }, key) => {
    const row = await loaders.activity.byId.load(key);
    return row ? new Activity(row) : null;
  },
  MetricValue: async ({ loaders }, key) => {
    const row = await loaders.metric.valueById.load(key);
    return row ? new MetricValue(row) : null;
  },
  Document: async ({ loaders }, key) => {
    const row = await loaders.document.byId.load(key);
    return row ? new Document(row) : null;
  },
  Programme: async ({ loaders }, key) => {
    const row = await loaders.programme.byId.load(key);
    return row ? new Programme(row) : null;
  },
  Honor: async ({ loaders }, key) => {
    const row = await loaders.honor.byId.load(key);
    return row ? new Honor(row) : null;
  },
  WorkPlan: async ({ loaders }, key) => {
    const row = await loaders.workPlan.byId.load(key);
    return row ? new WorkPlan(row) : null;
  },
  Submission: async ({ loaders, viewer }, key) => {
    const row = await loaders.submission.byId.load(key);
    return row && canSeeSubmission(viewer, row) ? new Submission(row) : null;
  },
  ReportingTemplate: async ({ loaders }, key) => {
    const row = await loaders.submission.templateById.load(key);
    return row ? new ReportingTemplate(row) : null;
  },
};

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any object by its global id; null when it does not exist.',
  })
  async node(@Ctx() context: Context, @Arg('id', () => ID) id: string): Promise<Node | null> {
    const { type, key } = fromGlobalId(id);
    const fetch = fetchers[type];
    const numericKey = Number(key);
    if (!fetch || !Number.isSafeInteger(numericKey)) return null;
    return fetch(context, numericKey);
  }
}
