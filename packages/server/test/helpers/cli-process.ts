import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** The compiled CLI, as it ships: tests that spawn it need `npm run build` first. */
const bin = fileURLToPath(new URL('../../bin/fulian.js', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one `fulian` command to its end, on PGlite unless `env` names a DATABASE_URL. */
export function run(args: string[], env: Record<string, string | undefined>): Promise<Run> {
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

export interface Served {
  child: ChildProcess;
  /** The server's base URL, once it says it is ready. */
  url: Promise<string>;
  /** Resolves when the server logs that it is draining. */
  draining: Promise<void>;
  /** The exit code, and when (performance.now()) the process exited. */
  exited: Promise<{ code: number | null; at: number }>;
  /** Resolves with the first match of `pattern` in everything the server printed. */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
  /** What the server wrote to stderr (its log) so far. */
  stderr(): string;
}

/** Starts `fulian serve` on a free port, watching its output. */
export function serve(env: Record<string, string | undefined>): Served {
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
  // Everything each stream printed so far, so a pattern asked for late still sees it.
  const printed = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk) => (printed.stdout += chunk));
  child.stderr.on('data', (chunk) => (printed.stderr += chunk));
  const watch = (name: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = () => {
        const match = pattern.exec(printed[name]);
        if (!match) return false;
        resolve(match);
        return true;
      };
      if (check()) return;
      const stream = child[name];
      const onData = () => {
        if (check()) stream.off('data', onData);
      };
      stream.on('data', onData);
    });
  return {
    child,
    url: watch('stdout', /ready at (http:\/\/\S+)\/graphql/).then((match) => match[1] ?? ''),
    draining: watch('stderr', /"msg":"draining"/).then(() => {}),
    exited: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, at: performance.now() }));
    }),
    printed: (pattern) => watch('stdout', pattern),
    stderr: () => printed.stderr,
  };
}

/**
 * Fresh temporary directories for PGlite data, removed after the file's tests. Call it at the
 * top of a test file; it returns the function that makes one.
 */
export function temporaryDataDirs(prefix: string): () => Promise<string> {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  return async () => {
    const dir = await mkdtemp(path.join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
