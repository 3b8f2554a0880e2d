import { Agent, createServer as createHttpServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { cp, writeFile } from 'node:fs/promises';
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database.js';
import { migrations } from '../src/db/migrations/index.js';
import type { Database } from '../src/db/tables.js';
import { run, serve, temporaryDataDirs } from './helpers/cli-process.js';
import { HUNAN_EDITION } from './helpers/division-edition.js';

const freshDataDir = temporaryDataDirs('fulian-cli-');

describe('the fulian CLI', () => {
  it('lists every command with a line saying what it does', async () => {
    const result = await run(['--help'], {});
    expect(result.code).toBe(0);
    const listed = result.stdout
      .split('\n')
      .filter((line) => /^ {2}\S/.test(line))
      .map((line) => line.trim().split(/\s{2,}/));
    expect(listed.map(([name]) => name)).toEqual([
      'serve',
      'migrate',
      'seed',
      'schema',
      'token',
      'apikey',
      'export',
      'rollup',
      'backup',
      'restore',
    ]);
    for (const [name, summary] of listed) expect(summary, name).toMatch(/^[a-z].{20,}/);
  });

  it('prints help for each command', async () => {
    const result = await run(['seed', '--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Usage: fulian seed [--region CODES | --all]');
  });

  it('verifies the maintained totals against the figures, and names an unknown subtree', async () => {
    const dataDir = await freshDataDir();
    const verified = await run(['rollup', 'verify'], { FULIAN_DATA_DIR: dataDir });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^0 totals compared in [0-9.]+ s, 0 difference\(s\)$/m);
    const unknown = await run(['rollup', 'verify', '--within', '4399'], {
      FULIAN_DATA_DIR: dataDir,
    });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('fulian rollup: no organization 4399');
  });

  it('says in one line that an unreachable DATABASE_URL cannot be reached, and exits non-zero', async () => {
    const result = await run(['serve'], {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/nowhere',
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(
      /^fulian serve: cannot reach the database \(postgres:\/\/postgres@127\.0\.0\.1:1\/nowhere\)/,
    );
  });

  it('lists applied, pending and unknown migrations with migrate --status, changing nothing', async () => {
    const target = await emptyDatabase();
    try {
      const names = Object.keys(migrations).sort();
      const fresh = await run(['migrate', '--status'], target.env);
      expect(fresh.code).toBe(0);
      const phases = names.map((name) => migrations[name]?.phase);
      const contracts = phases.filter((phase) => phase === 'contract').length;
      expect(fresh.stdout.trim().split('\n')).toEqual([
        ...names.map((name, index) => `pending\t${name}\t${phases[index]}`),
        `${names.length} pending, ${contracts} of them contract; \`fulian migrate\` applies them`,
      ]);
      expect((await run(['migrate', '--status'], target.env)).stdout).toBe(fresh.stdout);

      expect((await run(['migrate'], target.env)).code).toBe(0);
      const migrated = await run(['migrate', '--status'], target.env);
      const lines = migrated.stdout.trim().split('\n');
      expect(lines.slice(0, -1).map((line) => line.split('\t').slice(0, 3))).toEqual(
        names.map((name, index) => ['applied', name, phases[index]]),
      );
      for (const line of lines.slice(0, -1)) {
        expect(Number.isNaN(Date.parse(line.split('\t')[3] ?? ''))).toBe(false);
      }
      expect(lines.at(-1)).toBe('schema is up to date');

      // A newer release migrated the database during a rolling upgrade.
      const db = target.open();
      await sql`INSERT INTO kysely_migration (name, timestamp)
        VALUES ('9999-from-a-newer-release', ${new Date().toISOString()})`.execute(db);
      await db.destroy();
      const ahead = (await run(['migrate', '--status'], target.env)).stdout.trim().split('\n');
      expect(ahead.at(-2)).toMatch(/^unknown\t9999-from-a-newer-release\t-\t20/);
      expect(ahead.at(-1)).toBe('1 unknown to this build; the database is ahead of it');
      // A server of the previous release restarting mid-upgrade migrates nothing and starts.
      expect((await run(['migrate'], target.env)).stdout.trim()).toBe(
        '1 unknown to this build; the database is ahead of it, nothing to apply',
      );
    } finally {
      await target.drop();
    }
  });

  it('refuses an unknown province code without touching the database', async () => {
    const result = await run(['seed', '--region', '4x'], { FULIAN_DATA_DIR: await freshDataDir() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'fulian seed: --region takes two-digit province codes, got "4x"',
    );
  });

  it('says in one line which successor an edition contradicts, and writes no unit', async () => {
    const divisions = await freshDataDir();
    await cp(HUNAN_EDITION, divisions, { recursive: true });
    await writeFile(path.join(divisions, 'successors.json'), '{ "430426": "430220" }');
    const target = await emptyDatabase();
    try {
      const result = await run(['seed', '--divisions', divisions], target.env);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe('fulian seed: successors.json: 430426 is still listed');
      const db = target.open();
      const { rows } = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM organization`.execute(db);
      await db.destroy();
      expect(rows[0]!.n).toBe(0);
    } finally {
      await target.drop();
    }
  });

  it('migrates, serves, and on SIGTERM finishes the request in flight before it exits', async () => {
    // A folder that does not exist yet, as ./.fulian/data on a fresh clone.
    const dataDir = path.join(await freshDataDir(), '.fulian', 'data');
    const server = serve({ FULIAN_DATA_DIR: dataDir, FULIAN_ALLOW_ANONYMOUS: 'true' });
    const url = await server.url;
    const body = JSON.stringify({ query: '{ __typename }' });
    // `Expect: 100-continue` makes the server answer once it has taken the request in (its
    // headers read), so SIGTERM provably arrives while the request is in flight: its body is
    // only sent after the server says it is draining.
    const request = httpRequest(new URL('/graphql', url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        expect: '100-continue',
      },
    });
    const response = new Promise<{ status: number | undefined; text: string }>(
      (resolve, reject) => {
        request.on('response', (answer) => {
          let text = '';
          answer.on('data', (chunk) => (text += chunk));
          answer.on('end', () => resolve({ status: answer.statusCode, text }));
        });
        request.on('error', reject);
      },
    );
    request.on('continue', () => {
      server.child.kill('SIGTERM');
      void server.draining.then(() => request.end(body));
    });
    request.flushHeaders();

    const answer = await response;
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ data: { __typename: 'Query' } });
    expect((await server.exited).code).toBe(0);
  });

  it('serves /metrics on a port of its own and exports traces over OTLP when told to', async () => {
    // A stand-in OpenTelemetry collector: what the exporter POSTs, as JSON.
    const exported: any[] = [];
    const collector = createHttpServer((request, response) => {
      let text = '';
      request.on('data', (chunk) => (text += chunk));
      request.on('end', () => {
        exported.push(JSON.parse(text));
        response.setHeader('content-type', 'application/json');
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as AddressInfo;
    try {
      const server = serve({
        FULIAN_DATA_DIR: await freshDataDir(),
        FULIAN_ALLOW_ANONYMOUS: 'true',
        FULIAN_METRICS_PORT: '0',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://127.0.0.1:${port}/v1/traces`,
      });
      const url = await server.url;
      const metricsUrl = (await server.printed(/metrics at (http:\/\/\S+)/))[1]!;
      const answer = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query Ping { organization(code: "43") { name } }' }),
      });
      expect(answer.status).toBe(200);
      const metrics = await (await fetch(metricsUrl)).text();
      expect(metrics).toContain('fulian_graphql_requests_total{operation="Ping",code="OK"} 1');
      expect((await fetch(`${url}/metrics`)).status).toBe(404);

      // Spans are batched; stopping flushes them.
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
      const spans = exported.flatMap((body) =>
        body.resourceSpans.flatMap((resource: any) =>
          resource.scopeSpans.flatMap((scope: any) => scope.spans),
        ),
      );
      const ping = spans.find((span) => span.name === 'query Ping');
      expect(ping).toBeDefined();
      const statements = spans.filter((span) => span.parentSpanId === ping.spanId);
      expect(statements.length).toBeGreaterThan(0);
      expect(JSON.stringify(statements)).not.toContain('"43"');
    } finally {
      collector.close();
    }
  });

  it('exits within 2 s of SIGTERM when idle, with a keep-alive connection open', async () => {
    const server = serve({ FULIAN_DATA_DIR: await freshDataDir() });
    const url = await server.url;
    const agent = new Agent({ keepAlive: true });
    const health = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest(new URL('/healthz', url), { agent }, (answer) => {
        answer.resume();
        answer.on('end', () => resolve(answer.statusCode));
      })
        .on('error', reject)
        .end();
    });
    expect(health).toBe(200);
    // The agent keeps the socket open, idle, as a load balancer would.
    expect(Object.keys(agent.freeSockets)).toHaveLength(1);

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    const { code, at } = await server.exited;
    agent.destroy();
    expect(code).toBe(0);
    expect(at - signalled).toBeLessThan(2_000);
  });
});

/**
 * An empty database for the CLI: a new PostgreSQL database when DATABASE_URL is set, else a
 * fresh PGlite directory; `open` reaches it from the test while no command holds it.
 */
async function emptyDatabase(): Promise<{
  env: Record<string, string>;
  open: () => Kysely<Database>;
  drop: () => Promise<void>;
}> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await freshDataDir();
    return {
      env: { FULIAN_DATA_DIR: dataDir },
      open: () => createDatabase({ dataDir }),
      drop: async () => {},
    };
  }
  const name = `fulian_cli_${randomBytes(6).toString('hex')}`;
  const admin = createDatabase({ databaseUrl: adminUrl });
  await sql`CREATE DATABASE ${sql.id(name)}`.execute(admin);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.toString() },
    open: () => createDatabase({ databaseUrl: url.toString() }),
    drop: async () => {
      await sql`DROP DATABASE IF EXISTS ${sql.id(name)} WITH (FORCE)`.execute(admin);
      await admin.destroy();
    },
  };
}
