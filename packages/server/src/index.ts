// The public surface of @fulian/server for tools beside it in the monorepo (the benchmark
// harness): opening and migrating a database, loading the tree, and running the server.
// type-graphql's decorators need the metadata polyfill before any resolver class loads.
import 'reflect-metadata';
export { createDatabase, type DatabaseConfig } from './db/database.js';
export { migrateToLatest } from './db/migrate.js';
export { migrations } from './db/migrations/index.js';
export type { Database } from './db/tables.js';
export { toGlobalId } from './graph/global-id.js';
export { combineQualifiers, ratioQualifier } from './modules/aggregation/aggregation.qualifier.js';
export { rebuildTotals } from './modules/aggregation/aggregation.totals.js';
export { subtreeOf, verifyTotals } from './modules/aggregation/aggregation.verify.js';
export { createLogger, type Logger } from './logger.js';
export { readDivisions, type Division } from './seed/division-source.js';
export { PATH_SEGMENT_LENGTH, subtreeUpperBound } from './db/path.js';
export { seedDivisions } from './seed/organization.seed.js';
export { seedData } from './seed/seed-data.js';
export { seedReporting } from './seed/reporting.seed.js';
export { createServer, type FulianServer } from './server.js';
export { createTokenVerifier, issueToken, type TokenConfig } from './auth/token.js';
export { SYSTEM, type Role } from './auth/viewer.js';
export { createSchema } from './schema.js';
export { CliError, runCli, type CliCommand } from './cli/dispatch.js';
export { UnreachableCaseError } from './unreachable.js';
