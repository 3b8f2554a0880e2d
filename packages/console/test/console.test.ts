import 'reflect-metadata';
import { createClient, type FulianClient } from '@fulian/sdk';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsoleRoutes } from '../../server/src/console/serve-console.js';
import { seedReporting } from '../../server/src/seed/reporting.seed.js';
import { startLiveServer, type LiveServer } from '../../sdk/test/helpers/live-server.js';
import { screenshotDifference, TOLERANCE } from './screenshots.js';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../dist');
/** Debian's chromium (apt-get install chromium; .ci/run installs it): no browser download. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

// The console and its browser run once per CI, on the PGlite pass: what they test is the page
// over the API, which the other suites test on both databases; on PostgreSQL they are skipped.
describe.skipIf(Boolean(process.env.DATABASE_URL))('the province console in a browser', () => {
  let live: LiveServer;
  let origin: string;
  let browser: Browser;
  let admin: BrowserContext;

  beforeAll(async () => {
    live = await startLiveServer({
      allowAnonymous: true,
      console: createConsoleRoutes({
        root: DIST,
        localAdmin: () =>
          live.token({ subject: 'local-admin', role: 'PROVINCE_ADMIN', organization: '43' }),
      }),
    });
    // The reports are loaded after the documents, as `fulian seed` does.
    await seedReporting(live.database.db);
    origin = new URL(live.endpoint).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--font-render-hinting=none', '--disable-lcd-text'],
    });
    // The local admin, signed in with the console's one-click button (the server listens on
    // loopback, and the test server offers it as `fulian serve` does in local mode).
    admin = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const page = await admin.newPage();
    await page.goto(`${origin}/`);
    await page.getByRole('button', { name: '本机管理员一键登录' }).click();
    await page.getByTestId('viewer').filter({ hasText: '省级管理员' }).waitFor();
    // Session storage is the tab's: the context's later pages start with the same token.
    const token = await page.evaluate(() => sessionStorage.getItem('fulian.token'));
    await admin.addInitScript((value) => sessionStorage.setItem('fulian.token', value), token!);
    await page.close();
  });

  afterAll(async () => {
    await browser?.close();
    await live?.close();
  });

  /** A page of a context, its token (if any) in session storage already. */
  async function open(context: BrowserContext, path: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto(`${origin}${path}`);
    return page;
  }

  /** A client acting as a city federation's editor, to send reports as a city would. */
  async function editorOf(city: string): Promise<FulianClient> {
    const token = await live.token({
      subject: `editor-${city}`,
      role: 'EDITOR',
      organization: city,
    });
    return createClient({ endpoint: live.endpoint, token });
  }

  /** A city's 2020 annual report, sent up for review with one figure; returns its id. */
  async function submitReport(city: string, sessions: string): Promise<string> {
    const editor = await editorOf(city);
    const { createSubmission } = await editor.createSubmission({
      template: 'annual-summary',
      organization: city,
      period: '2020',
    });
    const saved = await editor.saveSubmissionValues({
      id: createSubmission.submission.id,
      expectedVersion: createSubmission.submission.version,
      values: [{ metric: 'training.sessions', value: sessions }],
    });
    await editor.submitSubmission({
      id: saved.saveSubmissionValues.submission.id,
      expectedVersion: saved.saveSubmissionValues.submission.version,
    });
    return saved.saveSubmissionValues.submission.id;
  }

  it('serves the console from the origin of /graphql with a CSP of its own origin only', async () => {
    // A browser's page load (it accepts HTML) of a path the console routes; a program asking
    // for another path, as a scraper at /metrics, gets the API's 404, not the page.
    const page = await fetch(`${origin}/org/4301`, { headers: { accept: 'text/html' } });
    expect((await fetch(`${origin}/metrics`)).status).toBe(404);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self';/);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())![1]!;
    const asset = await fetch(`${origin}${script}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${origin}/assets/none.js`)).status).toBe(404);
    expect((await fetch(`${origin}/..%2f..%2fpackage.json`)).status).toBe(404);
    // The page itself runs under that policy without a single refusal.
    const refusals: string[] = [];
    const rollup = await admin.newPage();
    rollup.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refusals.push(message.text());
    });
    await rollup.goto(`${origin}/rollup?period=2020`);
    await rollup.locator('.chart svg').waitFor();
    expect(refusals).toEqual([]);
    await rollup.close();
  });

  // First, while the data is as seeded: each view at desktop and phone width, against the
  // screenshots committed under docs/console/ (shown in docs/console.md).
  const VIEWS = [
    { name: 'home', path: '/', ready: '.card >> nth=13' },
    { name: 'organization', path: '/org/4301', ready: 'caption:has-text("数据")' },
    { name: 'progress', path: '/progress?period=2020', ready: '[data-testid=totals]', live: true },
    { name: 'rollup', path: '/rollup?period=2020', ready: '.chart svg', live: true },
    { name: 'review', path: '/review', ready: 'text=没有待审核的报表', live: true },
  ];
  for (const [width, viewport] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`each view at ${width} width matches its committed screenshot within ${TOLERANCE * 100}%`, async () => {
      await Promise.all(admin.pages().map((page) => page.close()));
      for (const view of VIEWS) {
        const page = await open(admin, view.path);
        await page.setViewportSize(viewport);
        await page.locator(view.ready).waitFor();
        // A live view says so once its socket is up: shown as it is when connected.
        if (view.live) await page.locator('[data-live=on]').waitFor();
        await page.waitForLoadState('networkidle');
        expect(
          await screenshotDifference(page, `${view.name}-${width}`),
          view.name,
        ).toBeLessThanOrEqual(TOLERANCE);
        await page.close();
      }
    });
  }

  it('finds a unit by name and pinyin and drills down from the province to a village', async () => {
    const context = await browser.newContext({ viewport: PHONE, locale: 'zh-CN' });
    const page = await open(context, '/org');
    await page.getByLabel('按名称或拼音查找单位').fill('yueyang');
    await page.getByRole('button', { name: '查找' }).click();
    await page.locator('.found').getByRole('link', { name: '岳阳市妇联', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('岳阳市妇联');
    for (const level of ['县市区', '乡镇（街道）', '村（社区）']) {
      // Keyboard: the first unit of the table below, reached and opened with the keyboard.
      const first = page.locator('tbody tr').first().getByRole('link');
      const name = (await first.textContent())!;
      await first.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('h1').textContent()).toBe(name);
      expect(await page.locator('.lead').first().textContent()).toContain(level);
    }
    const crumbs = await page.getByRole('navigation', { name: '上级单位' }).textContent();
    expect(crumbs).toMatch(/^全国妇联 › 湖南省妇联 › 岳阳市妇联 › \S+ › \S+ › \S+$/);
    await context.close();
  });

  it("shows Changsha's 2020 training figure with its source document and quoted sentence", async () => {
    const page = await open(admin, '/org/4301');
    const row = page.locator('tr[data-metric="training.sessions"][data-period="2020"]').filter({
      hasText: '含下级',
    });
    await row.waitFor();
    expect(await row.locator('td.num').textContent()).toBe('2,679 期');
    expect(await row.locator('blockquote').textContent()).toBe('全市四级妇联共举办培训班 2679 期');
    expect(await row.locator('figcaption').textContent()).toMatch(/^——《.+》/);
    await page.close();
  });

  it('shows the 2020 completeness board with totals, filtered by status', async () => {
    const page = await open(admin, '/progress?period=2020');
    const totals = page.getByTestId('totals');
    await totals.waitFor();
    expect(await totals.textContent()).toContain('14应报');
    expect(await totals.textContent()).toContain('2已审核通过');
    expect(await page.locator('tbody tr').count()).toBe(14);
    expect(await page.locator('tr[data-code="4301"]').textContent()).toContain('已审核通过');
    await page.getByLabel('状态').selectOption({ label: '未报送' });
    await expect.poll(() => page.locator('tbody tr').count()).toBe(12);
    expect(page.url()).toContain('status=NOT_STARTED');
    await page.close();
  });

  it('opens where a roll-up number comes from, and exports the table as CSV', async () => {
    const page = await open(admin, '/rollup?period=2020');
    const changsha = page.locator('tr[data-code="4301"]');
    expect(await changsha.textContent()).toContain('第 1 名');
    await changsha.getByRole('button', { name: '2,679 期' }).click();
    const sources = page.getByRole('region', { name: '数据来源' });
    await sources.locator('blockquote').first().waitFor();
    expect(await sources.textContent()).toContain('长沙市妇联 2,679（含下级，已审核通过，计入）');
    expect(await sources.locator('blockquote').allTextContents()).toContain(
      '全市四级妇联共举办培训班 2679 期',
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '导出 CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('长沙市妇联');
    expect(csv).toContain('2679');
    await page.close();
  });

  it('a reviewer approves a report and the completeness and roll-up views change live in other pages', async () => {
    const id = await submitReport('4306', '321');
    const board = await open(admin, '/progress?period=2020');
    const yueyang = board.locator('tr[data-code="4306"]');
    await expect.poll(() => yueyang.textContent()).toContain('待审核');
    const rollup = await open(admin, '/rollup?period=2020');
    const row = rollup.locator('tr[data-code="4306"]');
    await row.waitFor();
    expect(await row.locator('td.num').first().textContent()).not.toContain('321');
    // Both follow changes once their sockets are up.
    await board.locator('[data-live=on]').waitFor();
    await rollup.locator('[data-live=on]').waitFor();

    const review = await open(admin, '/review');
    await review.getByRole('link', { name: '岳阳市妇联' }).click();
    await review.getByRole('button', { name: '审核通过' }).click();
    await expect.poll(() => review.getByRole('status').textContent()).toBe('已审核通过。');

    // No reload: the subscription tells both pages, and they ask again.
    await expect.poll(() => yueyang.textContent()).toContain('已审核通过');
    await expect.poll(() => row.locator('td.num').first().textContent()).toBe('321 期');
    expect(await board.getByTestId('totals').textContent()).toContain('3已审核通过');
    const { submission } = await (await editorOf('4306')).submission({ id });
    expect(submission?.status).toBe('APPROVED');
    await Promise.all([board.close(), rollup.close(), review.close()]);
  });

  it('a reviewer returns a report with a comment, which the unit then reads', async () => {
    const id = await submitReport('4303', '88');
    const review = await open(admin, `/review/${encodeURIComponent(id)}`);
    await review.getByLabel('退回意见').fill('培训期数与上年相差过大，请核实后重报');
    await review.getByRole('button', { name: '退回' }).click();
    await expect
      .poll(() => review.getByRole('status').textContent())
      .toBe('已退回，意见已发送给报送单位。');
    const { submission } = await (await editorOf('4303')).submission({ id });
    expect(submission?.status).toBe('RETURNED');
    expect(submission?.returnComment).toBe('培训期数与上年相差过大，请核实后重报');
    await review.close();
  });

  it('says a CONFLICT in words when the report changed after the page showed it', async () => {
    const id = await submitReport('4304', '45');
    const review = await open(admin, `/review/${encodeURIComponent(id)}`);
    await review.getByRole('button', { name: '审核通过' }).waitFor();
    // Another reviewer returns it meanwhile: the page still holds the version it read.
    const elsewhere = createClient({
      endpoint: live.endpoint,
      token: await live.token({ subject: 'other', role: 'PROVINCE_ADMIN', organization: '43' }),
    });
    const { submission } = await elsewhere.submission({ id });
    await elsewhere.returnSubmission({ id, expectedVersion: submission!.version, comment: '退回' });
    await review.getByRole('button', { name: '审核通过' }).click();
    const alert = review.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/刚被其他人修改过|当前状态为“已退回”/);
    expect(await alert.textContent()).not.toMatch(/CONFLICT|VERSION|version/);
    await review.close();
  });

  it('shows a visitor without credentials public data and no personal data', async () => {
    const visitor = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const page = await open(visitor, '/org/4306');
    await page.getByTestId('liaisons').waitFor();
    expect(await page.getByTestId('viewer').textContent()).toBe('访客（仅公开数据）');
    expect(await page.getByTestId('liaisons').textContent()).toContain(
      '联络员姓名和电话仅对有权限的工作人员显示',
    );
    const text = (await page.locator('body').textContent())!;
    for (const personal of ['刘小平', '13974022225', '黎伟', '13873083325']) {
      expect(text).not.toContain(personal);
    }
    // The staff see them: the page withheld them, not the data that was missing.
    const staff = await open(admin, '/org/4306');
    await staff.getByTestId('liaisons').waitFor();
    expect(await staff.getByTestId('liaisons').textContent()).toContain('刘小平 13974022225');
    await Promise.all([visitor.close(), staff.close()]);
  });
});
