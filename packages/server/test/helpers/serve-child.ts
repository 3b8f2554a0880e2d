import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../bin/fulian.js', import.meta.url));

export interface ServedChild {
  /** http://host:port, without /graphql. */
  base: string;
  child: ChildProcess;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  kill(): void;
}

/**
 * `fulian serve` (the compiled CLI) as a process of its own on PostgreSQL, on a free port,
 * resolved once it says where it listens.
 */
export async function serveChild(env: Record<string, string | undefined>): Promise<ServedChild> {
  const child = spawn(process.execPath, [bin, 'serve', '--no-migrate'], {
    env: { ...process.env, NODE_ENV: undefined, PORT: '0', LOG_LEVEL: 'error', ...env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const base = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (chunk) => {
      stdout += chunk;
      const match = /ready at (http:\/\/\S+)\/graphql/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
  });
  return {
    base,
    child,
    stderr: () => stderr,
    kill: () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
