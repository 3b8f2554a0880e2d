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
    printed: (pattern) => watch(child.stdout, pattern),
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
