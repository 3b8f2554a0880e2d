import { createPubSub } from '@graphql-yoga/subscription';
import { sql, type Kysely } from 'kysely';
import { listen } from '../../db/notifications.js';
import { rootDatabase } from '../../db/statement-scope.js';
import type { Database, SubmissionRow, SubmissionStatus } from '../../db/tables.js';
import { findSubmissionRow } from './submission.repository.js';

/** A submission moved from one status to another (from is null when it was just created). */
export interface SubmissionStatusEvent {
  submission: SubmissionRow;
  /** The submitting unit's materialized path, so subscribers filter by subtree without SQL. */
  organizationPath: string;
  organizationParentId: number | null;
  from: SubmissionStatus | null;
  to: SubmissionStatus;
  at: Date;
  actor: string;
}

const SUBMISSION_STATUS_CHANGED = 'SUBMISSION_STATUS_CHANGED';

/** The PostgreSQL channel every instance on the database listens to. */
const CHANNEL = 'fulian_submission_status';

/** An event as NOTIFY carries it: small and fixed in size (a payload must stay under 8,000 bytes). */
interface Notice {
  submissionId: number;
  organizationPath: string;
  organizationParentId: number | null;
  from: SubmissionStatus | null;
  to: SubmissionStatus;
  at: string;
  actor: string;
}

/**
 * Sends the event with the transaction that made the change: PostgreSQL delivers it to every
 * instance listening on the database when the transaction commits, and never if it rolls back.
 */
export async function notifyStatusChange(
  trx: Kysely<Database>,
  event: SubmissionStatusEvent,
): Promise<void> {
  const notice: Notice = {
    submissionId: event.submission.id,
    organizationPath: event.organizationPath,
    organizationParentId: event.organizationParentId,
    from: event.from,
    to: event.to,
    at: event.at.toISOString(),
    actor: event.actor,
  };
  await sql`SELECT pg_notify(${CHANNEL}, ${JSON.stringify(notice)})`.execute(trx);
}

type Bus = ReturnType<
  typeof createPubSub<{ [SUBMISSION_STATUS_CHANGED]: [SubmissionStatusEvent] }>
>;

/**
 * One instance's live events: the notices of every instance on the database (its own
 * included), each with the submission as it now reads, passed to this instance's subscribers
 * in the order they came. Started by the server, shared by the servers on one database handle.
 */
export class SubmissionEvents {
  private static readonly byDatabase = new WeakMap<Kysely<Database>, SubmissionEvents>();
  private readonly bus: Bus = createPubSub();
  private users = 0;
  private subscribers = 0;
  private stopListening: Promise<() => Promise<void>> | null = null;
  private delivered: Promise<void> = Promise.resolve();

  static of(database: Kysely<Database>): SubmissionEvents {
    // The server's database, not a request's: the events are read for the whole instance.
    const db = rootDatabase(database);
    let events = SubmissionEvents.byDatabase.get(db);
    if (!events) {
      events = new SubmissionEvents(db);
      SubmissionEvents.byDatabase.set(db, events);
    }
    return events;
  }

  private constructor(private readonly db: Kysely<Database>) {}

  async start(onError: (error: unknown) => void): Promise<void> {
    this.users += 1;
    this.stopListening ??= listen(this.db, CHANNEL, (payload) => {
      this.delivered = this.delivered.then(() => this.deliver(payload)).catch(onError);
    });
    await this.stopListening;
  }

  async stop(): Promise<void> {
    this.users -= 1;
    if (this.users > 0 || !this.stopListening) return;
    const stopping = this.stopListening;
    this.stopListening = null;
    await (
      await stopping
    )();
    await this.delivered;
  }

  /** The events from now on, until the caller stops iterating. */
  async *subscribe(): AsyncGenerator<SubmissionStatusEvent> {
    this.subscribers += 1;
    try {
      yield* this.bus.subscribe(SUBMISSION_STATUS_CHANGED);
    } finally {
      this.subscribers -= 1;
    }
  }

  private async deliver(payload: string): Promise<void> {
    // Nobody to tell on this instance: no statement to read the submission.
    if (this.subscribers === 0) return;
    const notice = JSON.parse(payload) as Notice;
    const submission = await findSubmissionRow(this.db, notice.submissionId);
    if (!submission) return;
    this.bus.publish(SUBMISSION_STATUS_CHANGED, {
      submission,
      organizationPath: notice.organizationPath,
      organizationParentId: notice.organizationParentId,
      from: notice.from,
      to: notice.to,
      at: new Date(notice.at),
      actor: notice.actor,
    });
  }
}
