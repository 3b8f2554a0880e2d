import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Action } from '../src/auth/permissions.js';
import { ANONYMOUS, type Role, type Viewer } from '../src/auth/viewer.js';
import type { OrganizationRow } from '../src/db/tables.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { APPROVE, CREATE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

// Writes through the real mutations, over the real Hunan tree: each succeeds exactly when the
// rule book allows it (can() is proved against the written policy in access-permissions), a
// refused one changes nothing, and every attempt leaves one audit line.

let database: TestDatabase;
let client: Awaited<ReturnType<typeof createGraphQLClient>>;
const logLines: Record<string, any>[] = [];
let viewers: { label: string; viewer: Viewer }[];
let targets: OrganizationRow[];
let admin: Viewer;

const staff = (role: Role, organization: OrganizationRow): Viewer => ({
  kind: 'staff',
  subject: `${role}@${organization.code}`,
  role,
  organization: { id: organization.id, path: organization.path },
});

/** Everything the submission tables hold, as one fingerprint. */
async function fingerprint(): Promise<string> {
  const result = await sql<{ submissions: string | null; audit: string | null }>`
    SELECT
      (SELECT md5(string_agg(s::text, '|' ORDER BY s.id)) FROM submission s) AS submissions,
      (SELECT md5(string_agg(a::text, '|' ORDER BY a.id)) FROM submission_audit a) AS audit`.execute(
    database.db,
  );
  return JSON.stringify(result.rows[0]);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'access-annual', ['CITY', 'COUNTY']);
  // Cities alone: a city's approval then waits for no county below.
  await seedTemplate(database.db, 'access-cities', ['CITY']);
  const stream = { write: (line: string) => logLines.push(JSON.parse(line)) };
  client = await createGraphQLClient(database, { logger: pino({ level: 'info' }, stream) });

  const byCode = async (code: string) =>
    database.db
      .selectFrom('organization')
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
  const [hunan, changsha, zhuzhou, furong, yuelu, liling] = await Promise.all(
    ['43', '4301', '4302', '430102', '430104', '430281'].map(byCode),
  );
  const township = await database.db
    .selectFrom('organization')
    .selectAll()
    .where('parent_id', '=', furong!.id)
    .orderBy('code')
    .limit(1)
    .executeTakeFirstOrThrow();
  admin = staff('PROVINCE_ADMIN', hunan!);
  viewers = [
    { label: 'admin@43', viewer: admin },
    ...(['EDITOR', 'REVIEWER', 'VIEWER'] as const).flatMap((role) =>
      [hunan!, changsha!, zhuzhou!, furong!, township].map((organization) => ({
        label: `${role}@${organization.code}`,
        viewer: staff(role, organization),
      })),
    ),
    {
      label: 'api-key',
      viewer: { kind: 'api-key', keyId: 1, name: 'partner', scopes: ['read:public'] },
    },
    { label: 'anonymous', viewer: ANONYMOUS },
  ];
  targets = [changsha!, zhuzhou!, furong!, yuelu!, liling!];
});
afterAll(async () => {
  await client.server.stop();
  await database.close();
});

async function mutate(query: string, input: Record<string, unknown>, viewer: Viewer) {
  const result = await client.execute(query, { input }, viewer);
  const payload = result.data ? Object.values(result.data)[0] : null;
  return { payload: payload as any, codes: (result.errors ?? []).map((e) => e.extensions?.code) };
}

describe('writes over the real tree', () => {
  it('creates a submission exactly when the rule book allows it; a refusal writes nothing', async () => {
    let year = 2000;
    let allowed = 0;
    let refused = 0;
    for (const target of targets) {
      for (const { label, viewer } of viewers) {
        year += 1;
        const before = await fingerprint();
        const lines = logLines.length;
        const { payload, codes } = await mutate(
          CREATE,
          { template: 'access-annual', organization: target.code, period: String(year) },
          viewer,
        );
        const expected = can(viewer, 'submission.create', target);
        expect({ label, target: target.code, ok: codes.length === 0 }).toEqual({
          label,
          target: target.code,
          ok: expected,
        });
        if (expected) {
          expect(payload.submission).toMatchObject({
            status: 'DRAFT',
            organization: { code: target.code },
          });
          allowed += 1;
        } else {
          expect(codes).toEqual([viewer.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN']);
          expect(await fingerprint()).toBe(before);
          refused += 1;
        }
        // One audit line per attempt, with who, what and how it ended.
        const audit = logLines.slice(lines).filter((line) => line.audit === 'mutation');
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({
          mutation: 'createSubmission',
          outcome: expected ? 'ok' : 'refused',
          target: { input: { organization: target.code, period: String(year) } },
          viewer: { kind: viewer.kind },
        });
      }
    }
    expect(allowed).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(30);
  });

  it('approves exactly when the rule book allows it: refusals first change nothing, then one approval lands', async () => {
    const approvers = (target: OrganizationRow) =>
      viewers.filter(({ viewer }) => can(viewer, 'submission.approve', target));
    let year = 1950;
    for (const target of targets) {
      for (const allowed of approvers(target)) {
        year += 1;
        const template = target.level === 'CITY' ? 'access-cities' : 'access-annual';
        const created = await mutate(
          CREATE,
          { template, organization: target.code, period: String(year) },
          admin,
        );
        expect(created.codes).toEqual([]);
        const { id } = created.payload.submission;
        const submitted = await mutate(SUBMIT, { id, expectedVersion: 1 }, admin);
        const version = submitted.payload.version;
        const before = await fingerprint();
        for (const { label, viewer } of viewers) {
          if (can(viewer, 'submission.approve' satisfies Action, target)) continue;
          const { codes } = await mutate(APPROVE, { id, expectedVersion: version }, viewer);
          expect({ label, codes }).toEqual({
            label,
            codes: [viewer.kind === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN'],
          });
        }
        expect(await fingerprint()).toBe(before);
        const approved = await mutate(APPROVE, { id, expectedVersion: version }, allowed.viewer);
        expect({ label: allowed.label, codes: approved.codes }).toEqual({
          label: allowed.label,
          codes: [],
        });
        expect(approved.payload.status).toBe('APPROVED');
      }
    }
    // Cities are approved by the province's admin and reviewer; counties by their city's.
    expect(approvers(targets[0]!).map((entry) => entry.label)).toEqual(['admin@43', 'REVIEWER@43']);
    expect(approvers(targets[2]!).map((entry) => entry.label)).toEqual([
      'admin@43',
      'REVIEWER@4301',
    ]);
  });
});
