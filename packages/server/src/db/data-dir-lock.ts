import { closeSync, openSync, readFileSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** What a lock file says about the process that holds the data directory. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** The command line that took the lock, e.g. `fulian serve`. */
  command: string;
  /** The Unix socket the holder serves the database on, when it does. */
  socket?: string;
}

/** The data directory is held by a live process (or one this host cannot check). */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    super(
      `${dataDir} is in use by process ${holder.pid} (${holder.command}) on ${holder.host} since ${holder.startedAt}`,
    );
  }
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

const LOCK_NAME = 'fulian.lock';
const TAKEOVER_SUFFIX = '.takeover';

/**
 * Takes the data directory for this process: creates `fulian.lock` in it atomically (O_EXCL),
 * recording pid, host, start time and command. A lock whose process is gone (same host, pid
 * not running) is taken over; any other lock throws DataDirInUseError naming its holder. The
 * file is removed on release and, failing that, when the process exits.
 */
export function lockDataDir(
  dataDir: string,
  details: { command: string; socket?: string },
): DataDirLock {
  const file = path.join(dataDir, LOCK_NAME);
  const mine: LockHolder = {
    pid: process.pid,
    host: hostname(),
    startedAt: new Date().toISOString(),
    ...details,
  };
  const content = `${JSON.stringify(mine)}\n`;
  // A few tries: one may find a stale lock and clear it (or a stale takeover file, see
  // clearStaleLock); a lock still there after that was written by a process that started
  // meanwhile, and holds the directory.
  for (let attempt = 0; !createExclusive(file, content); attempt++) {
    const holder = readHolder(file);
    if (holder === 'gone') continue;
    if (attempt >= 2 || !isStale(holder)) throw new DataDirInUseError(dataDir, file, holder);
    clearStaleLock(file, holder);
  }

  const onExit = () => removeIfMine(file);
  process.once('exit', onExit);
  return {
    file,
    release() {
      process.off('exit', onExit);
      removeIfMine(file);
    },
  };
}

/** Creates the file with this content unless it exists; false when it does. */
function createExclusive(file: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * The lock's holder; 'gone' when the file vanished before it could be read. A file that does
 * not parse is one being written this instant (open and write are two steps): its writer is
 * alive, so it is reported as held by an unknown process rather than taken over.
 */
function readHolder(file: string): LockHolder | 'gone' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as LockHolder;
    if (Number.isSafeInteger(parsed.pid) && typeof parsed.host === 'string') return parsed;
  } catch {
    // Reported below as a holder that cannot be told.
  }
  return { pid: 0, host: 'unknown', startedAt: 'unknown', command: 'a process starting now' };
}

/** A lock is stale when its process ran on this host and runs no more. */
function isStale(holder: LockHolder): boolean {
  if (holder.host !== hostname() || holder.pid <= 0) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes a stale lock. Two processes may find the same stale lock at once; if both simply
 * deleted it, the slower one could delete the lock the faster one had just created, and both
 * would open the database. So the removal itself is taken with a second exclusive file, and
 * the lock is read again under it: only the process that holds the takeover file removes
 * the lock, and only while it still names the dead process.
 */
function clearStaleLock(file: string, stale: LockHolder): void {
  const takeover = `${file}${TAKEOVER_SUFFIX}`;
  if (!createExclusive(takeover, `${process.pid}\n`)) {
    let taker: number;
    try {
      taker = Number(readFileSync(takeover, 'utf8').trim());
    } catch {
      return;
    }
    // A takeover file left by a process that died mid-takeover is itself stale.
    if (isStale({ ...stale, pid: taker })) rmSync(takeover, { force: true });
    return;
  }
  try {
    const now = readHolder(file);
    if (now !== 'gone' && now.pid === stale.pid && now.startedAt === stale.startedAt) {
      unlinkSync(file);
    }
  } finally {
    unlinkSync(takeover);
  }
}

function removeIfMine(file: string): void {
  const holder = readHolder(file);
  if (holder !== 'gone' && holder.pid === process.pid && holder.host === hostname()) {
    rmSync(file, { force: true });
  }
}
