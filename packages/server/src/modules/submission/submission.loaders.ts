import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type {
  Database,
  MetricDefinitionRow,
  ReportingTemplateRow,
  SubmissionAuditRow,
} from '../../db/tables.js';
import { groupedLoader } from '../../graph/grouped-loader.js';
import { emptyPage, type Page, type PageWindow } from '../../graph/pagination.js';
import { byIdLoader, byParentLoader, requiredLoader } from '../../graph/row-loaders.js';
import type { FigureRow } from '../metric/metric.repository.js';
import {
  findTemplateDefinitions,
  findTemplatesByCodes,
  findTemplatesByIds,
} from './reporting-template.repository.js';
import {
  findSubmissionsByIds,
  submissionHistory,
  submissionValues,
} from './submission.repository.js';

export function createSubmissionLoaders(db: Kysely<Database>) {
  const byId = byIdLoader((ids) => findSubmissionsByIds(db, ids));

  const templateById = byIdLoader((ids) => findTemplatesByIds(db, ids));

  const templateByCode = new DataLoader<string, ReportingTemplateRow | null>(async (codes) => {
    const rows = await findTemplatesByCodes(db, codes);
    for (const row of rows) templateById.prime(row.id, row);
    const found = new Map(rows.map((row) => [row.code, row]));
    return codes.map((code) => found.get(code) ?? null);
  });

  const templateMetrics = byParentLoader<MetricDefinitionRow & { template_id: number }>(
    (ids) => findTemplateDefinitions(db, ids),
    (row) => row.template_id,
  );

  const historyPages = groupedLoader<PageWindow, Page<SubmissionAuditRow>>(
    (ids, window) => submissionHistory.pages(db, ids, window),
    emptyPage,
  );

  const historyCounts = groupedLoader<null, number>(
    (ids) => submissionHistory.counts(db, ids),
    () => 0,
  );

  const valuePages = groupedLoader<PageWindow, Page<FigureRow>>(
    (ids, window) => submissionValues.pages(db, ids, window),
    emptyPage,
  );

  const valueCounts = groupedLoader<null, number>(
    (ids) => submissionValues.counts(db, ids),
    () => 0,
  );

  return {
    byId,
    templateById,
    requiredTemplate: requiredLoader('reporting_template', templateById),
    templateByCode,
    templateMetrics,
    historyPages,
    historyCounts,
    valuePages,
    valueCounts,
  };
}
