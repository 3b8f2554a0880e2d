import { entityResolver } from '../../graph/subgraph.js';
import { MetricDefinition } from './metric.type.js';

/** A metric definition as other subgraphs extend it, by code, looked up as `metric` does. */
export const metricDefinitionEntity = entityResolver(
  MetricDefinition,
  ['code'],
  async ({ loaders }, { value }) => {
    const row = await loaders.metric.definitionByCode.load(value);
    return row ? new MetricDefinition(row) : null;
  },
);
