import { spawn } from 'node:child_process';
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

function run(
  args: string[],
  env: Record<string, string | undefined>,
  onStdout?: (text: string, kill: () => void) => void,
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      onStdout?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
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

  it('migrates, serves and drains on SIGTERM', async () => {
    // A folder that does not exist yet, as ./.fulian/data on a fresh clone.
    const dataDir = path.join(await freshDataDir(), '.fulian', 'data');
    let health: unknown;
    const result = await run(['serve'], { FULIAN_DATA_DIR: dataDir, PORT: '0' }, (stdout, kill) => {
      const match = /ready at (http:\/\/\S+)\/graphql/.exec(stdout);
      if (!match || health !== undefined) return;
      health = null;
      void fetch(`${match[1]}/healthz`)
        .then((response) => response.json())
        .then((body) => {
          health = body;
          kill();
        });
    });
    expect(health).toEqual({ status: 'ok' });
    expect(result.code).toBe(0);
  });
});
