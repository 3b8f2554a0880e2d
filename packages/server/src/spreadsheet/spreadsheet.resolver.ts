import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { authorize } from '../auth/permissions.js';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { requireMetric } from '../modules/metric/metric.reference.js';
import { requireByReference } from '../modules/organization/organization.reference.js';
import { requireTemplate } from '../modules/submission/submission.access.js';
import { DOWNLOAD_PATH, signDownload, type DownloadRequest } from './download-token.js';
import { SpreadsheetDownload, SpreadsheetDownloadInput } from './spreadsheet.type.js';
import { missingArgs } from './table.queries.js';

@Resolver()
export class SpreadsheetResolver {
  @Mutation(() => SpreadsheetDownload, {
    description:
      'A link (valid five minutes) to a reporting template to fill in or a table as XLSX or CSV. Fill a template and upload it to POST /spreadsheets/import (docs/reporting.md).',
  })
  async spreadsheetDownload(
    @Ctx() { loaders, viewer }: Context,
    @Arg('input', () => SpreadsheetDownloadInput) input: SpreadsheetDownloadInput,
  ): Promise<SpreadsheetDownload> {
    const request = downloadRequest(input);
    // The references are checked now as well as at download, so a mistake is answered here
    // (NOT_FOUND naming the input field) rather than by a link that fails; and a caller who may
    // not read the unit's drafts gets FORBIDDEN here.
    if (request.kind === 'TEMPLATE') {
      const [unit] = await Promise.all([
        requireByReference(loaders.organization, request.unit, 'input.unit'),
        requireTemplate(loaders, request.template, 'input.template'),
      ]);
      authorize(viewer, 'submission.read', unit);
    } else {
      const { metric, template, within, organization } = request.args;
      await Promise.all([
        metric != null && requireMetric(loaders, metric, 'input.metric'),
        template != null && requireTemplate(loaders, template, 'input.template'),
        within && requireByReference(loaders.organization, within, 'input.within'),
        organization &&
          requireByReference(loaders.organization, organization, 'input.organization'),
      ]);
    }
    const { token, expiresAt } = signDownload(viewer, request);
    return { url: `${DOWNLOAD_PATH}${token}`, expiresAt };
  }
}

function downloadRequest(input: SpreadsheetDownloadInput): DownloadRequest {
  if (input.kind === 'TEMPLATE') {
    if (input.format === 'CSV') throw badInput('Templates are XLSX only', 'input.format');
    const { template, period, unit } = input;
    if (!template || !period || !unit) {
      throw badInput('A template download needs template, period and unit', 'input');
    }
    return { kind: 'TEMPLATE', template, period, unit, allBelow: input.allBelow ?? false };
  }
  const args = {
    metric: input.metric,
    template: input.template,
    period: input.period,
    within: input.within,
    level: input.level,
    organization: input.organization,
    from: input.from,
    to: input.to,
    includeSubmitted: input.includeSubmitted,
  };
  const missing = missingArgs(input.kind, args);
  if (missing.length > 0) {
    throw badInput(
      `A ${input.kind.toLowerCase()} table needs ${missing.join(', ')}`,
      `input.${missing[0]}`,
    );
  }
  return { kind: input.kind, format: input.format ?? 'XLSX', args };
}
