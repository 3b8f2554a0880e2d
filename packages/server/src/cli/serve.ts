import { parseArgs } from 'node:util';
import { createTokenVerifier } from '../auth/token.js';
import { loadConfig } from '../config.js';
import { createConsoleRoutes, findConsoleRoot } from '../console/serve-console.js';
import { migrateToLatest, migrationStatus } from '../db/migrate.js';
import type { Logger } from '../logger.js';
import { Observability } from '../observability/observability.js';
import { startTraceExport } from '../observability/tracing.js';
import { createServer } from '../server.js';
import { localAdmin, localAdminCommand, withLocalSecret } from './local-secret.js';
import { openDatabase } from './open-database.js';

export const serveHelp = `Usage: fulian serve [--no-migrate] [--subgraph]

Serves GraphQL at http://localhost:$PORT/graphql (PORT defaults to 4000; FULIAN_HOST names
the address to listen on, every interface by default), with /healthz (process up), /readyz
(database reachable) and the province console at / when packages/console is built
(docs/console.md). Migrates the database first unless
--no-migrate. Stops gracefully on SIGTERM and SIGINT.

Uses DATABASE_URL (PostgreSQL) when set, else PGlite in FULIAN_DATA_DIR (default ./.fulian/data),
which it locks and shares with the other commands on a Unix socket in the directory. With
DATABASE_READ_URL, queries read from that streaming replica of DATABASE_URL's server, and
/readyz reports its lag (docs/deploy.md).
Callers identify with a staff JWT (FULIAN_JWT_SECRET, FULIAN_JWT_PUBLIC_KEY or
FULIAN_JWT_JWKS_URL) or an API key (\`fulian apikey create\`); set FULIAN_ALLOW_ANONYMOUS=true
to serve public data without credentials. docs/security.md lists every setting and limit.

Local mode (PGlite, not production, no JWT key configured) signs tokens with a secret it makes
on first start and keeps in FULIAN_DATA_DIR/jwt-secret (mode 0600); \`fulian token\` finds it
there. The server prints the command that mints a first admin token; while it listens on
loopback only (FULIAN_HOST=127.0.0.1, as \`npm start\` does), the console offers the same
admin in one click to callers on the same machine.

With --subgraph (or FULIAN_SUBGRAPH=true) the graph is an Apollo Federation 2 subgraph, with
_service, _entities and @key on Organization (by id and by code) and MetricDefinition (by
code), to compose with other subgraphs behind a gateway or router (docs/deploy.md).

Metrics for Prometheus are served on a port of their own when FULIAN_METRICS_PORT is set
(http://$FULIAN_METRICS_HOST:$FULIAN_METRICS_PORT/metrics, host 127.0.0.1 by default); traces go
over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set. docs/observability.md tells more.`;

export async function serveCommand(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'no-migrate': { type: 'boolean' }, subgraph: { type: 'boolean' } },
  });
  const { config, localSecretFile } = await withLocalSecret(loadConfig());
  const subgraph = values.subgraph === true || config.subgraph;
  const stopTraceExport = await startTraceExport(process.env, logger);
  const observability = new Observability({ logger, slowStatementMs: config.slowStatementMs });
  const db = await openDatabase(config, logger, {
    share: true,
    onQuery: observability.onQuery,
  });
  if (!values['no-migrate']) await migrateToLatest(db);
  const ahead = (await migrationStatus(db)).filter((m) => m.state === 'unknown');
  if (ahead.length > 0) {
    // A newer release migrated the database: fine for the previous release during a rolling
    // upgrade, not for an older one (docs/operations.md, "Upgrades while serving").
    logger.warn({ migrations: ahead.map((m) => m.name) }, 'database schema is ahead of this build');
  }
  // The first province in the tree: Hunan (43) after a plain `fulian seed`.
  const province =
    (
      await db
        .selectFrom('organization')
        .select('code')
        .where('level', '=', 'PROVINCE')
        .orderBy('path')
        .executeTakeFirst()
    )?.code ?? '43';
  const consoleRoot = findConsoleRoot();
  const server = await createServer({
    db,
    logger,
    production: config.production,
    auth: {
      verifyToken: config.token && (await createTokenVerifier(config.token)),
      allowAnonymous: config.allowAnonymous,
    },
    introspection: config.introspection,
    subgraph,
    limits: config.limits,
    trustedProxies: config.trustedProxies,
    corsOrigins: config.corsOrigins,
    observability,
    console:
      consoleRoot === null
        ? undefined
        : createConsoleRoutes({
            root: consoleRoot,
            localAdmin: localSecretFile ? () => localAdmin(config, province) : undefined,
          }),
  });
  const url = await server.listen(config.port, config.host);
  logger.info(
    {
      url,
      database: config.databaseUrl ? 'postgres' : 'pglite',
      readReplica: config.readUrl !== undefined,
      subgraph,
    },
    'serving',
  );
  if (config.metrics) {
    const metricsUrl = await server.listenMetrics(config.metrics.port, config.metrics.host);
    logger.info({ url: metricsUrl }, 'serving metrics');
    console.log(`metrics at ${metricsUrl}`);
  }
  console.log(`fulian-graph ready at ${url}`);
  if (consoleRoot !== null) console.log(`province console at ${new URL('/', url).href}`);
  if (localSecretFile) {
    console.log(
      `Local mode: staff tokens are signed with the secret in ${localSecretFile}. A first admin token:\n  ${localAdminCommand(province)}`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining');
    await server.stop();
    await db.destroy();
    await stopTraceExport?.();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}
