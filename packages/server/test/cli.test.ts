import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../bin/fulian.js', import.meta.url));
const dataDirs: string[] = [];
afterAll(() => Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true }))));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string | undefined>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Served {
  child: ChildProcess;
  /** The server's base URL, once it says it is ready. */
  url: Promise<string>;
  /** Resolves when the server logs that it is draining. */
  draining: Promise<void>;
  /** The exit code, and when (performance.now()) the process exited. */
  exited: Promise<{ code: number | null; at: number }>;
}

/** Starts `fulian serve` on a free port, watching its output. */
function serve(env: Record<string, string | undefined>): Served {
  const child = spawn(process.execPath, [bin, 'serve'], {
    // Not NODE_ENV=test, which vitest sets: the server must stop as it does for its users.
    env: {
      ...process.env,
      NODE_ENV: undefined,
      DATABASE_URL: undefined,
      LOG_LEVEL: 'info',
      PORT: '0',
      ...env,
    },
  });
  const watch = (stream: NodeJS.ReadableStream, pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      let text = '';
      stream.on('data', (chunk) => {
        text += chunk;
        const match = pattern.exec(text);
        if (match) resolve(match);
      });
    });
  return {
    child,
    url: watch(child.stdout, /ready at (http:\/\/\S+)\/graphql/).then((match) => match[1] ?? ''),
    draining: watch(child.stderr, /"msg":"draining"/).then(() => {}),
    exited: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, at: performance.now() }));
    }),
  };
}

async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'fulian-cli-'));
  dataDirs.push(dir);
  return dir;
}

describe('the fulian CLI', () => {
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
