import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { can } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type {
  Database,
  MetricValueRow,
  OrganizationRow,
  ReportingTemplateRow,
} from '../db/tables.js';
import { UserError, type ErrorReason } from '../errors.js';
import { normalizeDecimal } from '../lib/decimal.js';
import { findByIds } from '../modules/organization/organization.repository.js';
import { parsePeriod } from '../period/period.js';
import { findTemplateDefinitions } from '../modules/submission/reporting-template.repository.js';
import type { Wording } from '../lib/typed-number.js';
import { findReports, findReportValues, type ReportState } from './spreadsheet.repository.js';
import { readMeta, type SheetEntry } from './workbook.format.js';
import { openWorkbook } from './workbook.open.js';
import { readUnitSheet, type CellReading } from './workbook.read.js';

export type CellChange = 'ADDED' | 'CHANGED' | 'REMOVED' | 'UNCHANGED';

export interface CellFinding extends CellReading {
  /** What committing would do to the figure; null when the cell has a problem. */
  change: CellChange | null;
}

/** One unit's sheet: its report now and in the workbook, and what would happen to it. */
export interface SheetPlan {
  sheet: string;
  organization: OrganizationRow;
  report: ReportState | null;
  /** The report's version the workbook was made from (0: it had none). */
  workbookVersion: number;
  cells: CellFinding[];
  /** Why this sheet cannot be committed as it is (stale, not editable, unreadable). */
  problem: (Wording & { code: 'STALE' | 'NOT_EDITABLE' | 'UNREADABLE' }) | null;
  /** Current figures of the unit's report, by metric (scope and qualifier are kept on change). */
  current: Map<string, MetricValueRow>;
}

export interface ImportPlan {
  /** SHA-256 of the uploaded bytes: with the unit, the idempotency key of the commit. */
  fileHash: string;
  template: ReportingTemplateRow;
  period: string;
  sheets: SheetPlan[];
  problemCount: number;
}

export interface ImportRequest {
  /** The template and period the caller means to upload; the workbook must say the same. */
  template: ReportingTemplateRow;
  period: string;
  bytes: Buffer;
}

/**
 * The dry run: reads every cell of every unit's sheet and says, per cell, what was read, what
 * it was normalized to, what would change and what is wrong. Refuses the whole file, writing
 * nothing, only for what makes per-cell findings meaningless: not a workbook, too large, a zip
 * bomb (openWorkbook), not made from a template, another template or period, a unit outside the
 * caller's scope (FORBIDDEN), or an approved report (LOCKED).
 */
export async function planImport(
  db: Kysely<Database>,
  viewer: Viewer,
  request: ImportRequest,
): Promise<ImportPlan> {
  const { template } = request;
  const period = parsePeriod(request.period, 'period').canonical;
  const workbook = await openWorkbook(request.bytes);
  const meta = readMeta(workbook);
  if (!meta) {
    throw mismatch(
      'NOT_A_TEMPLATE',
      '不是从本系统下载的报表模板（缺少隐藏的模板信息表）',
      'not a workbook made from a reporting template (no hidden template sheet)',
    );
  }
  if (meta.templateCode !== template.code) {
    throw mismatch(
      'TEMPLATE_MISMATCH',
      `工作簿属于模板 ${meta.templateCode}，不是 ${template.code}`,
      `the workbook is for template ${meta.templateCode}, not ${template.code}`,
    );
  }
  if (meta.period !== period) {
    throw mismatch(
      'PERIOD_MISMATCH',
      `工作簿属于 ${meta.period} 期，不是 ${period}`,
      `the workbook is for period ${meta.period}, not ${period}`,
    );
  }
  const units = await unitsInScope(db, viewer, meta.sheets);
  const reports = await findReports(
    db,
    template.id,
    units.map((unit) => unit.organization),
    period,
  );
  for (const { entry } of units) {
    if (reports.get(entry.organizationId)?.status === 'APPROVED') {
      throw new UserError('LOCKED', `Sheet "${entry.sheet}": the report is approved and locked`, {
        reason: 'APPROVED',
        sheet: entry.sheet,
        zh: `工作表“${entry.sheet}”的报表已审核锁定，不能修改`,
        en: `the report of sheet "${entry.sheet}" is approved and locked`,
      });
    }
  }

  const definitions = await findTemplateDefinitions(db, [template.id]);
  const figures = await findReportValues(
    db,
    [...reports.values()].map((report) => report.id),
  );
  const sheets: SheetPlan[] = [];
  for (const { entry, organization } of units) {
    const report = reports.get(entry.organizationId) ?? null;
    const current = (report && figures.get(report.id)) || new Map<string, MetricValueRow>();
    const reading = readUnitSheet(workbook, entry, definitions, period);
    const cells = reading.cells.map((cell) => ({ ...cell, change: changeOf(cell, current) }));
    const changed = cells.some((cell) => cell.change && cell.change !== 'UNCHANGED');
    sheets.push({
      sheet: entry.sheet,
      organization,
      report,
      workbookVersion: entry.version,
      cells,
      current,
      problem: reading.problem
        ? { code: 'UNREADABLE', ...reading.problem }
        : changed
          ? sheetProblem(entry.sheet, entry.version, report)
          : null,
    });
  }
  const problemCount = sheets.reduce(
    (count, sheet) =>
      count + (sheet.problem ? 1 : 0) + sheet.cells.filter((cell) => cell.problem).length,
    0,
  );
  return {
    fileHash: createHash('sha256').update(request.bytes).digest('hex'),
    template,
    period,
    sheets,
    problemCount,
  };
}

/** The sheets' units, each one the caller may create and save reports for, or FORBIDDEN. */
async function unitsInScope(
  db: Kysely<Database>,
  viewer: Viewer,
  entries: readonly SheetEntry[],
): Promise<{ entry: SheetEntry; organization: OrganizationRow }[]> {
  const rows = await findByIds(
    db,
    entries.map((entry) => entry.organizationId),
  );
  const byId = new Map(rows.map((row) => [row.id, row]));
  return entries.map((entry) => {
    const organization = byId.get(entry.organizationId);
    if (
      organization &&
      can(viewer, 'submission.save', organization) &&
      can(viewer, 'submission.create', organization)
    ) {
      return { entry, organization };
    }
    throw new UserError(
      viewer.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      `Sheet "${entry.sheet}": not allowed to save ${organization?.name ?? 'this unit'}'s report`,
      {
        reason: 'OUT_OF_SCOPE',
        sheet: entry.sheet,
        zh: `工作表“${entry.sheet}”的单位不在您的权限范围内`,
        en: `the unit of sheet "${entry.sheet}" is outside your scope`,
      },
    );
  });
}

function changeOf(cell: CellReading, current: Map<string, MetricValueRow>): CellChange | null {
  if (cell.problem) return null;
  const before = current.get(cell.metric);
  if (cell.value === null) return before ? 'REMOVED' : 'UNCHANGED';
  if (!before) return 'ADDED';
  return normalizeDecimal(before.value) === cell.value ? 'UNCHANGED' : 'CHANGED';
}

/** A sheet with changes can be committed only onto the report version it was made from. */
function sheetProblem(
  sheet: string,
  workbookVersion: number,
  report: ReportState | null,
): SheetPlan['problem'] {
  const currentVersion = report?.version ?? 0;
  if (currentVersion !== workbookVersion) {
    return {
      code: 'STALE',
      zh: `工作表“${sheet}”下载后报表已被修改（版本 ${workbookVersion} → ${currentVersion}），请重新下载`,
      en: `the report of sheet "${sheet}" changed since the workbook was made (version ${workbookVersion}, now ${currentVersion}): download it again`,
    };
  }
  if (report && report.status !== 'DRAFT' && report.status !== 'RETURNED') {
    return {
      code: 'NOT_EDITABLE',
      zh: `工作表“${sheet}”的报表已报送，退回后才能修改`,
      en: `the report of sheet "${sheet}" is ${report.status.toLowerCase()}: it can be changed once returned`,
    };
  }
  return null;
}

function mismatch(reason: ErrorReason<'BAD_USER_INPUT'>, zh: string, en: string): UserError {
  return new UserError('BAD_USER_INPUT', `The upload is refused: ${en}`, { reason, zh, en });
}
