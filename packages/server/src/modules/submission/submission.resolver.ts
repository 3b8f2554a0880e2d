import {
  Arg,
  Authorized,
  Args,
  Ctx,
  FieldResolver,
  ID,
  Int,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  type SubscribeResolverData,
} from 'type-graphql';
import { filter } from '@graphql-yoga/subscription';
import type { Requirement } from '../../auth/auth-checker.js';
import type { Context } from '../../context.js';
import type { SubmissionRow } from '../../db/tables.js';
import { fromGlobalIdOf } from '../../graph/global-id.js';
import { isInSubtree } from '../../db/path.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { unitActivities } from '../activity/activity.connection.js';
import { LOADED_ORDER } from '../activity/activity.repository.js';
import { Activity, ActivityConnection } from '../activity/activity.type.js';
import { MetricDefinition, MetricValue, MetricValueConnection } from '../metric/metric.type.js';
import { requireByReference } from '../organization/organization.reference.js';
import { Organization } from '../organization/organization.type.js';
import { dueDate, lateDays } from './due-date.js';
import { SubmissionEvents, type SubmissionStatusEvent } from './submission.events.js';
import {
  CreateSubmissionInput,
  ReturnSubmissionInput,
  SaveSubmissionValuesInput,
  SubmissionTransitionInput,
} from './submission.input.js';
import { canSeeSubmission, findTemplate, requireTemplate } from './submission.access.js';
import { findAllTemplates } from './reporting-template.repository.js';
import { historyOrder, submissionValueOrder } from './submission.repository.js';
import { createSubmission } from './submission.create.js';
import { saveSubmissionValues } from './submission.save.js';
import {
  CreateSubmissionPayload,
  InputNormalization,
  InputProblem,
  SaveSubmissionValuesPayload,
  SubmissionValueChange,
} from './submission.payload.js';
import { transitionSubmission } from './submission.transition.js';
import {
  ReportingTemplate,
  Submission,
  SubmissionHistoryConnection,
  SubmissionHistoryEntry,
  SubmissionStatusChange,
} from './submission.type.js';

/**
 * A submission a write returned, scoped to its unit for its guarded fields: one batched read,
 * which the `organization` field then shares.
 */
async function written(loaders: Context['loaders'], row: SubmissionRow): Promise<Submission> {
  const organization = await loaders.organization.byId.load(row.organization_id);
  return new Submission(row, organization!);
}

@Resolver(() => Submission)
export class SubmissionResolver {
  @Query(() => Submission, {
    nullable: true,
    description:
      'One submission by id; null when it does not exist or is a draft or returned report you may not read.',
  })
  async submission(
    @Ctx() { loaders, viewer }: Context,
    @Arg('id', () => ID) id: string,
  ): Promise<Submission | null> {
    const row = await loaders.submission.byId.load(fromGlobalIdOf('Submission', id));
    return row && canSeeSubmission(viewer, row) ? new Submission(row) : null;
  }

  @Authorized<Requirement>('STAFF')
  @Mutation(() => CreateSubmissionPayload, {
    description:
      'Opens a DRAFT report for a unit, template and period. One transaction; idempotent with idempotencyKey.',
  })
  async createSubmission(
    @Ctx() { db, loaders, viewer }: Context,
    @Arg('input', () => CreateSubmissionInput) input: CreateSubmissionInput,
  ): Promise<CreateSubmissionPayload> {
    const [template, organization] = await Promise.all([
      requireTemplate(loaders, input.template, 'input.template'),
      requireByReference(loaders.organization, input.organization, 'input.organization'),
    ]);
    const result = await createSubmission(db, viewer, {
      template,
      organization,
      period: input.period,
      narrative: input.narrative,
      idempotencyKey: input.idempotencyKey,
    });
    return {
      submission: new Submission(result.submission, organization),
      replayed: result.replayed,
    };
  }

  @Authorized<Requirement>('STAFF')
  @Mutation(() => SaveSubmissionValuesPayload, {
    description:
      'Adds, replaces and removes many figures of a DRAFT or RETURNED report at once (a returned one becomes a draft again). All checked first, all written or nothing; dryRun reports changes and problems without writing. LOCKED when approved.',
  })
  async saveSubmissionValues(
    @Ctx() { db, loaders, viewer }: Context,
    @Arg('input', () => SaveSubmissionValuesInput) input: SaveSubmissionValuesInput,
  ): Promise<SaveSubmissionValuesPayload> {
    const result = await saveSubmissionValues(db, viewer, {
      submissionId: fromGlobalIdOf('Submission', input.id, 'input.id'),
      expectedVersion: input.expectedVersion,
      values: input.values,
      remove: input.remove,
      narrative: input.narrative,
      idempotencyKey: input.idempotencyKey,
      dryRun: input.dryRun,
    });
    return {
      submission: await written(loaders, result.submission),
      changes: result.changes.map((change) => new SubmissionValueChange(change)),
      narrativeChanged: result.narrativeChanged,
      problems: result.problems.map(InputProblem.of),
      normalized: result.normalized.map(InputNormalization.of),
      dryRun: result.dryRun,
      replayed: result.replayed,
    };
  }

  @Authorized<Requirement>('STAFF')
  @Mutation(() => Submission, { description: 'DRAFT → SUBMITTED.' })
  async submitSubmission(
    @Ctx() { db, loaders, viewer }: Context,
    @Arg('input', () => SubmissionTransitionInput) input: SubmissionTransitionInput,
  ): Promise<Submission> {
    return written(loaders, await transitionSubmission(db, viewer, 'submit', transition(input)));
  }

  @Authorized<Requirement>('STAFF')
  @Mutation(() => Submission, { description: 'SUBMITTED → RETURNED, with the reviewer’s comment.' })
  async returnSubmission(
    @Ctx() { db, loaders, viewer }: Context,
    @Arg('input', () => ReturnSubmissionInput) input: ReturnSubmissionInput,
  ): Promise<Submission> {
    return written(
      loaders,
      await transitionSubmission(db, viewer, 'return', {
        ...transition(input),
        comment: input.comment,
      }),
    );
  }

  @Authorized<Requirement>('STAFF')
  @Mutation(() => Submission, {
    description:
      'SUBMITTED → APPROVED; its figures are then locked. CONFLICT (reason PENDING_BELOW) while a report the template expects from a unit below is not approved.',
  })
  async approveSubmission(
    @Ctx() { db, loaders, viewer }: Context,
    @Arg('input', () => SubmissionTransitionInput) input: SubmissionTransitionInput,
  ): Promise<Submission> {
    return written(loaders, await transitionSubmission(db, viewer, 'approve', transition(input)));
  }

  @Authorized<Requirement>('STAFF')
  @Mutation(() => Submission, {
    description:
      'APPROVED → SUBMITTED, unlocking the figures. LOCKED (reason PARENT_APPROVED) while a report above for the same template and period is approved: nothing above is unapproved silently.',
  })
  async unapproveSubmission(
    @Ctx() { db, loaders, viewer }: Context,
    @Arg('input', () => SubmissionTransitionInput) input: SubmissionTransitionInput,
  ): Promise<Submission> {
    return written(loaders, await transitionSubmission(db, viewer, 'unapprove', transition(input)));
  }

  @Subscription(() => SubmissionStatusChange, {
    subscribe: async ({ args, context }: SubscribeResolverData<unknown, WithinArgs, Context>) => {
      const within = args.within
        ? await requireByReference(context.loaders.organization, args.within, 'within')
        : null;
      return filter(
        (event: SubmissionStatusEvent) =>
          (within === null || isInSubtree(event.organizationPath, within.path)) &&
          canSeeSubmission(context.viewer, event),
      )(SubmissionEvents.of(context.db).subscribe());
    },
    description:
      'Every status change of a submission inside a subtree (an organization id or division code; all when absent), live over WebSocket (graphql-ws, same port, path /graphql). Drafts and returns only reach viewers who may read them.',
  })
  submissionStatusChanged(
    @Root() event: SubmissionStatusEvent,
    @Arg('within', () => String, { nullable: true }) _within?: string | null,
  ): SubmissionStatusChange {
    return new SubmissionStatusChange(event);
  }

  @FieldResolver(() => Organization, { description: 'The submitting unit.' })
  async organization(
    @Root() submission: Submission,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(
      await loaders.organization.required.load(submission.row.organization_id),
    );
  }

  @FieldResolver(() => ReportingTemplate)
  async template(
    @Root() submission: Submission,
    @Ctx() { loaders }: Context,
  ): Promise<ReportingTemplate> {
    return new ReportingTemplate(
      await loaders.submission.requiredTemplate.load(submission.row.template_id),
    );
  }

  @FieldResolver(() => String, { description: 'The last day to submit on time, YYYY-MM-DD.' })
  async dueDate(@Root() submission: Submission, @Ctx() { loaders }: Context): Promise<string> {
    const template = await loaders.submission.templateById.load(submission.row.template_id);
    return dueDate(submission.row.period_end, template!.due_days);
  }

  @FieldResolver(() => Int, {
    description:
      'Days past the due date: of the last submission when submitted, else up to today (China time); 0 when on time.',
  })
  async daysLate(@Root() submission: Submission, @Ctx() { loaders }: Context): Promise<number> {
    const template = await loaders.submission.templateById.load(submission.row.template_id);
    const due = dueDate(submission.row.period_end, template!.due_days);
    const submitted = submission.row.status === 'DRAFT' ? null : submission.row.submitted_at;
    return lateDays(due, submitted, new Date());
  }

  @FieldResolver(() => MetricValueConnection, {
    description: 'The report’s figures, by metric code.',
  })
  async values(
    @Root() submission: Submission,
    @Ctx() { loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<ConnectionSource<MetricValue>> {
    const window = pageWindow(page);
    const result = await loaders.submission.valuePages.load({
      id: submission.row.id,
      args: window,
    });
    return new ConnectionSource(
      result.rows.map((row) => new MetricValue(row)),
      (value) => sortKeyOf(submissionValueOrder, value.row),
      result,
      () => loaders.submission.valueCounts.load({ id: submission.row.id, args: null }),
    );
  }

  @FieldResolver(() => ActivityConnection, {
    description:
      'What the unit organized or co-organized during the report’s period: the activities its narrative and figures account for.',
  })
  async activities(
    @Root() submission: Submission,
    @Ctx() { loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<ConnectionSource<Activity>> {
    const { organization_id: id, period_start: start, period_end: end } = submission.row;
    const query = { kind: null, overlaps: { start, end }, theme: null, search: null };
    return unitActivities(loaders, id, query, LOADED_ORDER, pageWindow(page));
  }

  // The history holds every draft's figures and narrative, who did what and the reviewers'
  // comments: it needs both the unit's drafts and its internal data.
  @Authorized<Requirement>('submission.read', 'read.internal')
  @FieldResolver(() => SubmissionHistoryConnection, {
    nullable: true,
    description:
      'Every transition and change, oldest first, from the audit table. Readable by federation staff who may read both the unit’s drafts and its internal data; null, with FORBIDDEN in errors, for everyone else, API keys and anonymous callers included.',
  })
  async history(
    @Root() submission: Submission,
    @Ctx() { loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<ConnectionSource<SubmissionHistoryEntry>> {
    const window = pageWindow(page);
    const result = await loaders.submission.historyPages.load({
      id: submission.row.id,
      args: window,
    });
    return new ConnectionSource(
      result.rows.map((row) => new SubmissionHistoryEntry(row)),
      (entry) => sortKeyOf(historyOrder, entry.row),
      result,
      () => loaders.submission.historyCounts.load({ id: submission.row.id, args: null }),
    );
  }
}

interface WithinArgs {
  within?: string | null;
}

function transition(input: SubmissionTransitionInput) {
  return {
    submissionId: fromGlobalIdOf('Submission', input.id, 'input.id'),
    expectedVersion: input.expectedVersion,
  };
}

@Resolver(() => ReportingTemplate)
export class ReportingTemplateResolver {
  @Query(() => ReportingTemplate, {
    nullable: true,
    description: 'One reporting template by code (annual-summary) or id.',
  })
  async reportingTemplate(
    @Ctx() { loaders }: Context,
    @Arg('code', () => String) code: string,
  ): Promise<ReportingTemplate | null> {
    const row = await findTemplate(loaders, code);
    return row ? new ReportingTemplate(row) : null;
  }

  @Query(() => [ReportingTemplate], { description: 'Every reporting template, by code.' })
  async reportingTemplates(@Ctx() { db, loaders }: Context): Promise<ReportingTemplate[]> {
    const rows = await findAllTemplates(db);
    for (const row of rows) loaders.submission.templateById.prime(row.id, row);
    return rows.map((row) => new ReportingTemplate(row));
  }

  @FieldResolver(() => [MetricDefinition], { description: 'The metrics a report holds, in order.' })
  async metrics(
    @Root() template: ReportingTemplate,
    @Ctx() { loaders }: Context,
  ): Promise<MetricDefinition[]> {
    const rows = await loaders.submission.templateMetrics.load(template.row.id);
    return rows.map((row) => new MetricDefinition(row));
  }
}
