import { Agent, request as httpRequest } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, serve, temporaryDataDirs } from './helpers/cli-process.js';

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

  it('refuses an unknown province code without touching the database', async () => {
    const result = await run(['seed', '--region', '4x'], { FULIAN_DATA_DIR: await freshDataDir() });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'fulian seed: --region takes two-digit province codes, got "4x"',
    );
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
