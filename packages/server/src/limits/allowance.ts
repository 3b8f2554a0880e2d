import type { Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import { DatabaseUnavailableError } from '../db/unavailable.js';
import type { RateLimit } from './limits.js';
import { giveBackToBucket, takeFromBucket, type Take } from './rate-limit.js';

export interface AllowanceRefusal {
  granted: false;
  available: number;
  retryAfterSeconds: number;
}

export type AllowanceAnswer = { granted: true; remaining: number } | AllowanceRefusal;

/** One caller's standing with this instance. */
interface Account {
  /** Points taken from the shared bucket and not yet spent; below zero is a debt. */
  allowance: number;
  /** The shared bucket's level after this instance's last exchange with it, and when. */
  level: number;
  at: number;
  /** Until when a refusal by the database is repeated here without asking it again. */
  refusedUntil: number;
  /** The exchange with the database in flight, which the caller's other requests wait for. */
  exchange: Promise<void> | null;
  lastUsed: number;
}

/** An allowance unused this long is given back to the shared bucket. */
export const IDLE_RETURN_MS = 2_000;

/**
 * The admission contract of docs/security.md: each caller's requests are admitted against an
 * allowance this instance took from the caller's shared bucket, so the common case sends no
 * statement; the database is asked only when an allowance runs out (once, whatever the number
 * of requests waiting), topped up in the background before it does, and given back when idle.
 */
export class AllowanceBook {
  private readonly accounts = new Map<string, Account>();
  private readonly sweeper: NodeJS.Timeout;
  /** One second of refill (at least one request's cost): what an instance takes at a time. */
  private readonly grant: number;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limit: RateLimit,
    private readonly onError: (error: unknown) => void,
  ) {
    this.grant = Math.min(limit.capacity, limit.restorePerSecond);
    this.sweeper = setInterval(() => this.returnIdle(), IDLE_RETURN_MS / 2);
    this.sweeper.unref();
  }

  /** Takes `cost` points for a request of `key`'s, or says when they will be there. */
  async admit(key: string, cost: number): Promise<AllowanceAnswer> {
    const account = this.account(key);
    account.lastUsed = Date.now();
    for (;;) {
      if (account.allowance >= cost) {
        account.allowance -= cost;
        if (account.allowance < this.grant / 2) this.topUp(key, account);
        return { granted: true, remaining: this.remaining(account) };
      }
      const level = this.levelNow(account);
      if (Date.now() < account.refusedUntil && account.allowance + level < cost) {
        return this.refusal(account, cost);
      }
      if (account.exchange) {
        await account.exchange;
        continue;
      }
      // What is missing (a debt included) and a fresh allowance, in one statement.
      const needed = cost - account.allowance;
      const take = await this.exchange(key, account, needed, needed + this.grant);
      if (!take.granted) {
        const refusal = this.refusal(account, cost);
        account.refusedUntil = Date.now() + refusal.retryAfterSeconds * 1_000;
        return refusal;
      }
    }
  }

  /**
   * Settles a request after it ran: `points` go back to the allowance (what it was charged
   * and did not use) or, below zero, are taken from it (its statement time), without a
   * statement.
   */
  settle(key: string, points: number): number {
    const account = this.account(key);
    account.allowance += points;
    return this.remaining(account);
  }

  /** Gives every allowance back to the shared buckets; the server calls it when it stops. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    // A database that is gone keeps what it was not given back: stopping must not fail on it.
    await Promise.all(
      [...this.accounts.entries()].map(([key, account]) =>
        this.giveBack(key, account).catch(this.onError),
      ),
    );
  }

  private account(key: string): Account {
    let account = this.accounts.get(key);
    if (!account) {
      account = {
        allowance: 0,
        level: this.limit.capacity,
        at: Date.now(),
        refusedUntil: 0,
        exchange: null,
        lastUsed: Date.now(),
      };
      this.accounts.set(key, account);
    }
    return account;
  }

  /** The shared bucket's level as this instance last saw it, refilled since. */
  private levelNow(account: Account): number {
    const refill = ((Date.now() - account.at) / 1_000) * this.limit.restorePerSecond;
    return Math.min(this.limit.capacity, account.level + refill);
  }

  private remaining(account: Account): number {
    return Math.floor(account.allowance + this.levelNow(account));
  }

  private refusal(account: Account, cost: number): AllowanceRefusal {
    const available = account.allowance + this.levelNow(account);
    return {
      granted: false,
      available,
      retryAfterSeconds: Math.max(1, Math.ceil((cost - available) / this.limit.restorePerSecond)),
    };
  }

  /**
   * One statement against the shared bucket for this caller; the caller's other requests
   * wait for it instead of sending their own. It goes through the server's database, not a
   * request's: it is the caller's, not one request's, and a request's deadline must not cancel
   * it.
   */
  private exchange(key: string, account: Account, needed: number, wanted: number): Promise<Take> {
    const pending = takeFromBucket(this.db, key, needed, wanted, this.limit)
      .catch((error: unknown) => this.takeLocally(account, needed, wanted, error))
      .then((take) => {
        account.allowance += take.taken;
        account.level = take.level;
        account.at = Date.now();
        return take;
      });
    // Waiters resume once it is over, whether it failed or not, and then look again.
    const over: Promise<void> = pending.then(
      () => forget(),
      () => forget(),
    );
    const forget = () => {
      if (account.exchange === over) account.exchange = null;
    };
    account.exchange = over;
    return pending;
  }

  /**
   * The take when the shared bucket cannot be reached (the primary is down while a replica
   * serves the reads): from this instance's own view of the bucket, refilled at the shared
   * rate, so callers are still limited, each instance on its own, until the database answers.
   */
  private takeLocally(account: Account, needed: number, wanted: number, error: unknown): Take {
    if (!(error instanceof DatabaseUnavailableError)) throw error;
    this.onError(error);
    const level = this.levelNow(account);
    const taken = level >= needed ? Math.min(level, Math.max(needed, wanted)) : 0;
    return { granted: level >= needed, taken, level: level - taken };
  }

  /** Refills an allowance running low without making the request that noticed wait. */
  private topUp(key: string, account: Account): void {
    if (account.exchange || Date.now() < account.refusedUntil) return;
    this.exchange(key, account, 0, this.grant - account.allowance).catch(this.onError);
  }

  private returnIdle(): void {
    const now = Date.now();
    for (const [key, account] of this.accounts) {
      if (account.exchange || now - account.lastUsed < IDLE_RETURN_MS) continue;
      if (account.allowance < 0) {
        // A debt is paid from the bucket as it refills, then the account is forgotten.
        this.exchange(key, account, 0, -account.allowance).catch(this.onError);
        continue;
      }
      this.accounts.delete(key);
      this.giveBack(key, account).catch(this.onError);
    }
  }

  private async giveBack(key: string, account: Account): Promise<void> {
    const points = account.allowance;
    account.allowance = 0;
    if (points > 0) {
      await giveBackToBucket(this.db, key, points, this.limit);
    }
  }
}
