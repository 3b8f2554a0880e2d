import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/**
 * How the body of a backup was written: `pg_dump`'s custom format (PostgreSQL), or `rows`,
 * this project's logical dump (see backup.rows.ts; PGlite).
 */
export type BackupFormat = 'pg_dump' | 'rows';

/** What a backup file says about itself, on its second line. */
export interface BackupManifest {
  format: BackupFormat;
  /** The last migration applied to the database backed up: its schema version. */
  schemaVersion: string;
  /** The build that wrote it: the server package's version and git commit. */
  version: string;
  commit: string;
  createdAt: string;
  /** Rows per table (kysely's own migration tables aside), counted in the backup's snapshot. */
  rows: Record<string, number>;
  /** The body's length and SHA-256 (hex), checked before a restore changes anything. */
  body: { bytes: number; sha256: string };
}

/** A file that is not a backup this build can restore; the CLI prints the message as is. */
export class BackupFileError extends Error {}

const MAGIC = 'fulian-backup';
const FORMAT_VERSION = 1;
/** Far more than any manifest needs; a file without its two lines in this much is not one. */
const HEADER_LIMIT = 1 << 20;

/**
 * Writes a backup file: the line `fulian-backup 1`, the manifest as one line of JSON, then the
 * body, copied from `bodyFile` (which is removed). The file appears under its name only once
 * complete, so a backup that failed halfway never looks like one that worked.
 */
export async function writeBackupFile(
  file: string,
  manifest: Omit<BackupManifest, 'body'>,
  bodyFile: string,
): Promise<BackupManifest> {
  const body = await digest(createReadStream(bodyFile));
  const complete: BackupManifest = { ...manifest, body };
  const partial = `${file}.partial`;
  try {
    const out = createWriteStream(partial);
    out.write(`${MAGIC} ${FORMAT_VERSION}\n${JSON.stringify(complete)}\n`);
    await pipeline(createReadStream(bodyFile), out);
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
    await rm(bodyFile, { force: true });
  }
  return complete;
}

/** A backup file read and checked: its manifest, and where its body starts. */
export interface CheckedBackup {
  manifest: BackupManifest;
  /** The body, from the file (a fresh stream on each call). */
  body(): ReadStream;
}

/**
 * Reads a backup file's header and checks the whole body against the manifest's length and
 * checksum. Throws BackupFileError, with a one-line reason, for a file that is not a backup,
 * one of a format this build does not know, or one damaged anywhere.
 */
export async function readBackupFile(file: string): Promise<CheckedBackup> {
  const head = Buffer.alloc(HEADER_LIMIT);
  let length: number;
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    throw new BackupFileError(`cannot read ${file}: ${error.code ?? error.message}`);
  });
  try {
    ({ bytesRead: length } = await handle.read(head, 0, HEADER_LIMIT, 0));
  } finally {
    await handle.close();
  }
  const firstEnd = head.subarray(0, length).indexOf(0x0a);
  const first = firstEnd < 0 ? '' : head.subarray(0, firstEnd).toString('latin1');
  if (!first.startsWith(`${MAGIC} `)) {
    throw new BackupFileError(`${file} is not a fulian backup (unknown format)`);
  }
  if (first !== `${MAGIC} ${FORMAT_VERSION}`) {
    throw new BackupFileError(
      `${file} is a fulian backup of format ${first.slice(MAGIC.length + 1)}, which this build does not read (it reads ${FORMAT_VERSION})`,
    );
  }
  const secondEnd = head.subarray(0, length).indexOf(0x0a, firstEnd + 1);
  const manifest =
    secondEnd < 0 ? undefined : parseManifest(head.subarray(firstEnd + 1, secondEnd));
  if (!manifest) throw new BackupFileError(`${file} is damaged: its manifest does not read`);

  const start = secondEnd + 1;
  const body = () => createReadStream(file, { start });
  const found = await digest(body());
  if (found.bytes !== manifest.body.bytes || found.sha256 !== manifest.body.sha256) {
    throw new BackupFileError(
      `${file} is damaged: its body has ${found.bytes} bytes and checksum ${found.sha256.slice(0, 12)}…, the manifest says ${manifest.body.bytes} and ${manifest.body.sha256.slice(0, 12)}…`,
    );
  }
  return { manifest, body };
}

function parseManifest(line: Buffer): BackupManifest | undefined {
  let parsed: Partial<BackupManifest>;
  try {
    parsed = JSON.parse(line.toString('utf8')) as Partial<BackupManifest>;
  } catch {
    return undefined;
  }
  const valid =
    (parsed.format === 'pg_dump' || parsed.format === 'rows') &&
    typeof parsed.schemaVersion === 'string' &&
    typeof parsed.rows === 'object' &&
    parsed.rows !== null &&
    Object.values(parsed.rows).every((n) => Number.isSafeInteger(n)) &&
    Number.isSafeInteger(parsed.body?.bytes) &&
    typeof parsed.body?.sha256 === 'string';
  return valid ? (parsed as BackupManifest) : undefined;
}

async function digest(stream: ReadStream): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
