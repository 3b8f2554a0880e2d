import { parseArgs } from 'node:util';
import { createTokenVerifier } from '../auth/token.js';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { createServer } from '../server.js';
import { openDatabase } from './open-database.js';

export const serveHelp = `Usage: fulian serve [--no-migrate]

Serves GraphQL at http://localhost:$PORT/graphql (PORT defaults to 4000), with /healthz
(process up) and /readyz (database reachable). Migrates the database first unless
--no-migrate. Stops gracefully on SIGTERM and SIGINT.

Uses DATABASE_URL (PostgreSQL) when set, else PGlite in FULIAN_DATA_DIR (default ./.fulian/data),
which it locks and shares with the other commands on a Unix socket in the directory.
Callers identify with a staff JWT (FULIAN_JWT_SECRET, FULIAN_JWT_PUBLIC_KEY or
FULIAN_JWT_JWKS_URL) or an API key (\`fulian apikey create\`); set FULIAN_ALLOW_ANONYMOUS=true
to serve public data without credentials. docs/security.md lists every setting and limit.`;

export async function serveCommand(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({ args, options: { 'no-migrate': { type: 'boolean' } } });
  const config = loadConfig();
  const db = await openDatabase(config, logger, { share: true });
  if (!values['no-migrate']) await migrateToLatest(db);
  const server = await createServer({
    db,
    logger,
    production: config.production,
    auth: {
      verifyToken: config.token && (await createTokenVerifier(config.token)),
      allowAnonymous: config.allowAnonymous,
    },
    introspection: config.introspection,
    limits: config.limits,
    trustedProxies: config.trustedProxies,
    corsOrigins: config.corsOrigins,
  });
  const url = await server.listen(config.port);
  logger.info({ url, database: config.databaseUrl ? 'postgres' : 'pglite' }, 'serving');
  console.log(`fulian-graph ready at ${url}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    await server.stop();
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
