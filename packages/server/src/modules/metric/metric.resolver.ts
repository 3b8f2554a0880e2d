import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { boundedList } from '../../graph/complexity.js';
import { Activity } from '../activity/activity.type.js';
import { Organization } from '../organization/organization.type.js';
import { findAllDefinitions } from './metric.repository.js';
import { MetricDefinition, MetricValue } from './metric.type.js';

@Resolver(() => MetricDefinition)
export class MetricDefinitionResolver {
  @Query(() => [MetricDefinition], {
    description: 'The metric catalogue, by code.',
    complexity: boundedList(200),
  })
  async metrics(@Ctx() { db, loaders }: Context): Promise<MetricDefinition[]> {
    const rows = await findAllDefinitions(db);
    for (const row of rows) loaders.metric.definitionByCode.prime(row.code, row);
    return rows.map((row) => new MetricDefinition(row));
  }

  @Query(() => MetricDefinition, { nullable: true, description: 'One metric by its code.' })
  async metric(
    @Ctx() { loaders }: Context,
    @Arg('code', () => String) code: string,
  ): Promise<MetricDefinition | null> {
    const row = await loaders.metric.definitionByCode.load(code);
    return row ? new MetricDefinition(row) : null;
  }

  @FieldResolver(() => MetricDefinition, {
    nullable: true,
    description: 'For a RATIO metric, the metric summed over the subtree above the line.',
  })
  numerator(
    @Root() definition: MetricDefinition,
    @Ctx() { loaders }: Context,
  ): Promise<MetricDefinition | null> {
    return related(loaders, definition.row.numerator_code);
  }

  @FieldResolver(() => MetricDefinition, {
    nullable: true,
    description: 'For a RATIO metric, the metric summed over the subtree below the line.',
  })
  denominator(
    @Root() definition: MetricDefinition,
    @Ctx() { loaders }: Context,
  ): Promise<MetricDefinition | null> {
    return related(loaders, definition.row.denominator_code);
  }
}

@Resolver(() => MetricValue)
export class MetricValueResolver {
  @FieldResolver(() => Organization, { description: 'The unit the figure is about.' })
  async organization(
    @Root() value: MetricValue,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(value.row.organization_id));
  }

  @FieldResolver(() => MetricDefinition)
  async metric(@Root() value: MetricValue, @Ctx() { loaders }: Context): Promise<MetricDefinition> {
    return new MetricDefinition(
      await loaders.metric.requiredDefinition.load(value.row.metric_code),
    );
  }

  @FieldResolver(() => Activity, {
    nullable: true,
    description: 'The activity that produced the figure, if any.',
  })
  async activity(
    @Root() value: MetricValue,
    @Ctx() { loaders }: Context,
  ): Promise<Activity | null> {
    if (value.row.activity_id === null) return null;
    const row = await loaders.activity.byId.load(value.row.activity_id);
    return row ? new Activity(row) : null;
  }
}

async function related(
  loaders: Context['loaders'],
  code: string | null,
): Promise<MetricDefinition | null> {
  if (code === null) return null;
  const row = await loaders.metric.definitionByCode.load(code);
  return row ? new MetricDefinition(row) : null;
}
