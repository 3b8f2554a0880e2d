import { nodeFetcher } from '../../graph/node.resolver.js';
import { Activity } from './activity.type.js';

export const activityNode = nodeFetcher(Activity, async ({ loaders }, rowId) => {
  const row = await loaders.activity.byId.load(rowId);
  return row ? new Activity(row) : null;
});
