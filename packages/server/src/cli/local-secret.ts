import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { issueToken } from '../auth/token.js';
import { TOKEN_CLAIM_DEFAULT, type Config } from '../config.js';

/** The file in the data directory that keeps the local mode's JWT secret. */
export const LOCAL_SECRET_FILE = 'jwt-secret';

/** The one command that mints a token for the first admin of a local server. */
export const localAdminCommand = (provinceCode: string) =>
  `npx fulian token --role PROVINCE_ADMIN --org ${provinceCode}`;

/**
 * A token for the local admin that localAdminCommand would print (the province's admin, for
 * eight hours), for the console's one-click sign-in in local mode.
 */
export function localAdmin(config: Config, provinceCode: string): Promise<string> {
  if (!config.token) throw new Error('local admin outside local mode');
  return issueToken(
    config.token,
    { subject: 'local-admin', role: 'PROVINCE_ADMIN', organization: provinceCode },
    '8h',
  );
}

/**
 * The configuration with the local mode's token secret filled in. Local mode is the embedded
 * database (no DATABASE_URL) outside production with no token key configured: without a
 * secret, every token would be refused and a first admin would have no way in. The secret is
 * made on first use, kept beside the database (mode 0600), and read again by every later
 * `fulian serve` and `fulian token` on the same data directory, so tokens outlive restarts.
 * Anywhere else the configuration is returned as it is.
 */
export async function withLocalSecret(
  config: Config,
): Promise<{ config: Config; localSecretFile: string | null }> {
  if (config.databaseUrl || config.production || config.token) {
    return { config, localSecretFile: null };
  }
  const file = path.join(config.dataDir, LOCAL_SECRET_FILE);
  const secret = await readOrCreateSecret(file);
  return {
    config: {
      ...config,
      token: {
        key: { kind: 'secret', secret },
        issuer: TOKEN_CLAIM_DEFAULT,
        audience: TOKEN_CLAIM_DEFAULT,
      },
    },
    localSecretFile: file,
  };
}

async function readOrCreateSecret(file: string): Promise<string> {
  const existing = await readSecret(file);
  if (existing !== null) return existing;
  await mkdir(path.dirname(file), { recursive: true });
  // 32 random bytes, base64url: 43 characters, over the 32 bytes HS256 needs. Written whole
  // to a file of this process, then linked into place: a link fails if another process made
  // the file first (its secret wins), and nobody ever reads a half-written file.
  const secret = randomBytes(32).toString('base64url');
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, `${secret}\n`, { mode: 0o600 });
  try {
    await link(draft, file);
    return secret;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const made = await readSecret(file);
    if (made === null) throw new Error(`${file} is empty; delete it to make a new secret`);
    return made;
  } finally {
    await unlink(draft);
  }
}

async function readSecret(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    return text === '' ? null : text;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}
