import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * PostgreSQL's own tools, run as child processes: `pg_dump` and `pg_restore` from PATH (the
 * client tools of the server's major version or newer). FULIAN_PG_BIN, when set, is the
 * directory to take them from instead, e.g. /usr/lib/postgresql/15/bin.
 */
function tool(name: 'pg_dump' | 'pg_restore'): string {
  const dir = process.env.FULIAN_PG_BIN;
  return dir ? `${dir.replace(/\/$/, '')}/${name}` : name;
}

/**
 * Dumps the database in pg_dump's custom format into `file`, from the snapshot `snapshot`
 * (exported by the transaction that counted the rows), so the dump and the manifest describe
 * the same moment.
 */
export async function pgDump(url: string, snapshot: string, file: string): Promise<void> {
  await run(tool('pg_dump'), [
    '--format=custom',
    `--snapshot=${snapshot}`,
    `--file=${file}`,
    `--dbname=${url}`,
  ]);
}

/**
 * Restores a custom-format dump read from `body` into the database at `url`, in one
 * transaction that stops at the first error, so a failed restore leaves the database as it
 * was. Ownership and grants are left out: the restoring role owns what it creates, whatever
 * roles the backed-up cluster had.
 */
export async function pgRestore(url: string, body: Readable): Promise<void> {
  await run(
    tool('pg_restore'),
    ['--single-transaction', '--exit-on-error', '--no-owner', '--no-acl', `--dbname=${url}`],
    body,
  );
}

/** Runs a tool to its end; throws with its first line of complaint when it fails. */
function run(command: string, args: string[], stdin?: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    if (stdin) {
      // A tool that stops reading (it failed) closes its stdin; its exit says why.
      child.stdin!.on('error', () => {});
      stdin.pipe(child.stdin!);
    }
    child.on('error', (error) => reject(new Error(`cannot run ${command}: ${error.message}`)));
    child.on('exit', (code) => {
      if (code === 0) return resolve();
      const line = stderr.split('\n').find((text) => text.trim()) ?? `exit code ${code}`;
      reject(new Error(`${command} failed: ${line.trim()}`));
    });
  });
}
