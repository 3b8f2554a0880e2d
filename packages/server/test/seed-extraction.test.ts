import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Qualifier } from '../src/db/tables.js';
import { normalizeDecimal } from '../src/lib/decimal.js';
import { readSeedFiles, type SeedFiles } from '../src/seed/seed-data.files.js';
import { SEEDS_DIRECTORY } from '../src/seed/seed-data.js';
import { collapse, statedNumber } from './helpers/wording.js';

/** The source documents the records quote, as they were received (seeds/sources/). */
const SOURCES = join(SEEDS_DIRECTORY, 'sources');

type Record_ = Record<string, unknown>;

interface Figure {
  where: string;
  /** The source file of the figure's document. */
  source: string;
  metric: string | null;
  value: string;
  unit: string;
  wording: string;
  qualifier: string;
  quote: string;
}

/**
 * "Not a single one" (未发生1起, 无一例) states zero. Only "not one" reads so: "未发生3起"
 * would say nothing exact, and a bare 无 names no counter.
 */
const NOT_ONE = /^(?:未发生|未出现|无)\s*(?:1|一)\s*[起例件个]/;

/** The number a figure's wording states, with negated "not one" wordings stating zero. */
function statedFigure(wording: string): { numeral: string; value: string } | null {
  const negated = NOT_ONE.exec(wording);
  if (negated) return { numeral: negated[0], value: '0' };
  return statedNumber(wording);
}

/** The qualifier a wording's marker calls for (seeds/README.md, "Figures"). */
function expectedQualifier(wording: string): Qualifier {
  if (NOT_ONE.test(wording)) return 'EXACT';
  if (/不足|以内/.test(wording)) return 'AT_MOST';
  // 数百 ("several hundred") bounds the figure from below by the hundred it names.
  if (/余|多|超|突破|以上|不少于|至少|数[十百千万]/.test(wording)) return 'AT_LEAST';
  if (wording.includes('近')) return 'NEARLY';
  if (wording.includes('约')) return 'ABOUT';
  return 'EXACT';
}

/**
 * Counter words that belong to one unit only; the first that matches a wording decides.
 * 个, 条, 次 and 件 count in several units (organizations, items, articles, events, cases) and
 * decide nothing.
 */
const COUNTERS: [RegExp, string][] = [
  [/元/, 'YUAN'],
  [/%/, 'PERCENT'],
  [/第[一二三四五六七八九十\d]|排名/, 'RANK'],
  [/人次/, 'PERSON_TIME'],
  [/件次|起|对夫妇/, 'CASE'],
  [/户|家庭/, 'HOUSEHOLD'],
  [/场/, 'EVENT'],
  [/期/, 'SESSION'],
  [/篇/, 'ARTICLE'],
  [/份|瓶|间/, 'ITEM'],
  [/家|村|社区|市州|中心|校/, 'ORGANIZATION'],
  [/[名人]/, 'PERSON'],
];

/** Units whose figures always carry their counter: money, shares and ranks. */
const MARKED_UNITS = new Set(['YUAN', 'PERCENT', 'RANK']);

/** A character that continues a number written in digits or in Chinese numerals. */
const NUMERAL_CHAR = /[\d.零〇一二两三四五六七八九十百千万亿]/;

/**
 * Numbers of the sources that are not figures, each kind with why. A number inside a match is
 * not looked for among the figures; an entry that matches nothing fails the test.
 */
const NOT_FIGURES: { why: string; pattern: RegExp }[] = [
  {
    why: 'a year: 2020 年, 2019年, both ends of 2021-2025年',
    pattern: /(?:19|20)\d{2}(?=\s*年|-(?:19|20)\d{2}年)/g,
  },
  {
    why: 'a month or a day of a date: 2 月初, 11月19日, 截至2月9日',
    pattern: /\d{1,2}(?=\s*[月日])/g,
  },
  { why: 'a festival day written with a middle dot: 6·1, 6·26, 5·15', pattern: /\d{1,2}·\d{1,2}/g },
  { why: 'an anniversary: 建党 100 周年', pattern: /\d+(?=\s*周年)/g },
  { why: 'the document number 岳妇发〔2021〕5号', pattern: /〔\d{4}〕\d+号/g },
  { why: 'the page the report continues from: (上接 03 版)', pattern: /(?<=上接\s*)\d+(?=\s*版)/g },
  { why: "the number of the 12338 women's rights hotline", pattern: /12338(?=\s*维权)/g },
  {
    why: "a liaison's mobile phone number (Yueyang annex 1)",
    pattern: /(?<!\d)1[3-9]\d{9}(?!\d)/g,
  },
  {
    why: 'the number of a list item or an annex: "1. 强化理论武装", "附件：1.", "附件 2"',
    pattern: /(?<=^|\s|：)\d{1,2}(?=\.\s)|(?<=附件\s*)\d+/g,
  },
  {
    why: 'digits of a name: “3+1” (帮帮团, 执委帮手认领机制), “1+N”, “家庭教育580”, “邵阳基层改革探索10例”',
    pattern: /“3\+1|“1\+N”|家庭教育580”|基层改革探索10例”/g,
  },
  {
    why: "a duration in years that a record's period carries: 连续5年 (2019/2023), 5年来 (the review's term)",
    pattern: /(?<=连续)\d+(?=年)|\d+(?=年来)/g,
  },
  {
    why: "the one of a per-one rate (每3名执委帮扶1名, 1名执委至少联系5名): the rate's metric counts per one",
    pattern: /(?<=帮扶)1(?=名困境)|1(?=名执委至少联系)/g,
  },
  {
    why: 'the sell-out time 2分45秒: no unit of the catalogue holds seconds (the note of livestream.items_sold keeps it)',
    pattern: /\d+分\d+秒/g,
  },
];

/** The closing paragraph of the Shaoyang review repeats four figures of its 筑平台 paragraph. */
const SHAOYANG_CLOSING =
  '5年来,市妇联深入开展家庭亲子诵读系列活动2.6万余场次,参与家长儿童38万余人,征集到好家风家训5000余条,优秀家书2000余篇';

/**
 * Figures a source states twice and the seeds record once: the repeat (a headline, a caption, a
 * recap) must state the recorded figure's value with the same qualifier.
 */
const RESTATED: { source: string; context: string; wording: string; metric: string }[] = [
  // The headline of the planning-meeting report.
  {
    source: '000_4074efa98adfcb41.txt',
    context: '14 市州出招',
    wording: '14 市州',
    metric: 'meeting.reporting_cities',
  },
  // The headline of 武冈's section.
  {
    source: '002_fa27af0bc5488c72.txt',
    context: '每3名执委帮扶1名困境妇女儿童',
    wording: '每3名执委',
    metric: 'executive_assistance.members_per_person_helped',
  },
  // A picture caption of the Zhuzhou summary.
  {
    source: '003_4eae8feafdbcf8d2.txt',
    context: '▲授予51名援鄂女性医务者',
    wording: '51名',
    metric: 'honor.red_banner_holders_awarded',
  },
  {
    source: '004_86c290c424f1eb8f.txt',
    context: SHAOYANG_CLOSING,
    wording: '2.6万余场次',
    metric: 'family.reading_events',
  },
  {
    source: '004_86c290c424f1eb8f.txt',
    context: SHAOYANG_CLOSING,
    wording: '38万余人',
    metric: 'family.reading_participants',
  },
  {
    source: '004_86c290c424f1eb8f.txt',
    context: SHAOYANG_CLOSING,
    wording: '5000余条',
    metric: 'family.mottos_collected',
  },
  {
    source: '004_86c290c424f1eb8f.txt',
    context: SHAOYANG_CLOSING,
    wording: '2000余篇',
    metric: 'family.letters_collected',
  },
];

interface QuotedRecord {
  /** The seed file, relative to seeds/. */
  file: string;
  /** The source file of the seed file's document. */
  source: string;
  where: string;
  quote: string;
  record: Record_;
}

/** Every record of the document files that carries a quote, with where it sits. */
function quotedRecords(files: SeedFiles): QuotedRecord[] {
  const found: QuotedRecord[] = [];
  for (const file of files.documents) {
    const content = file.content as Record_;
    const source = String((content.document as Record_).file);
    const visit = (node: unknown, where: string): void => {
      if (Array.isArray(node))
        return node.forEach((child, index) => visit(child, `${where}[${index}]`));
      if (node === null || typeof node !== 'object') return;
      const record = node as Record_;
      if (typeof record.quote === 'string')
        found.push({ file: file.path, source, where, quote: record.quote, record });
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
    const source = String((content.document as Record_).file);
    const values = (content.metric_values as Record_[] | null) ?? [];
    values.forEach((value, index) =>
      found.push(figure(`${file.path}: metric_values[${index}]`, source, value)),
    );
    const plans = (content.work_plans as Record_[] | null) ?? [];
    plans.forEach((plan, planIndex) =>
      ((plan.sections as Record_[] | null) ?? []).forEach((section, sectionIndex) =>
        ((section.items as Record_[] | null) ?? []).forEach((item, itemIndex) =>
          ((item.targets as Record_[] | null) ?? []).forEach((target, targetIndex) =>
            found.push(
              figure(
                `${file.path}: work_plans[${planIndex}].sections[${sectionIndex}].items[${itemIndex}].targets[${targetIndex}]`,
                source,
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

function figure(where: string, source: string, record: Record_): Figure {
  return {
    where,
    source,
    metric: (record.metric as string | null) ?? null,
    value: String(record.value),
    unit: String(record.unit),
    wording: String(record.wording ?? ''),
    qualifier: String(record.qualifier ?? 'EXACT'),
    quote: String(record.quote ?? ''),
  };
}

/** Every index at which fragment occurs in text, overlapping occurrences included. */
function occurrences(text: string, fragment: string): number[] {
  const found: number[] = [];
  if (fragment === '') return found;
  for (let at = text.indexOf(fragment); at >= 0; at = text.indexOf(fragment, at + 1)) {
    found.push(at);
  }
  return found;
}

/**
 * Whether the wording occurs in the quote as a whole number: not the tail of a longer one
 * ("5万元" inside "15万元", "百名" inside "数百名") nor its head ("3.19" before "万人次").
 */
function standsAlone(quote: string, wording: string): boolean {
  const startsWithNumeral = NUMERAL_CHAR.test(wording[0] ?? '');
  // 数 before a Chinese numeral makes it "several" (数百); before digits it ends a noun (人数).
  const startsWithDigit = /\d/.test(wording[0] ?? '');
  const endsWithNumeral = NUMERAL_CHAR.test(wording[wording.length - 1] ?? '');
  return occurrences(quote, wording).some((at) => {
    const before = quote[at - 1] ?? '';
    const after = quote[at + wording.length] ?? '';
    return (
      !(
        startsWithNumeral &&
        (NUMERAL_CHAR.test(before) || (before === '数' && !startsWithDigit))
      ) && !(endsWithNumeral && NUMERAL_CHAR.test(after))
    );
  });
}

/** The Arabic numbers of a text, as [start, end) spans. */
function arabicNumbers(text: string): { start: number; end: number; numeral: string }[] {
  return [...text.matchAll(/\d+(?:\.\d+)?/g)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    numeral: match[0],
  }));
}

describe('the extracted figures, checked against their quotes', () => {
  let files: SeedFiles;
  beforeAll(async () => {
    files = await readSeedFiles(SEEDS_DIRECTORY);
  });

  it('has well over 150 figures, each stating a whole number that stands in its quote', () => {
    const all = figures(files);
    expect(all.length).toBeGreaterThan(150);
    const wrong = all.flatMap((f) => {
      const quote = collapse(f.quote);
      const wording = collapse(f.wording);
      if (!statedFigure(wording)) return [`${f.where}: wording "${f.wording}" states no number`];
      if (!quote.includes(wording)) {
        return [`${f.where}: wording "${f.wording}" is not in its quote "${f.quote}"`];
      }
      if (!standsAlone(quote, wording)) {
        return [`${f.where}: wording "${f.wording}" is only part of a number in "${f.quote}"`];
      }
      return [];
    });
    expect(wrong).toEqual([]);
  });

  it('reads zero from a negated "not one" wording, and only from that', () => {
    expect(statedFigure('未发生1起')).toEqual({ numeral: '未发生1起', value: '0' });
    expect(statedFigure('无一例')).toEqual({ numeral: '无一例', value: '0' });
    expect(statedFigure('未发生3起')?.value).toBe('3');
    expect(statedFigure('1起')?.value).toBe('1');
    expect(statedFigure('无')).toBeNull();
  });

  it('normalizes every value exactly: the stated number times its 万/亿 multiplier', () => {
    const wrong = figures(files).flatMap((f) => {
      const stated = statedFigure(f.wording);
      if (!stated) return [];
      const value = normalizeDecimal(f.value);
      return value === stated.value
        ? []
        : [`${f.where}: "${f.wording}" states ${stated.value}, the value is ${value}`];
    });
    expect(wrong).toEqual([]);
  });

  it("qualifies every figure as its wording's marker says (余/多/超 → AT_LEAST, 近 → NEARLY, …)", () => {
    const wrong = figures(files).flatMap((f) => {
      const expected = expectedQualifier(f.wording);
      return f.qualifier === expected
        ? []
        : [`${f.where}: "${f.wording}" reads ${expected}, the qualifier is ${f.qualifier}`];
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

  it('gives every figure the unit its counter word names (万元 → YUAN, 人次 → PERSON_TIME, …)', () => {
    const wrong = figures(files).flatMap((f) => {
      const counted = COUNTERS.find(([counter]) => counter.test(f.wording))?.[1];
      if (counted !== undefined && counted !== f.unit) {
        return [`${f.where}: "${f.wording}" counts in ${counted}, the unit is ${f.unit}`];
      }
      if (counted === undefined && MARKED_UNITS.has(f.unit)) {
        return [`${f.where}: "${f.wording}" names no counter of ${f.unit}`];
      }
      return [];
    });
    expect(wrong).toEqual([]);
  });

  describe('against the source files', () => {
    const sources = new Map<string, string>();
    const text = (file: string) => {
      if (!sources.has(file))
        sources.set(file, collapse(readFileSync(join(SOURCES, file), 'utf8')));
      return sources.get(file)!;
    };

    it('quotes every record exactly from its source file, whitespace collapsed', () => {
      const records = quotedRecords(files);
      expect(records.length).toBeGreaterThan(500);
      const missing = records.flatMap((record) =>
        text(record.source).includes(collapse(record.quote))
          ? []
          : [`${record.file}: ${record.where}: "${record.quote}" is not in ${record.source}`],
      );
      expect(missing).toEqual([]);
    });

    it('states each repeated figure as the record it repeats', () => {
      const all = figures(files);
      const wrong = RESTATED.flatMap((repeat) => {
        const where = `${repeat.source}: "${repeat.context}"`;
        if (!text(repeat.source).includes(repeat.context)) return [`${where} is not in the source`];
        if (!repeat.context.includes(repeat.wording)) return [`${where} lacks "${repeat.wording}"`];
        const stated = statedFigure(repeat.wording);
        const recorded = all.filter(
          (f) => f.source === repeat.source && f.metric === repeat.metric,
        );
        return recorded.some(
          (f) =>
            normalizeDecimal(f.value) === stated?.value &&
            f.qualifier === expectedQualifier(repeat.wording),
        )
          ? []
          : [`${where}: no ${repeat.metric} figure states "${repeat.wording}"`];
      });
      expect(wrong).toEqual([]);
    });

    it('records every Arabic number of the sources as a figure, or says why it is none', () => {
      const records = quotedRecords(files);
      const all = figures(files);
      const unused = new Set(NOT_FIGURES.map((entry) => entry.why));
      const sourceFiles = readdirSync(SOURCES).filter((name) => name.endsWith('.txt'));
      expect(sourceFiles.length).toBeGreaterThanOrEqual(5);
      const uncovered = sourceFiles.flatMap((source) => {
        const source_ = text(source);
        const covered: { start: number; end: number }[] = [];
        const cover = (at: number, numbers: string) =>
          arabicNumbers(numbers).forEach((number) =>
            covered.push({ start: at + number.start, end: at + number.end }),
          );
        // The digits of a figure's wording, where its quote stands in the source.
        for (const f of all.filter((figure_) => figure_.source === source)) {
          const quote = collapse(f.quote);
          const wording = collapse(f.wording);
          for (const at of occurrences(source_, quote))
            for (const within of occurrences(quote, wording)) cover(at + within, wording);
        }
        // The serial number of an annex row is its activity's sequence: "1 “三八”…".
        for (const record of records.filter((r) => r.source === source)) {
          if (typeof record.record.sequence !== 'number') continue;
          const serial = `${record.record.sequence} `;
          const quote = collapse(record.quote);
          if (quote.startsWith(serial))
            for (const at of occurrences(source_, quote)) cover(at, serial);
        }
        // A repeat of a recorded figure.
        for (const repeat of RESTATED.filter((r) => r.source === source))
          for (const at of occurrences(source_, repeat.context))
            for (const within of occurrences(repeat.context, repeat.wording))
              cover(at + within, repeat.wording);
        for (const entry of NOT_FIGURES)
          for (const match of source_.matchAll(entry.pattern)) {
            covered.push({ start: match.index, end: match.index + match[0].length });
            unused.delete(entry.why);
          }
        return arabicNumbers(source_)
          .filter(
            (number) =>
              !covered.some((span) => span.start <= number.start && number.end <= span.end),
          )
          .map(
            (number) =>
              `${source}: ${number.numeral} in "…${source_.slice(Math.max(0, number.start - 12), number.end + 8)}…"`,
          );
      });
      expect(uncovered).toEqual([]);
      expect([...unused]).toEqual([]);
    });
  });
});
