import { isDeepStrictEqual } from 'node:util';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, issueToken, type TokenConfig } from '../src/auth/token.js';
import type { Role } from '../src/auth/viewer.js';
import type { Limits } from '../src/limits/limits.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { seedHandTree, seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { fill, footprint, load, unitSheets } from './helpers/spreadsheet.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const TOKENS: TokenConfig = {
  key: { kind: 'secret', secret: 'a-test-secret-of-at-least-thirty-two-bytes' },
  issuer: 'fulian-graph',
  audience: 'fulian-graph',
};
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

let database: TestDatabase;
let server: FulianServer;
let base: string;
const logLines: Record<string, any>[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
  server = await createServer({
    db: database.db,
    logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) }),
    production: false,
    auth: { verifyToken: await createTokenVerifier(TOKENS), allowAnonymous: false },
    limits: { rateLimit: null },
  });
  base = (await server.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
});
afterAll(async () => {
  await server.stop();
  await database.close();
});

async function bearer(role: Role, organization: string): Promise<Record<string, string>> {
  const token = await issueToken(
    TOKENS,
    { subject: `${role}@${organization}`, role, organization },
    '10m',
  );
  return { authorization: `Bearer ${token}` };
}

async function graphql(headers: Record<string, string>, query: string, variables = {}) {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: any[] };
}

const LINK = `mutation($input: SpreadsheetDownloadInput!) { spreadsheetDownload(input: $input) { url expiresAt } }`;

/** Asks the graph for a link, then follows it as a browser would: no credentials. */
async function download(headers: Record<string, string>, input: Record<string, unknown>) {
  const answer = await graphql(headers, LINK, { input });
  expect(answer.errors).toBeUndefined();
  const response = await fetch(`${base}${answer.data.spreadsheetDownload.url}`);
  expect(response.status).toBe(200);
  return { response, bytes: Buffer.from(await response.arrayBuffer()) };
}

function upload(headers: Record<string, string>, bytes: Buffer, query: string, type = XLSX) {
  return fetch(`${base}/spreadsheets/import?${query}`, {
    method: 'POST',
    headers: { 'content-type': type, ...headers },
    body: bytes,
  });
}

describe('a county’s 2020 report through spreadsheets, end to end', () => {
  it('is downloaded, filled, dry-run, committed, approved, and seen in the roll-up and its workbook', async () => {
    const editor = await bearer('EDITOR', '4301');
    const reviewer = await bearer('REVIEWER', '4301');
    const admin = await bearer('PROVINCE_ADMIN', '43');

    // Downloaded through a link from the graph.
    const template = await download(editor, {
      kind: 'TEMPLATE',
      template: 'test-annual',
      period: '2020',
      unit: '430101',
    });
    expect(template.response.headers.get('content-type')).toBe(XLSX);
    expect(template.response.headers.get('content-disposition')).toContain(
      'test-annual-2020-430101.xlsx',
    );

    // Filled as a person types.
    const filled = await fill(template.bytes, {
      'test.sessions': '1.2万',
      'test.members': '2,679',
    });

    // Dry run: per-cell findings, nothing written.
    const before = await footprint(database.db);
    const dry = await upload(editor, filled, 'template=test-annual&period=2020');
    expect(dry.status).toBe(200);
    const plan = (await dry.json()) as any;
    expect(await footprint(database.db)).toEqual(before);
    expect(plan).toMatchObject({
      dryRun: true,
      problemCount: 0,
      template: 'test-annual',
      period: '2020',
    });
    expect(plan.cells[0]).toMatchObject({
      sheet: '430101 A1县妇联',
      cell: 'D4',
      metric: 'test.sessions',
      metricName: '培训班期数',
      read: '1.2万',
      normalized: '12000',
      applied: [{ code: 'WAN', zh: '“万”已乘以 10000', en: '万 multiplied by 10,000' }],
      change: 'ADDED',
      problem: null,
    });

    // Committed.
    const commit = await upload(editor, filled, 'template=test-annual&period=2020&commit=true');
    expect(commit.status).toBe(200);
    const committed = (await commit.json()) as any;
    expect(committed.units).toMatchObject([
      { outcome: 'SAVED', changes: 2, submission: { status: 'DRAFT', version: 2 } },
    ]);
    const submission = committed.units[0].submission;
    // Both uploads left an audit line, as a mutation does: who, which file, what became of it.
    const audit = logLines.filter((line) => line.audit === 'spreadsheet-import');
    expect(audit.map((line) => [line.dryRun, line.fileHash])).toEqual([
      [true, plan.fileHash],
      [false, plan.fileHash],
    ]);
    expect(audit[1]).toMatchObject({
      viewer: expect.objectContaining({ subject: 'EDITOR@4301' }),
      template: 'test-annual',
      period: '2020',
      units: [{ outcome: 'SAVED', changes: 2 }],
    });

    // Submitted and approved through the graph.
    const submit = await graphql(
      editor,
      `
        mutation ($input: SubmissionTransitionInput!) {
          submitSubmission(input: $input) {
            version
          }
        }
      `,
      { input: { id: submission.id, expectedVersion: submission.version } },
    );
    expect(submit.errors).toBeUndefined();
    const approve = await graphql(
      reviewer,
      `
        mutation ($input: SubmissionTransitionInput!) {
          approveSubmission(input: $input) {
            status
          }
        }
      `,
      { input: { id: submission.id, expectedVersion: submit.data.submitSubmission.version } },
    );
    expect(approve.data.approveSubmission.status).toBe('APPROVED');

    // Seen in the province roll-up.
    const rollup = await graphql(
      admin,
      `
        {
          rollup(metric: "test.sessions", period: "2020", groupBy: CITY, within: "43", first: 10) {
            edges {
              node {
                organization {
                  code
                }
                value
                coverage {
                  contributing
                }
              }
            }
          }
        }
      `,
    );
    const rows = rollup.data.rollup.edges.map((edge: any) => edge.node);
    expect(rows[0]).toMatchObject({
      organization: { code: '4301' },
      value: '12000',
      coverage: { contributing: 1 },
    });

    // And in the exported roll-up workbook, which says what it is, when and from what.
    const exported = await download(admin, {
      kind: 'ROLLUP',
      metric: 'test.sessions',
      period: '2020',
      level: 'CITY',
      within: '43',
    });
    const sheet = unitSheets(await load(exported.bytes))[0]!;
    expect(String(sheet.getCell('A1').value)).toContain('test.sessions');
    expect(String(sheet.getCell('A2').value)).toMatch(/^生成时间 Made at: \d{4}-/);
    expect(String(sheet.getCell('A3').value)).toContain('1 份报表 report(s) of test-annual');
    expect(sheet.getRow(6).values).toEqual([
      undefined,
      '4301',
      'A市妇联',
      '12000',
      'EXACT',
      undefined,
      undefined,
      '12000',
      ...[3, 1, 0, 0, 0, 2],
    ]);
    expect(sheet.rowCount).toBe(5 + 3);
  });

  it('exports a table as CSV in UTF-8 with a byte-order mark', async () => {
    const { response, bytes } = await download(await bearer('PROVINCE_ADMIN', '43'), {
      kind: 'COMPLETENESS',
      format: 'CSV',
      template: 'test-annual',
      period: '2020',
      within: '43',
    });
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[4]).toBe(
      '代码 code,单位 unit,状态 status,报送时间 submitted at,逾期天数 days late',
    );
    expect(lines.slice(5, 7).map((line) => line.split(',').slice(0, 3))).toEqual([
      ['4301', 'A市妇联', 'NOT_STARTED'],
      ['430101', 'A1县妇联', 'APPROVED'],
    ]);
  });
});

describe('the spreadsheet routes refuse', () => {
  it('an upload without credentials, of another type, or too large', async () => {
    const editor = await bearer('EDITOR', '4301');
    const anonymous = await upload({}, Buffer.from('x'), 'template=test-annual&period=2020');
    expect(anonymous.status).toBe(401);
    const form = await upload(
      editor,
      Buffer.from('a=1'),
      'template=test-annual&period=2020',
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(400);
    expect(((await form.json()) as any).errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'CONTENT_TYPE',
    });
    const large = await upload(
      editor,
      Buffer.alloc(6 * 1024 * 1024),
      'template=test-annual&period=2020',
    );
    expect(large.status).toBe(413);
  });

  it('a forged or tampered link, and a template link to a caller who may not read the unit', async () => {
    const forged = await fetch(`${base}/spreadsheets/download/eyJ9.c2lnbmF0dXJl`);
    expect(forged.status).toBe(401);
    const answer = await graphql(await bearer('EDITOR', '4302'), LINK, {
      input: { kind: 'TEMPLATE', template: 'test-annual', period: '2020', unit: '430101' },
    });
    expect(answer.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('the spreadsheet routes are admitted like the graph', () => {
  /**
   * On a server of its own with these limits: a 2021 template for 430101 filled with one
   * figure, committed as its editor; the answer, and whether anything was written.
   */
  async function commitOn(limits: Partial<Limits>, sessions: string) {
    const own = await createServer({
      db: database.db,
      logger: createLogger('silent'),
      production: false,
      auth: { verifyToken: await createTokenVerifier(TOKENS), allowAnonymous: false },
      limits,
    });
    const url = (await own.listen(0, '127.0.0.1')).replace(/\/graphql$/, '');
    try {
      const editor = await bearer('EDITOR', '4301');
      const template = await download(editor, {
        kind: 'TEMPLATE',
        template: 'test-annual',
        period: '2021',
        unit: '430101',
      });
      const filled = await fill(template.bytes, { 'test.sessions': sessions });
      const before = await footprint(database.db);
      const response = await fetch(
        `${url}/spreadsheets/import?template=test-annual&period=2021&commit=true`,
        { method: 'POST', headers: { 'content-type': XLSX, ...editor }, body: filled },
      );
      return {
        response,
        bytes: filled.length,
        error: ((await response.json()) as any).errors?.[0],
        unchanged: isDeepStrictEqual(await footprint(database.db), before),
      };
    } finally {
      await own.stop();
    }
  }

  it('charges an upload by its size from the caller’s bucket and refuses it when empty, writing nothing', async () => {
    // 2 points, 1 back a second: less than a workbook of more than 2 KiB asks for.
    const refused = await commitOn({ rateLimit: { capacity: 2, restorePerSecond: 1 } }, '3');
    expect(refused.bytes).toBeGreaterThan(2 * 1024);
    expect(refused.response.status).toBe(429);
    expect(Number(refused.response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.error.extensions.code).toBe('RATE_LIMITED');
    expect(refused.error.extensions.http).toBeUndefined();
    expect(refused.unchanged).toBe(true);
  });

  it('cancels an upload at the request deadline: UNAVAILABLE, nothing written', async () => {
    // Reading a workbook alone takes longer than this.
    const late = await commitOn({ rateLimit: null, requestTimeoutMs: 1 }, '4');
    expect(late.response.status).toBe(503);
    expect(late.error.extensions).toEqual({ code: 'UNAVAILABLE', reason: 'TIMEOUT' });
    expect(late.unchanged).toBe(true);
  });
});
