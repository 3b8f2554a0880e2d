import { parseArgs } from 'node:util';
import {
  createApiKey,
  isApiKeyScope,
  listApiKeys,
  parseApiKeyScope,
  revokeApiKey,
} from '../auth/api-key.js';
import { API_KEY_SCOPE_NAMES, API_KEY_SCOPES, type ApiKeyScope } from '../auth/viewer.js';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { CliError } from './dispatch.js';
import { DATABASE_HELP, openDatabase } from './open-database.js';

const KNOWN_SCOPES = API_KEY_SCOPES.map((scope) => API_KEY_SCOPE_NAMES[scope]).join(', ');

export const apikeyHelp = `Usage: fulian apikey create --name NAME [--scopes SCOPES]
       fulian apikey list
       fulian apikey revoke ID

API keys for third parties. A key is printed once, when created; the database keeps only its
SHA-256 hash and its first characters. Clients send it as \`Authorization: ApiKey <key>\` or
\`x-api-key: <key>\`.

  --name NAME      who the key is for (shown by list and in the logs)
  --scopes SCOPES  comma-separated; known: ${KNOWN_SCOPES} (default: READ_PUBLIC); the
                   stored spelling (read:public) is accepted too

${DATABASE_HELP}`;

export async function apikeyCommand(args: string[], logger: Logger): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: 'string' }, scopes: { type: 'string', default: 'READ_PUBLIC' } },
  });
  if (action !== 'create' && action !== 'list' && action !== 'revoke') {
    throw new CliError('give an action: create, list or revoke');
  }
  let name = '';
  const scopes: ApiKeyScope[] = [];
  if (action === 'create') {
    name = values.name?.trim() ?? '';
    if (!name) throw new CliError('--name is required');
    for (const text of values.scopes.split(',')) {
      const scope = parseApiKeyScope(text);
      if (scope === null) {
        throw new CliError(`unknown scope "${text.trim()}"; known: ${KNOWN_SCOPES}`);
      }
      scopes.push(scope);
    }
  }
  const id = action === 'revoke' ? Number(positionals[0]) : 0;
  if (action === 'revoke' && !(Number.isSafeInteger(id) && id > 0)) {
    throw new CliError('give the id of the key to revoke (see `fulian apikey list`)');
  }

  const db = await openDatabase(loadConfig(), logger);
  try {
    await migrateToLatest(db);
    switch (action) {
      case 'create': {
        const created = await createApiKey(db, name, scopes);
        console.log(`created API key ${created.id} (${name}); it is shown only now:`);
        console.log(created.key);
        break;
      }
      case 'list': {
        const keys = await listApiKeys(db);
        if (keys.length === 0) console.log('no API keys');
        for (const key of keys) {
          const status = key.revoked_at ? `revoked ${key.revoked_at.toISOString()}` : 'active';
          const used = key.last_used_at ? key.last_used_at.toISOString() : 'never';
          console.log(
            `${key.id}\t${key.prefix}…\t${key.name}\t${key.scopes.map(scopeName).join(',')}\t${status}\tlast used ${used}`,
          );
        }
        break;
      }
      case 'revoke':
        if (!(await revokeApiKey(db, id))) {
          throw new CliError(`no active API key ${id}`);
        }
        console.log(`revoked API key ${id}`);
        break;
    }
  } finally {
    await db.destroy();
  }
}

/** A stored scope in its public spelling; one this version does not know, as stored. */
function scopeName(stored: string): string {
  return isApiKeyScope(stored) ? API_KEY_SCOPE_NAMES[stored] : stored;
}
