import { sql, type Kysely } from 'kysely';
import { rootDatabase } from '../db/statement-scope.js';
import type { Database, OrganizationLevel } from '../db/tables.js';
import { fromGlobalIdOf } from '../graph/global-id.js';

/** How many units one organization has below it, per level. */
interface Subtree {
  level: OrganizationLevel;
  below: Partial<Record<OrganizationLevel, number>>;
}

/** How long a count is trusted before it is read again, in the background. */
const REFRESH_AFTER_MS = 5 * 60_000;
const RETRY_AFTER_MS = 10_000;

/**
 * How many units a field reads, estimated from the tree before the field runs: the number of
 * units per level below every organization that has any, read in one statement when the server
 * starts and again in the background every five minutes, so costing a request never waits for
 * the database. Villages (leaves) are not kept: an organization not found counts as one unit,
 * which is also what a subtree seeded after the last read costs until the next one.
 */
export class TreeSizes {
  private static readonly shared = new WeakMap<Kysely<Database>, TreeSizes>();

  /**
   * The counts of one database, read once for every server instance in the process that
   * serves it (tests start many).
   */
  static of(database: Kysely<Database>, onError: (error: unknown) => void): TreeSizes {
    // The server's database, not a request's: a refresh is for every request, and none of
    // them may cancel it.
    const db = rootDatabase(database);
    let sizes = TreeSizes.shared.get(db);
    if (!sizes) {
      sizes = new TreeSizes(db, onError);
      TreeSizes.shared.set(db, sizes);
    }
    return sizes;
  }

  private readonly byReference = new Map<string, Subtree>();
  private whole: Partial<Record<OrganizationLevel, number>> = {};
  private readAt = 0;
  private refreshing: Promise<void> | null = null;
  private first: Promise<void> | null = null;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Reads the counts if they were never read; the server awaits it when it starts. */
  ready(): Promise<void> {
    this.first ??= this.load();
    return this.first;
  }

  /**
   * Reads the counts. A failure is reported and retried after RETRY_AFTER_MS, costing
   * requests as single units meanwhile.
   */
  private async load(): Promise<void> {
    try {
      await this.read();
    } catch (error) {
      this.onError(error);
      this.readAt = Date.now() - REFRESH_AFTER_MS + RETRY_AFTER_MS;
    }
  }

  private async read(): Promise<void> {
    // Every unit counts once under each organization above it: the ancestor at depth d is the
    // unit's path cut to d + 1 segments, all segments being of one length.
    const rows = await sql<{
      id: number | null;
      code: string | null;
      own: OrganizationLevel | null;
      level: OrganizationLevel;
      units: number;
    }>`
      WITH below AS (
        SELECT left(o.path, length(o.path) / (o.depth + 1) * (d + 1)) AS prefix, o.level,
               count(*)::int AS units
        FROM organization o, generate_series(0, o.depth - 1) AS d
        GROUP BY 1, 2
      )
      SELECT a.id, a.code, a.level AS own, below.level, below.units
      FROM below JOIN organization a ON a.path = below.prefix
      UNION ALL
      SELECT NULL, NULL, NULL, level, count(*)::int FROM organization GROUP BY level`.execute(
      this.db,
    );
    const byReference = new Map<string, Subtree>();
    const whole: Partial<Record<OrganizationLevel, number>> = {};
    for (const row of rows.rows) {
      if (row.id === null || row.own === null) {
        whole[row.level] = row.units;
        continue;
      }
      const key = `id:${row.id}`;
      let subtree = byReference.get(key);
      if (!subtree) {
        subtree = { level: row.own, below: {} };
        byReference.set(key, subtree);
        if (row.code) byReference.set(row.code, subtree);
      }
      subtree.below[row.level] = row.units;
    }
    this.byReference.clear();
    for (const [key, subtree] of byReference) this.byReference.set(key, subtree);
    this.whole = whole;
    this.readAt = Date.now();
  }

  /**
   * Units at `level` (every level when null) inside `within`: an organization id or division
   * code, the organization itself included; null means the whole tree.
   */
  units(within: string | null, level: OrganizationLevel | null): number {
    this.refreshIfStale();
    if (within === null) return count(this.whole, level);
    const subtree = this.find(within);
    if (!subtree) return 1;
    const own = level === null || level === subtree.level ? 1 : 0;
    return own + count(subtree.below, level);
  }

  /**
   * Changes each time the counts are read anew: a cost computed from them holds until then
   * (cost-cache.ts).
   */
  get generation(): number {
    return this.readAt;
  }

  private find(within: string): Subtree | undefined {
    const byCode = this.byReference.get(within);
    if (byCode) return byCode;
    try {
      return this.byReference.get(`id:${fromGlobalIdOf('Organization', within)}`);
    } catch {
      // Not an id either: the field itself answers NOT_FOUND or BAD_USER_INPUT when it runs.
      return undefined;
    }
  }

  /** Starts reading the counts anew when they are stale (`units` does it too). */
  refreshIfStale(): void {
    if (this.refreshing || Date.now() - this.readAt < REFRESH_AFTER_MS) return;
    this.refreshing = this.load().finally(() => {
      this.refreshing = null;
    });
  }
}

function count(
  counts: Partial<Record<OrganizationLevel, number>>,
  level: OrganizationLevel | null,
): number {
  if (level !== null) return counts[level] ?? 0;
  return Object.values(counts).reduce((sum, units) => sum + units, 0);
}
