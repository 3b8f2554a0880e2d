import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { SYSTEM } from '../auth/viewer.js';
import { loadConfig } from '../config.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { createSchema } from '../schema.js';
import type { DownloadRequest } from '../spreadsheet/download-token.js';
import { missingArgs, TABLE_KINDS, type TableKind } from '../spreadsheet/table.queries.js';
import { CliError } from './dispatch.js';
import { openDatabase } from './open-database.js';

export const exportHelp = `Usage: fulian export WHAT [options] -o FILE

Writes a spreadsheet from the database (as the system: every unit, every status).

  template       --template CODE --period P --unit UNIT [--all-below]
                 the workbook a unit fills in; --all-below: a sheet per submitting unit below it
  completeness   --template CODE --period P [--within UNIT]
  rollup         --metric CODE --period P --by LEVEL [--within UNIT] [--include-submitted]
  ranking        --metric CODE --period P --by LEVEL [--within UNIT] [--include-submitted]
  contributions  --metric CODE --period P --by LEVEL [--within UNIT] [--include-submitted]
  series         --metric CODE --organization UNIT --from P --to P [--include-submitted]

  -o, --output FILE   where to write; .csv writes CSV (UTF-8 with BOM), anything else XLSX
  UNIT is a division code (43, 4301) or an organization id; LEVEL is PROVINCE, CITY, COUNTY, …

Example: fulian export rollup --metric training.sessions --period 2020 --within 43 --by CITY -o rollup.xlsx`;

export async function exportCommand(args: string[], logger: Logger): Promise<void> {
  const [what, ...rest] = args;
  const { values } = parseArgs({
    args: rest,
    options: {
      output: { type: 'string', short: 'o' },
      template: { type: 'string' },
      period: { type: 'string' },
      unit: { type: 'string' },
      'all-below': { type: 'boolean', default: false },
      metric: { type: 'string' },
      within: { type: 'string' },
      by: { type: 'string' },
      organization: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      'include-submitted': { type: 'boolean', default: false },
    },
  });
  if (!values.output) throw new CliError('-o FILE is required');
  const request = downloadRequest(what, values);
  const config = loadConfig();
  const db = await openDatabase(config, logger);
  try {
    // Loaded here, not with the CLI: exceljs takes a second to load, which `serve` need not pay.
    const { prepareDownload } = await import('../spreadsheet/download.js');
    const download = await prepareDownload(await createSchema(), db, SYSTEM, request).catch(
      (error: unknown) => {
        throw error instanceof UserError ? new CliError(error.message) : error;
      },
    );
    const out = createWriteStream(values.output);
    await download.write(out);
    await finished(out);
    console.log(`wrote ${values.output}`);
  } finally {
    await db.destroy();
  }
}

function downloadRequest(
  what: string | undefined,
  values: Record<string, string | boolean | undefined>,
): DownloadRequest {
  const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
  if (what === 'template') {
    const template = text('template');
    const period = text('period');
    const unit = text('unit');
    if (!template || !period || !unit)
      throw new CliError('template needs --template, --period and --unit');
    return { kind: 'TEMPLATE', template, period, unit, allBelow: values['all-below'] === true };
  }
  const kind = what?.toUpperCase() as TableKind;
  if (!TABLE_KINDS.includes(kind)) {
    throw new CliError(
      `export what? template or ${TABLE_KINDS.map((k) => k.toLowerCase()).join(', ')}`,
    );
  }
  const args = {
    metric: text('metric'),
    template: text('template'),
    period: text('period'),
    within: text('within'),
    level: text('by')?.toUpperCase(),
    organization: text('organization'),
    from: text('from'),
    to: text('to'),
    includeSubmitted: values['include-submitted'] === true,
  };
  const missing = missingArgs(kind, args);
  if (missing.length > 0) {
    const flag = (name: string) => `--${name === 'level' ? 'by' : name}`;
    throw new CliError(`${what} needs ${missing.map(flag).join(', ')}`);
  }
  const output = text('output') ?? '';
  return { kind, format: output.toLowerCase().endsWith('.csv') ? 'CSV' : 'XLSX', args };
}
