import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeDecimal } from '../src/modules/metric/decimal.js';
import { readSeedFiles, type SeedFiles } from '../src/modules/seed-data/seed-data.files.js';
import { SEEDS_DIRECTORY } from '../src/modules/seed-data/seed-data.js';
import { collapse, statedNumber } from './helpers/wording.js';

/** The source documents sit beside the repository (../shared/seeds); CI provides them. */
const SOURCES = join(SEEDS_DIRECTORY, '../../shared/seeds');

type Record_ = Record<string, unknown>;

interface Figure {
  where: string;
  metric: string | null;
  value: string;
  unit: string;
  wording: string;
  quote: string;
}

/** Every record of the document files that carries a quote, with where it sits. */
function quotedRecords(
  files: SeedFiles,
): { file: string; source: string; where: string; quote: string }[] {
  const found: { file: string; source: string; where: string; quote: string }[] = [];
  for (const file of files.documents) {
    const content = file.content as Record_;
    const source = String((content.document as Record_).file);
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node))
        return node.forEach((child, index) => visit(child, `${where}[${index}]`));
      if (node === null || typeof node !== 'object') return;
      const record = node as Record_;
      if (typeof record.quote === 'string')
        found.push({ file: file.path, source, where, quote: record.quote });
      for (const [key, value] of Object.entries(record))
        visit(value, where ? `${where}.${key}` : key);
    };
    visit(content, '');
  }
  return found;
}

/** Every figure: reported metric values and the numeric targets of work plans. */
function figures(files: SeedFiles): Figure[] {
  const found: Figure[] = [];
  for (const file of files.documents) {
    const content = file.content as Record_;
    const values = (content.metric_values as Record_[] | null) ?? [];
    values.forEach((value, index) =>
      found.push(figure(`${file.path}: metric_values[${index}]`, value)),
    );
    const plans = (content.work_plans as Record_[] | null) ?? [];
    plans.forEach((plan, planIndex) =>
      ((plan.sections as Record_[] | null) ?? []).forEach((section, sectionIndex) =>
        ((section.items as Record_[] | null) ?? []).forEach((item, itemIndex) =>
          ((item.targets as Record_[] | null) ?? []).forEach((target, targetIndex) =>
            found.push(
              figure(
                `${file.path}: work_plans[${planIndex}].sections[${sectionIndex}].items[${itemIndex}].targets[${targetIndex}]`,
                target,
              ),
            ),
          ),
        ),
      ),
    );
  }
  return found;
}

function figure(where: string, record: Record_): Figure {
  return {
    where,
    metric: (record.metric as string | null) ?? null,
    value: String(record.value),
    unit: String(record.unit),
    wording: String(record.wording ?? ''),
    quote: String(record.quote ?? ''),
  };
}

describe('the extracted figures, checked against their quotes', () => {
  let files: SeedFiles;
  beforeAll(async () => {
    files = await readSeedFiles(SEEDS_DIRECTORY);
  });

  it('has well over 150 figures, each with a stated number inside its quote', () => {
    const all = figures(files);
    expect(all.length).toBeGreaterThan(150);
    const wrong = all.flatMap((f) => {
      const stated = statedNumber(f.wording);
      if (!stated) return [`${f.where}: wording "${f.wording}" states no number`];
      if (!collapse(f.quote).includes(collapse(f.wording))) {
        return [`${f.where}: wording "${f.wording}" is not in its quote "${f.quote}"`];
      }
      if (!collapse(f.quote).includes(collapse(stated.numeral))) {
        return [`${f.where}: the number ${stated.numeral} is not in its quote "${f.quote}"`];
      }
      return [];
    });
    expect(wrong).toEqual([]);
  });

  it('normalizes every value exactly: the stated number times its 万/亿 multiplier', () => {
    const wrong = figures(files).flatMap((f) => {
      const stated = statedNumber(f.wording);
      if (!stated) return [];
      const value = normalizeDecimal(f.value);
      return value === stated.value
        ? []
        : [`${f.where}: "${f.wording}" states ${stated.value}, the value is ${value}`];
    });
    expect(wrong).toEqual([]);
  });

  it("states every figure in its metric's unit", () => {
    const units = new Map(
      (files.metrics.content as Record_[]).map((metric) => [metric.code, metric.unit]),
    );
    const wrong = figures(files).flatMap((f) =>
      f.metric === null || units.get(f.metric) === f.unit
        ? []
        : [`${f.where}: ${f.metric} is counted in ${String(units.get(f.metric))}, got ${f.unit}`],
    );
    expect(wrong).toEqual([]);
  });

  it.runIf(existsSync(SOURCES))(
    'quotes every record exactly from its source file, whitespace collapsed',
    () => {
      const sources = new Map<string, string>();
      const text = (file: string) => {
        if (!sources.has(file))
          sources.set(file, collapse(readFileSync(join(SOURCES, file), 'utf8')));
        return sources.get(file)!;
      };
      const records = quotedRecords(files);
      expect(records.length).toBeGreaterThan(500);
      const missing = records.flatMap((record) =>
        text(record.source).includes(collapse(record.quote))
          ? []
          : [`${record.file}: ${record.where}: "${record.quote}" is not in ${record.source}`],
      );
      expect(missing).toEqual([]);
    },
  );
});
