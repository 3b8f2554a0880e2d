import 'reflect-metadata';
import {
  createTokenVerifier,
  issueToken,
  type StaffClaims,
  type TokenConfig,
} from '../../../server/src/auth/token.js';
import type { ConsoleRoutes } from '../../../server/src/console/serve-console.js';
import type { Limits } from '../../../server/src/limits/limits.js';
import { createLogger } from '../../../server/src/logger.js';
import { seedData } from '../../../server/src/seed/seed-data.js';
import { createServer } from '../../../server/src/server.js';
import {
  createTestDatabase,
  seedHunan,
  type TestDatabase,
} from '../../../server/test/helpers/test-database.js';

/** How the test servers verify staff tokens, and how the tests sign them. */
const TOKENS: TokenConfig = {
  key: { kind: 'secret', secret: 'fulian-sdk-tests-secret-of-at-least-32-bytes' },
  issuer: 'fulian-sdk-tests',
  audience: 'fulian-graph',
};

export interface ServerSettings {
  /** Whether callers without credentials are served; true by default. */
  allowAnonymous?: boolean;
  limits?: Partial<Limits>;
  /** The province console, served beside /graphql (the console package's browser tests). */
  console?: ConsoleRoutes;
}

export interface RunningServer {
  /** The URL of /graphql. */
  endpoint: string;
  close(): Promise<void>;
}

export interface LiveServer extends RunningServer {
  database: TestDatabase;
  /** Signs a staff token the server accepts, valid for an hour. */
  token(claims: StaffClaims): Promise<string>;
}

/**
 * The real server on a fresh database holding the Hunan tree and the seed data (what
 * `fulian seed` loads), listening on a free port of the loopback interface: what a third
 * party's code talks to, in process. It takes staff tokens, API keys and anonymous callers.
 */
export async function startLiveServer(settings: ServerSettings = {}): Promise<LiveServer> {
  const database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  const server = await startServer(database, settings);
  return {
    ...server,
    database,
    token: signToken,
    async close() {
      await server.close();
      await database.close();
    },
  };
}

/** Signs a staff token the test servers accept, valid for an hour. */
export function signToken(claims: StaffClaims): Promise<string> {
  return issueToken(TOKENS, claims, '1h');
}

/** Another server over the same database, e.g. with other limits. */
export async function startServer(
  database: Pick<TestDatabase, 'db'>,
  settings: ServerSettings = {},
): Promise<RunningServer> {
  const server = await createServer({
    db: database.db,
    logger: createLogger('silent'),
    production: false,
    auth: {
      verifyToken: await createTokenVerifier(TOKENS),
      allowAnonymous: settings.allowAnonymous ?? true,
    },
    limits: settings.limits,
    console: settings.console,
  });
  const endpoint = await server.listen(0, '127.0.0.1');
  return { endpoint, close: () => server.stop() };
}
