import type ExcelJS from 'exceljs';
import type { MetricDefinitionRow } from '../db/tables.js';
import { UserError } from '../errors.js';
import {
  multiplyDecimal,
  numberToDecimal,
  readTypedNumber,
  type Normalization,
  type Wording,
} from '../lib/typed-number.js';
import { validateMetricValue } from '../modules/metric/metric.validation.js';
import { HEADERS, type SheetEntry } from './workbook.format.js';

/** What can be wrong with one cell or row, besides what the number reader refuses. */
export const CELL_PROBLEMS = {
  FORMULA_WITHOUT_RESULT: {
    zh: '公式没有保存的计算结果：请在表格软件中重新计算并保存，或直接填写数值',
    en: 'a formula with no saved result: recalculate and save, or type the number',
  },
  CELL_ERROR: { zh: '单元格是错误值（如 #DIV/0!）', en: 'the cell holds an error value' },
  NOT_TEXT_OR_NUMBER: {
    zh: '单元格是日期或逻辑值，不是数字',
    en: 'the cell holds a date or a true/false value, not a number',
  },
  DUPLICATE_ROW: { zh: '该指标出现了不止一行', en: 'this metric has more than one row' },
  ROW_MISSING: {
    zh: '找不到该指标的行（指标代码和名称都不匹配）',
    en: 'no row for this metric (neither its code nor its name was found)',
  },
  UNKNOWN_ROW: {
    zh: '这一行填了数值，但指标代码和名称都不是本模板的',
    en: 'a value in a row whose code and name are not this template’s',
  },
} as const satisfies Record<string, Wording>;

export type ProblemCode =
  | keyof typeof CELL_PROBLEMS
  | 'VALUE_INVALID'
  | 'NOT_A_NUMBER'
  | 'BAD_SEPARATOR'
  | 'BAD_CHINESE_NUMERAL'
  | 'PERCENT_WITH_MULTIPLIER'
  | 'PERCENT_NOT_ALLOWED'
  | 'TOO_LONG'
  | 'NOT_FINITE';

export interface Problem extends Wording {
  code: ProblemCode;
}

/** One metric's cell as read: where, what it said, what it means, what is wrong with it. */
export interface CellReading {
  sheet: string;
  /** The cell reference (D7); null when the metric's row is missing. */
  cell: string | null;
  metric: string;
  metricName: string;
  /** The cell's content as text, as the spreadsheet held it; null when blank. */
  read: string | null;
  /** The exact decimal it stands for; null when blank (not reported) or refused. */
  value: string | null;
  /** The raw text when reading changed it (338万), kept as the figure's wording. */
  wording: string | null;
  applied: Normalization[];
  problem: Problem | null;
}

export interface SheetReading {
  entry: SheetEntry;
  cells: CellReading[];
  /** A sheet-wide problem (the sheet or its header row is gone); its cells are then empty. */
  problem: Wording | null;
}

const HEADER_SEARCH_ROWS = 20;

/**
 * Reads one unit's sheet: finds the header row by its labels, each metric's row by its code
 * (or, if the code cell was cleared, by its Chinese name), and reads the value cell of each
 * with the shared number reader and the metric's own rules. Every cell gets its own finding.
 */
export function readUnitSheet(
  workbook: ExcelJS.Workbook,
  entry: SheetEntry,
  definitions: readonly MetricDefinitionRow[],
  period: string,
): SheetReading {
  const sheet = workbook.getWorksheet(entry.sheet);
  if (!sheet) {
    return {
      entry,
      cells: [],
      problem: {
        zh: `找不到工作表“${entry.sheet}”（不要重命名或删除工作表）`,
        en: `no sheet "${entry.sheet}" (sheets must not be renamed or deleted)`,
      },
    };
  }
  const columns = findHeader(sheet);
  if (!columns) {
    return {
      entry,
      cells: [],
      problem: {
        zh: `工作表“${entry.sheet}”中找不到“${HEADERS.code}”和“${HEADERS.value}”表头`,
        en: `sheet "${entry.sheet}" has no header row with ${HEADERS.code} and ${HEADERS.value}`,
      },
    };
  }
  const byCode = new Map(definitions.map((definition) => [definition.code, definition]));
  const byName = new Map(definitions.map((definition) => [definition.name_zh, definition]));
  const found = new Map<string, CellReading>();
  const cells: CellReading[] = [];
  for (let row = columns.row + 1; row <= sheet.rowCount; row++) {
    const code = textOf(sheet.getCell(row, columns.code).value)?.trim() ?? '';
    const name = columns.name ? (textOf(sheet.getCell(row, columns.name).value)?.trim() ?? '') : '';
    const definition = byCode.get(code) ?? byName.get(name);
    const cell = sheet.getCell(row, columns.value);
    if (!definition) {
      if (cell.value != null && textOf(cell.value)?.trim()) {
        cells.push(problemCell(entry.sheet, cell.address, code || name, name, cell, 'UNKNOWN_ROW'));
      }
      continue;
    }
    if (found.has(definition.code)) {
      cells.push(
        problemCell(
          entry.sheet,
          cell.address,
          definition.code,
          definition.name_zh,
          cell,
          'DUPLICATE_ROW',
        ),
      );
      continue;
    }
    const reading = readCell(entry.sheet, cell, definition, period);
    found.set(definition.code, reading);
    cells.push(reading);
  }
  for (const definition of definitions) {
    if (found.has(definition.code)) continue;
    cells.push({
      sheet: entry.sheet,
      cell: null,
      metric: definition.code,
      metricName: definition.name_zh,
      read: null,
      value: null,
      wording: null,
      applied: [],
      problem: { code: 'ROW_MISSING', ...CELL_PROBLEMS.ROW_MISSING },
    });
  }
  return { entry, cells, problem: null };
}

function readCell(
  sheetName: string,
  cell: ExcelJS.Cell,
  definition: MetricDefinitionRow,
  period: string,
): CellReading {
  const base = {
    sheet: sheetName,
    cell: cell.address,
    metric: definition.code,
    metricName: definition.name_zh,
    read: textOf(cell.value),
    value: null,
    wording: null,
    applied: [] as Normalization[],
  };
  const input = cellInput(cell);
  if ('problem' in input)
    return { ...base, problem: { code: input.problem, ...CELL_PROBLEMS[input.problem] } };
  const typed = readTypedNumber(input.value, { percent: definition.value_type === 'PERCENT' });
  if (typed.kind === 'blank') return { ...base, applied: input.applied, problem: null };
  if (typed.kind === 'refused') {
    return { ...base, problem: { code: typed.reason, zh: typed.zh, en: typed.en } };
  }
  const applied = [...input.applied, ...typed.applied];
  try {
    const valid = validateMetricValue(definition, {
      metric: definition.code,
      period,
      value: typed.value,
    });
    const wording =
      typeof input.value === 'string' && typed.applied.length > 0 ? input.value.trim() : null;
    return { ...base, value: valid.value, wording, applied, problem: null };
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    return {
      ...base,
      applied,
      problem: {
        code: 'VALUE_INVALID',
        zh:
          typeof error.extensions.zh === 'string'
            ? error.extensions.zh
            : `不符合该指标的规则（${typed.value}）：${error.message}`,
        en: error.message,
      },
    };
  }
}

type CellInput =
  | { value: string | number | null; applied: Normalization[] }
  | { problem: 'FORMULA_WITHOUT_RESULT' | 'CELL_ERROR' | 'NOT_TEXT_OR_NUMBER' };

/** What a cell holds, as the number reader takes it: a formula's saved result, percent cells ×100. */
function cellInput(cell: ExcelJS.Cell): CellInput {
  let value = cell.value;
  const applied: Normalization[] = [];
  if (value && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value)) {
    if (value.result === undefined || value.result === null)
      return { problem: 'FORMULA_WITHOUT_RESULT' };
    applied.push('FORMULA_RESULT');
    value = value.result;
  }
  if (value == null) return { value: null, applied };
  if (typeof value === 'number') {
    // A cell shown as 33.91% holds 0.3391: the figure is the number shown.
    if (!cell.numFmt?.includes('%')) return { value, applied };
    const decimal = numberToDecimal(value);
    if (decimal === null) return { value, applied };
    return { value: multiplyDecimal(decimal, '100'), applied: [...applied, 'PERCENT_FORMAT'] };
  }
  if (typeof value === 'string') return { value, applied };
  if (value instanceof Date || typeof value === 'boolean') return { problem: 'NOT_TEXT_OR_NUMBER' };
  if ('error' in value) return { problem: 'CELL_ERROR' };
  return { value: textOf(value), applied };
}

/** A cell's content as text, for showing what was read. */
function textOf(value: ExcelJS.CellValue): string | null {
  if (value == null) return null;
  if (typeof value !== 'object') return String(value);
  if (value instanceof Date) return value.toISOString();
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('error' in value) return value.error;
  if ('formula' in value || 'sharedFormula' in value) {
    const formula = `=${value.formula ?? ('sharedFormula' in value ? value.sharedFormula : '')}`;
    return value.result === undefined
      ? formula
      : `${formula} → ${textOf(value.result as ExcelJS.CellValue)}`;
  }
  if ('text' in value) return value.text;
  return null;
}

function problemCell(
  sheet: string,
  cell: string,
  metric: string,
  metricName: string,
  source: ExcelJS.Cell,
  code: 'UNKNOWN_ROW' | 'DUPLICATE_ROW',
): CellReading {
  return {
    sheet,
    cell,
    metric,
    metricName,
    read: textOf(source.value),
    value: null,
    wording: null,
    applied: [],
    problem: { code, ...CELL_PROBLEMS[code] },
  };
}

/** The header row and the columns of the code, name and value labels. */
function findHeader(
  sheet: ExcelJS.Worksheet,
): { row: number; code: number; name: number | null; value: number } | null {
  for (let row = 1; row <= Math.min(HEADER_SEARCH_ROWS, sheet.rowCount); row++) {
    const labels = new Map<string, number>();
    sheet.getRow(row).eachCell((cell, column) => {
      const text = textOf(cell.value)?.trim();
      if (text) labels.set(text, column);
    });
    const code = labels.get(HEADERS.code);
    const value = labels.get(HEADERS.value);
    if (code && value) return { row, code, name: labels.get(HEADERS.name) ?? null, value };
  }
  return null;
}
