import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import { createSchema, SYSTEM, type Database } from '@fulian/server';
import { ROLLUP_METRIC } from '../operations/rollup.js';
import { HUNAN_CODE } from '../operations/lookups.js';
import type { Progress } from '../progress.js';

/** The province-wide spreadsheet export of every village (issue 17's bound on memory). */
export interface VillageExportResult {
  description: string;
  rows: number;
  bytes: number;
  seconds: number;
  /** The bench process's resident memory before the export and at its highest during it. */
  rssBeforeMiB: number;
  rssPeakMiB: number;
}

const MIB = 2 ** 20;

/**
 * Streams the roll-up of every village of Hunan to an XLSX file, as `fulian export rollup
 * --by VILLAGE` does, and samples the process's resident memory while it runs: a streaming
 * writer keeps the peak flat however many rows there are.
 */
export async function measureVillageExport(
  db: Kysely<Database>,
  year: number,
  progress: Progress,
): Promise<VillageExportResult> {
  progress.update('export: every village to XLSX');
  const directory = await mkdtemp(path.join(os.tmpdir(), 'fulian-bench-export-'));
  const file = path.join(directory, 'villages.xlsx');
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  try {
    // The server loads exceljs only when a spreadsheet is asked for; so does the bench.
    const { openTable, writeTable } =
      await import('@fulian/server/dist/spreadsheet/table.export.js');
    const source = await openTable(await createSchema(), db, SYSTEM, {
      kind: 'ROLLUP',
      format: 'XLSX',
      args: {
        metric: ROLLUP_METRIC,
        period: String(year),
        within: HUNAN_CODE,
        level: 'VILLAGE',
        includeSubmitted: false,
      },
    });
    const out = createWriteStream(file);
    const rows = await writeTable(source, 'XLSX', out);
    await finished(out);
    const seconds = (performance.now() - started) / 1000;
    rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
    const result = {
      description: `${ROLLUP_METRIC} for ${year} by village within Hunan, XLSX`,
      rows,
      bytes: (await stat(file)).size,
      seconds: Math.round(seconds * 100) / 100,
      rssBeforeMiB: Math.round(rssBefore / MIB),
      rssPeakMiB: Math.round(rssPeak / MIB),
    };
    progress.done(
      `export: ${rows} villages in ${result.seconds} s, peak RSS ${result.rssPeakMiB} MiB (${result.rssBeforeMiB} MiB before)`,
    );
    return result;
  } finally {
    clearInterval(sampler);
    await rm(directory, { recursive: true, force: true });
  }
}
