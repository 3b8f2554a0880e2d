import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { boundedList } from '../../graph/complexity.js';
import { MetricDefinition } from '../metric/metric.type.js';
import { Organization } from '../organization/organization.type.js';
import { WorkPlan, WorkPlanItem, WorkPlanSection, WorkPlanTarget } from './work-plan.type.js';

@Resolver(() => WorkPlan)
export class WorkPlanResolver {
  @FieldResolver(() => Organization)
  async organization(@Root() plan: WorkPlan, @Ctx() { loaders }: Context): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(plan.row.organization_id));
  }

  @FieldResolver(() => [WorkPlanSection], { complexity: boundedList(10) })
  async sections(@Root() plan: WorkPlan, @Ctx() { loaders }: Context): Promise<WorkPlanSection[]> {
    const rows = await loaders.workPlan.sections.load(plan.row.id);
    return rows.map((row) => new WorkPlanSection(row));
  }
}

@Resolver(() => WorkPlanSection)
export class WorkPlanSectionResolver {
  @FieldResolver(() => [WorkPlanItem], { complexity: boundedList(10) })
  async items(
    @Root() section: WorkPlanSection,
    @Ctx() { loaders }: Context,
  ): Promise<WorkPlanItem[]> {
    const rows = await loaders.workPlan.items.load(section.row.id);
    return rows.map((row) => new WorkPlanItem(row));
  }
}

@Resolver(() => WorkPlanItem)
export class WorkPlanItemResolver {
  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The department that leads the item, where the plan names one.',
  })
  async leadDepartment(
    @Root() item: WorkPlanItem,
    @Ctx() { loaders }: Context,
  ): Promise<Organization | null> {
    if (item.row.lead_department_id === null) return null;
    const row = await loaders.organization.byId.load(item.row.lead_department_id);
    return row ? new Organization(row) : null;
  }

  @FieldResolver(() => [WorkPlanTarget], { complexity: boundedList(5) })
  async targets(
    @Root() item: WorkPlanItem,
    @Ctx() { loaders }: Context,
  ): Promise<WorkPlanTarget[]> {
    const rows = await loaders.workPlan.targets.load(item.row.id);
    return rows.map((row) => new WorkPlanTarget(row));
  }
}

@Resolver(() => WorkPlanTarget)
export class WorkPlanTargetResolver {
  @FieldResolver(() => MetricDefinition, {
    nullable: true,
    description: 'The metric the target is counted in, when the catalogue has one.',
  })
  async metric(
    @Root() target: WorkPlanTarget,
    @Ctx() { loaders }: Context,
  ): Promise<MetricDefinition | null> {
    if (target.row.metric_code === null) return null;
    const row = await loaders.metric.definitionByCode.load(target.row.metric_code);
    return row ? new MetricDefinition(row) : null;
  }
}
