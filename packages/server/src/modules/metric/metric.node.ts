import { nodeFetcher } from '../../graph/node.resolver.js';
import { MetricValue } from './metric.type.js';

export const metricValueNode = nodeFetcher(MetricValue, async ({ loaders }, rowId) => {
  const row = await loaders.metric.valueById.load(rowId);
  return row ? new MetricValue(row) : null;
});
