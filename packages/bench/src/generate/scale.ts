import { readDivisions, UnreachableCaseError, type Division } from '@fulian/server';
import type { Unit } from './units.js';

/**
 * hunan: the province's whole tree (~31,700 units); national: every province (~660,000);
 * sample: Hunan's tree with activities and reports for one city only, for the harness's test.
 */
export const SCALES = ['hunan', 'national', 'sample'] as const;
export type ScaleName = (typeof SCALES)[number];

/** What one generated data set holds; equal options always generate the same rows. */
export interface DatasetOptions {
  scale: ScaleName;
  /** How many annual reporting years, ending with LAST_YEAR. */
  years: number;
  seed: number;
  /** How many activities in all (about: each unit's yearly count is drawn at random). */
  activities: number;
}

/** The last reporting year generated; the benchmarks read the year before it. */
export const LAST_YEAR = 2023;

export const DEFAULT_ACTIVITIES: Record<ScaleName, number> = {
  hunan: 200_000,
  national: 4_000_000,
  sample: 2_000,
};

/** Xiangtan, Hunan's smallest city by number of villages. */
const SAMPLE_CITY = '4303';

/** The divisions a scale's tree holds, levels in order from provinces to villages. */
export function divisionsOf(scale: ScaleName): Promise<Division[][]> {
  switch (scale) {
    case 'hunan':
    case 'sample':
      return readDivisions({ provinces: ['43'] });
    case 'national':
      return readDivisions('all');
    default:
      throw new UnreachableCaseError(scale);
  }
}

/**
 * The units that get activities and reports: all of them, except at the sample scale, where
 * only the province unit and one city's subtree do (the tree stays whole so the seed data,
 * which names units all over Hunan, loads as it does in production).
 */
export function reportingUnits(scale: ScaleName, units: readonly Unit[]): Unit[] {
  if (scale !== 'sample') return [...units];
  const kept = new Set<number>();
  return units.filter((unit) => {
    const keep = unit.level === 'PROVINCE' || unit.code === SAMPLE_CITY || kept.has(unit.parentId);
    if (keep && unit.level !== 'PROVINCE') kept.add(unit.id);
    return keep;
  });
}

export function reportingYears(options: Pick<DatasetOptions, 'years'>): number[] {
  return Array.from({ length: options.years }, (_, index) => LAST_YEAR - options.years + 1 + index);
}

/** The year the read operations ask about: the last one whose reports are mostly approved. */
export function benchmarkYear(options: Pick<DatasetOptions, 'years'>): number {
  return options.years > 1 ? LAST_YEAR - 1 : LAST_YEAR;
}
