import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, can, type Action, type Target } from '../src/auth/permissions.js';
import { ANONYMOUS, ROLES, SYSTEM, type Role, type Viewer } from '../src/auth/viewer.js';
import type { OrganizationRow } from '../src/db/tables.js';
import { UserError } from '../src/errors.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

const ACTIONS: Action[] = [
  'submission.create',
  'submission.save',
  'submission.submit',
  'submission.return',
  'submission.approve',
  'submission.unapprove',
  'template.manage',
  'submission.read',
  'read.internal',
];

/** How a target sits relative to the viewer's organization, worked out from parent_id links. */
interface Relation {
  /** The target is the viewer's organization or below it. */
  inSubtree: boolean;
  /** The target's parent is the viewer's organization. */
  directlyBelow: boolean;
  /** The viewer's organization is the target or below it. */
  insideTarget: boolean;
}

/** The policy of issue 7, written out per role and action, independent of permissions.ts. */
const POLICY: Record<Role, Partial<Record<Action, (r: Relation) => boolean>>> = {
  PROVINCE_ADMIN: Object.fromEntries(ACTIONS.map((action) => [action, (r) => r.inSubtree])),
  EDITOR: {
    'submission.create': (r) => r.inSubtree,
    'submission.save': (r) => r.inSubtree,
    'submission.submit': (r) => r.inSubtree,
    'submission.read': (r) => r.inSubtree || r.insideTarget,
    'read.internal': (r) => r.inSubtree,
  },
  REVIEWER: {
    'submission.return': (r) => r.directlyBelow,
    'submission.approve': (r) => r.directlyBelow,
    'submission.read': (r) => r.directlyBelow || r.insideTarget,
    'read.internal': (r) => r.inSubtree,
  },
  VIEWER: {
    'submission.read': (r) => r.insideTarget,
    'read.internal': (r) => r.inSubtree,
  },
};

let database: TestDatabase;
let rows: Map<number, OrganizationRow>;
/** Each sampled organization's ancestors-or-self ids, from a recursive walk of parent_id. */
let lineage: Map<number, Set<number>>;
let viewerOrganizations: OrganizationRow[];
let targetsOf: Map<number, OrganizationRow[]>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  const { db } = database;

  // Viewers at every level, sampled deterministically (ordered by a hash of the code).
  const sample = async (level: string, count: number) =>
    (
      await sql<OrganizationRow>`
        SELECT * FROM organization WHERE level = ${level} ORDER BY md5(code) LIMIT ${count}`.execute(
        db,
      )
    ).rows;
  viewerOrganizations = [
    ...(await sample('PROVINCE', 1)),
    ...(await sample('CITY', 3)),
    ...(await sample('COUNTY', 4)),
    ...(await sample('TOWNSHIP', 4)),
    ...(await sample('VILLAGE', 4)),
  ];

  // Targets around each viewer: itself, its ancestors, children, grandchildren, siblings,
  // cousins, and units elsewhere in the tree.
  const ids = viewerOrganizations.map((row) => row.id);
  const near = await sql<OrganizationRow & { viewer_id: number }>`
    SELECT DISTINCT ON (v.id, o.id) o.*, v.id AS viewer_id
    FROM organization v
    CROSS JOIN LATERAL (
      (SELECT * FROM organization o WHERE o.id = v.id OR o.id = v.parent_id)
      UNION ALL
      (SELECT * FROM organization o WHERE o.id = (SELECT parent_id FROM organization WHERE id = v.parent_id))
      UNION ALL
      (SELECT * FROM organization o WHERE o.parent_id = v.id ORDER BY md5(o.path) LIMIT 3)
      UNION ALL
      (SELECT g.* FROM organization c JOIN organization g ON g.parent_id = c.id
        WHERE c.parent_id = v.id ORDER BY md5(g.path) LIMIT 3)
      UNION ALL
      (SELECT * FROM organization o WHERE o.parent_id = v.parent_id AND o.id <> v.id
        ORDER BY md5(o.path) LIMIT 2)
      UNION ALL
      (SELECT c.* FROM organization s JOIN organization c ON c.parent_id = s.id
        WHERE s.parent_id = v.parent_id AND s.id <> v.id ORDER BY md5(c.path) LIMIT 2)
      UNION ALL
      (SELECT * FROM organization o WHERE o.level <> 'NATIONAL'
        ORDER BY md5(o.path || v.id::text) LIMIT 6)
    ) o
    WHERE v.id = ANY(${ids}::int[])`.execute(db);
  targetsOf = new Map(ids.map((id) => [id, []]));
  rows = new Map(viewerOrganizations.map((row) => [row.id, row]));
  for (const { viewer_id, ...row } of near.rows) {
    targetsOf.get(viewer_id)!.push(row);
    rows.set(row.id, row);
  }

  const walked = await sql<{ start_id: number; ids: number[] }>`
    WITH RECURSIVE up(start_id, id, parent_id) AS (
      SELECT id, id, parent_id FROM organization WHERE id = ANY(${[...rows.keys()]}::int[])
      UNION ALL
      SELECT up.start_id, o.id, o.parent_id FROM up JOIN organization o ON o.id = up.parent_id
    )
    SELECT start_id, array_agg(id) AS ids FROM up GROUP BY start_id`.execute(db);
  lineage = new Map(walked.rows.map((row) => [row.start_id, new Set(row.ids)]));
});
afterAll(() => database.close());

function relation(viewerOrganization: OrganizationRow, target: OrganizationRow): Relation {
  return {
    inSubtree: lineage.get(target.id)!.has(viewerOrganization.id),
    directlyBelow: target.parent_id === viewerOrganization.id,
    insideTarget: lineage.get(viewerOrganization.id)!.has(target.id),
  };
}

function staff(role: Role, organization: OrganizationRow): Viewer {
  return {
    kind: 'staff',
    subject: `${role}@${organization.code}`,
    role,
    organization: { id: organization.id, path: organization.path },
  };
}

/** authorize()'s answer: null when allowed, else the code it threw. */
function authorizeCode(viewer: Viewer, action: Action, target: Target): string | null {
  try {
    authorize(viewer, action, target);
    return null;
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return String((error as UserError).extensions.code);
  }
}

describe('the permission matrix over the real Hunan tree', () => {
  it('answers every (staff viewer, target, action) exactly as the policy says', () => {
    let checked = 0;
    const allowedByRole = new Map<Role, number>();
    const mismatches: string[] = [];
    for (const viewerOrganization of viewerOrganizations) {
      // A province admin's reach is a province: the role exists only there.
      const roles = ROLES.filter(
        (role) => role !== 'PROVINCE_ADMIN' || viewerOrganization.level === 'PROVINCE',
      );
      for (const role of roles) {
        const viewer = staff(role, viewerOrganization);
        for (const target of targetsOf.get(viewerOrganization.id)!) {
          const facts = relation(viewerOrganization, target);
          for (const action of ACTIONS) {
            const expected = POLICY[role][action]?.(facts) ?? false;
            const actual = can(viewer, action, target);
            const code = authorizeCode(viewer, action, target);
            if (actual !== expected || code !== (expected ? null : 'FORBIDDEN')) {
              mismatches.push(
                `${role}@${viewerOrganization.code} ${action} ${target.code}: expected ${expected}, can ${actual}, authorize ${code}`,
              );
            }
            if (expected) allowedByRole.set(role, (allowedByRole.get(role) ?? 0) + 1);
            checked += 1;
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    // The sample is large and exercises both answers for every role.
    expect(checked).toBeGreaterThan(5_000);
    for (const role of ROLES) expect(allowedByRole.get(role)).toBeGreaterThan(10);
  });

  it('never lets API keys or anonymous callers write or read internal data, and lets the system do all', () => {
    const apiKey: Viewer = { kind: 'api-key', keyId: 1, name: 'partner', scopes: ['read:public'] };
    const targets = [...rows.values()];
    for (const target of targets) {
      for (const action of ACTIONS) {
        expect(can(apiKey, action, target)).toBe(false);
        expect(authorizeCode(apiKey, action, target)).toBe('FORBIDDEN');
        expect(can(ANONYMOUS, action, target)).toBe(false);
        expect(authorizeCode(ANONYMOUS, action, target)).toBe('UNAUTHENTICATED');
        expect(can(SYSTEM, action, target)).toBe(true);
      }
    }
    expect(targets.length).toBeGreaterThan(200);
  });

  it('spells out the cases people ask about, on named units', async () => {
    const byCode = async (code: string) =>
      database.db
        .selectFrom('organization')
        .selectAll()
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
    const [hunan, changsha, furong, zhuzhou] = await Promise.all(
      ['43', '4301', '430102', '4302'].map(byCode),
    );
    const cityEditor = staff('EDITOR', changsha!);
    const provinceReviewer = staff('REVIEWER', hunan!);
    const countyViewer = staff('VIEWER', furong!);

    // A city editor saves its own and its counties' reports, never another city's, and never
    // approves anything, its own included.
    expect(can(cityEditor, 'submission.save', changsha!)).toBe(true);
    expect(can(cityEditor, 'submission.save', furong!)).toBe(true);
    expect(can(cityEditor, 'submission.save', zhuzhou!)).toBe(false);
    expect(can(cityEditor, 'submission.approve', changsha!)).toBe(false);
    // The province's reviewer approves cities, not counties, and not the province itself.
    expect(can(provinceReviewer, 'submission.approve', changsha!)).toBe(true);
    expect(can(provinceReviewer, 'submission.approve', furong!)).toBe(false);
    expect(can(provinceReviewer, 'submission.approve', hunan!)).toBe(false);
    // A county's staff see the city's draft (they work inside it), not a sibling city's.
    expect(can(countyViewer, 'submission.read', changsha!)).toBe(true);
    expect(can(countyViewer, 'submission.read', zhuzhou!)).toBe(false);
    // Personal data goes downwards only: the county viewer reads its own, not the city's.
    expect(can(countyViewer, 'read.internal', furong!)).toBe(true);
    expect(can(countyViewer, 'read.internal', changsha!)).toBe(false);
  });
});
