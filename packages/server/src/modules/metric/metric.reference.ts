import type { Context } from '../../context.js';
import { UserError } from '../../errors.js';
import type { ReportedMetric } from './metric.repository.js';

/**
 * The metric an argument names, which the answer depends on: NOT_FOUND naming `field` when the
 * catalogue has no such code (the rule in docs/architecture.md, "One mistake, one answer").
 */
export async function requireMetric(
  loaders: Context['loaders'],
  code: string,
  field = 'metric',
): Promise<ReportedMetric> {
  const definition = await loaders.metric.definitionByCode.load(code);
  if (!definition) throw noSuchMetric(code, field);
  return definition;
}

/** The error `requireMetric` throws, for a caller that learnt of the missing code otherwise. */
export function noSuchMetric(code: string, field = 'metric'): UserError {
  return new UserError('NOT_FOUND', `No metric "${code}"`, { field });
}
