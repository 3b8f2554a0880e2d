import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema, type PubSub } from 'type-graphql';
import { authChecker } from './auth/auth-checker.js';
import { withErrorReasons } from './graph/error-reasons.js';
import { withDirectResolvers } from './graph/direct-resolvers.js';
import { assertEveryNodeFetched, nodeResolver } from './graph/node.resolver.js';
import { buildSubgraph, printSubgraph } from './graph/subgraph.js';
import { meterResolvedFields } from './limits/actual-cost.js';
import { activityNode } from './modules/activity/activity.node.js';
import { ActivityResolver } from './modules/activity/activity.resolver.js';
import {
  AggregationResolver,
  CompletenessResolver,
  CompletenessUnitResolver,
  ContributionResolver,
  RankingEntryResolver,
  CoverageResolver,
  RollupRowResolver,
} from './modules/aggregation/aggregation.resolver.js';
import { documentNode } from './modules/document/document.node.js';
import { DocumentResolver, SourceResolver } from './modules/document/document.resolver.js';
import { honorNode } from './modules/honor/honor.node.js';
import { HonorResolver } from './modules/honor/honor.resolver.js';
import { LiaisonAssignmentResolver } from './modules/liaison/liaison.resolver.js';
import { metricDefinitionEntity } from './modules/metric/metric.entity.js';
import { metricValueNode } from './modules/metric/metric.node.js';
import { MetricDefinitionResolver, MetricValueResolver } from './modules/metric/metric.resolver.js';
import { OrganizationContentResolver } from './modules/organization/organization-content.resolver.js';
import { organizationEntity } from './modules/organization/organization.entity.js';
import { organizationNode } from './modules/organization/organization.node.js';
import { OrganizationResolver } from './modules/organization/organization.resolver.js';
import { programmeNode } from './modules/programme/programme.node.js';
import { ProgrammeResolver } from './modules/programme/programme.resolver.js';
import { reportingTemplateNode, submissionNode } from './modules/submission/submission.node.js';
import {
  ReportingTemplateResolver,
  SubmissionResolver,
} from './modules/submission/submission.resolver.js';
import { ViewerResolver } from './modules/viewer/viewer.resolver.js';
import { workPlanNode } from './modules/work-plan/work-plan.node.js';
import { SpreadsheetResolver } from './spreadsheet/spreadsheet.resolver.js';
import {
  WorkPlanItemResolver,
  WorkPlanResolver,
  WorkPlanSectionResolver,
  WorkPlanTargetResolver,
} from './modules/work-plan/work-plan.resolver.js';

// Each module says how its Node types are fetched; `node` knows no module itself.
const nodeFetchers = [
  organizationNode,
  activityNode,
  metricValueNode,
  documentNode,
  programmeNode,
  honorNode,
  workPlanNode,
  submissionNode,
  reportingTemplateNode,
];

// The types other subgraphs of a supergraph may extend (docs/deploy.md, "Federation").
const entities = [organizationEntity, metricDefinitionEntity];

let built: Promise<GraphQLSchema> | undefined;
let subgraph: Promise<GraphQLSchema> | undefined;

// type-graphql asks for a PubSub whenever the schema has subscriptions, even when each brings
// its own `subscribe`, as ours does (it reads SubmissionEvents, one per database): never used.
const UNUSED_PUBSUB: PubSub = {
  publish: () => {
    throw new Error('Publish through SubmissionEvents');
  },
  subscribe: () => {
    throw new Error('Subscribe through SubmissionEvents');
  },
};

// The resolver classes the schema is built from.
const resolvers = [
  nodeResolver(nodeFetchers),
  ViewerResolver,
  OrganizationResolver,
  OrganizationContentResolver,
  MetricDefinitionResolver,
  MetricValueResolver,
  DocumentResolver,
  SourceResolver,
  ActivityResolver,
  ProgrammeResolver,
  HonorResolver,
  WorkPlanResolver,
  WorkPlanSectionResolver,
  WorkPlanItemResolver,
  WorkPlanTargetResolver,
  LiaisonAssignmentResolver,
  ReportingTemplateResolver,
  SubmissionResolver,
  AggregationResolver,
  SpreadsheetResolver,
  RollupRowResolver,
  ContributionResolver,
  RankingEntryResolver,
  CoverageResolver,
  CompletenessResolver,
  CompletenessUnitResolver,
] as const;

/** The executable schema, built once per process from the resolver classes. */
export function createSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    validate: false,
    pubSub: UNUSED_PUBSUB,
    authChecker,
  }).then((schema) => {
    assertEveryNodeFetched(schema, nodeFetchers);
    return meterResolvedFields(withErrorReasons(withDirectResolvers(schema, resolvers)));
  });
  return built;
}

/** The SDL committed as schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printContract(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
}

/** The schema served as an Apollo Federation 2 subgraph: `_service`, `_entities` and `@key`s. */
export function createSubgraphSchema(): Promise<GraphQLSchema> {
  subgraph ??= createSchema().then((schema) =>
    buildSubgraph(lexicographicSortSchema(schema), entities),
  );
  return subgraph;
}

/** The subgraph SDL committed as schema/subgraph.graphql, as routers compose it. */
export async function printSubgraphContract(): Promise<string> {
  return printSubgraph(await createSubgraphSchema());
}
