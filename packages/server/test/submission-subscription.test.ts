import { createClient, type Client } from 'graphql-ws';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Viewer } from '../src/auth/viewer.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedHandTree, seedTemplate, seedTestMetrics, staff } from './helpers/reporting.js';
import { CREATE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let client: Awaited<ReturnType<typeof createGraphQLClient>>;
let socket: Client;
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
  client = await createGraphQLClient(database);
  const url = await client.server.listen(0, '127.0.0.1');
  socket = createClient({ url: url.replace('http', 'ws'), webSocketImpl: WebSocket, lazy: false });
});
afterAll(async () => {
  await socket.dispose();
  await client.server.stop();
  await database.close();
});

it('tells a subscriber over a real WebSocket when a city in its subtree submits, not who', async () => {
  const events: any[] = [];
  const subscribed = new Promise<void>((resolve, reject) => {
    const unsubscribe = socket.subscribe(
      {
        query: `subscription { submissionStatusChanged(within: "4301") {
          from to actor submission { status version organization { code } } } }`,
      },
      {
        next: (message) => {
          events.push(message);
          unsubscribe();
        },
        error: reject,
        complete: resolve,
      },
    );
  });
  // The protocol does not acknowledge a subscription, so submit again (one period at a time)
  // until the first event arrives; drafts and units outside the subtree never reach it.
  for (let year = 2001; events.length === 0 && year <= 2020; year += 1) {
    const period = String(year);
    const other = await client.execute(
      CREATE,
      { input: { template: 'test-annual', organization: '4302', period } },
      admin,
    );
    await client.execute(
      SUBMIT,
      { input: { id: other.data.createSubmission.submission.id, expectedVersion: 1 } },
      admin,
    );
    const created = await client.execute(
      CREATE,
      { input: { template: 'test-annual', organization: '4301', period } },
      admin,
    );
    const submitted = await client.execute(
      SUBMIT,
      { input: { id: created.data.createSubmission.submission.id, expectedVersion: 1 } },
      admin,
    );
    expect(submitted.errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  await subscribed;
  // Who made the change is internal: this socket identified as nobody.
  expect(events).toMatchObject([
    {
      data: {
        submissionStatusChanged: {
          from: 'DRAFT',
          to: 'SUBMITTED',
          actor: null,
          submission: { status: 'SUBMITTED', version: 2, organization: { code: '4301' } },
        },
      },
      errors: [
        {
          path: ['submissionStatusChanged', 'actor'],
          extensions: { code: 'FORBIDDEN', action: 'read.internal' },
        },
      ],
    },
  ]);
  expect(events[0].errors).toHaveLength(1);
});
