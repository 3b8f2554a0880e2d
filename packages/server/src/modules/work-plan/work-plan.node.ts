import { nodeFetcher } from '../../graph/node.resolver.js';
import { WorkPlan } from './work-plan.type.js';

export const workPlanNode = nodeFetcher(WorkPlan, async ({ loaders }, rowId) => {
  const row = await loaders.workPlan.byId.load(rowId);
  return row ? new WorkPlan(row) : null;
});
