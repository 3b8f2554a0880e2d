import { isIP } from 'node:net';
import path from 'node:path';
import type { TokenConfig, TokenKeySource } from './auth/token.js';
import { DEFAULT_LIMITS, type Limits } from './limits/limits.js';

/** The `iss` and `aud` a staff token carries unless FULIAN_JWT_ISSUER / _AUDIENCE say otherwise. */
export const TOKEN_CLAIM_DEFAULT = 'fulian-graph';

export interface Config {
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  databaseUrl: string | undefined;
  /** A streaming replica of DATABASE_URL's server that queries read from (DATABASE_READ_URL). */
  readUrl: string | undefined;
  /** Where PGlite keeps its files when no DATABASE_URL is set. */
  dataDir: string;
  port: number;
  /** The address to listen on (FULIAN_HOST); absent means every interface. */
  host: string | undefined;
  production: boolean;
  /** Upper bound for one SQL statement on PostgreSQL. */
  statementTimeoutMs: number;
  /** How staff tokens are verified; absent means the server accepts no bearer tokens. */
  token: TokenConfig | undefined;
  /** Whether requests without credentials are served (public data only). */
  allowAnonymous: boolean;
  /** Whether the schema can be introspected: on in development, off in production. */
  introspection: boolean;
  /** Whether the graph is served as an Apollo Federation 2 subgraph (FULIAN_SUBGRAPH). */
  subgraph: boolean;
  limits: Limits;
  /** Reverse proxies whose X-Forwarded-For names an anonymous caller (limits/client-address.ts). */
  trustedProxies: string[];
  /** Browser origins allowed to call cross-origin (FULIAN_CORS_ORIGINS, cors.ts); none by default. */
  corsOrigins: string[];
  /** A statement taking at least this long is logged with its request. */
  slowStatementMs: number;
  /** Where /metrics is served, on a listener of its own; absent means not served. */
  metrics: { port: number; host: string } | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
    throw new Error('DATABASE_READ_URL names a replica of DATABASE_URL: set DATABASE_URL too');
  }
  return {
    databaseUrl: env.DATABASE_URL || undefined,
    readUrl: env.DATABASE_READ_URL || undefined,
    dataDir: path.resolve(env.FULIAN_DATA_DIR ?? '.fulian/data'),
    port: positiveInt(env.PORT, 4000, 'PORT'),
    host: env.FULIAN_HOST || undefined,
    production: env.NODE_ENV === 'production',
    statementTimeoutMs: positiveInt(
      env.FULIAN_STATEMENT_TIMEOUT_MS,
      30_000,
      'FULIAN_STATEMENT_TIMEOUT_MS',
    ),
    token: tokenConfig(env),
    allowAnonymous: flag(env.FULIAN_ALLOW_ANONYMOUS, false, 'FULIAN_ALLOW_ANONYMOUS'),
    introspection: flag(
      env.FULIAN_INTROSPECTION,
      env.NODE_ENV !== 'production',
      'FULIAN_INTROSPECTION',
    ),
    subgraph: flag(env.FULIAN_SUBGRAPH, false, 'FULIAN_SUBGRAPH'),
    limits: limitsConfig(env),
    trustedProxies: addressList(env.FULIAN_TRUSTED_PROXIES, 'FULIAN_TRUSTED_PROXIES'),
    corsOrigins: originList(env.FULIAN_CORS_ORIGINS, 'FULIAN_CORS_ORIGINS'),
    slowStatementMs: positiveInt(env.FULIAN_SLOW_STATEMENT_MS, 1_000, 'FULIAN_SLOW_STATEMENT_MS'),
    metrics: env.FULIAN_METRICS_PORT
      ? {
          port: positiveInt(env.FULIAN_METRICS_PORT, 0, 'FULIAN_METRICS_PORT'),
          host: env.FULIAN_METRICS_HOST || '127.0.0.1',
        }
      : undefined,
  };
}

function tokenConfig(env: NodeJS.ProcessEnv): TokenConfig | undefined {
  const sources: TokenKeySource[] = [];
  if (env.FULIAN_JWT_SECRET) sources.push({ kind: 'secret', secret: env.FULIAN_JWT_SECRET });
  if (env.FULIAN_JWT_PUBLIC_KEY) {
    sources.push({
      kind: 'public-key',
      pem: env.FULIAN_JWT_PUBLIC_KEY,
      algorithm: env.FULIAN_JWT_ALGORITHM || 'RS256',
    });
  }
  if (env.FULIAN_JWT_JWKS_URL) sources.push({ kind: 'jwks', url: env.FULIAN_JWT_JWKS_URL });
  if (sources.length > 1) {
    throw new Error(
      'Set one of FULIAN_JWT_SECRET, FULIAN_JWT_PUBLIC_KEY and FULIAN_JWT_JWKS_URL, not several',
    );
  }
  const [key] = sources;
  if (!key) return undefined;
  return {
    key,
    issuer: env.FULIAN_JWT_ISSUER || TOKEN_CLAIM_DEFAULT,
    audience: env.FULIAN_JWT_AUDIENCE || TOKEN_CLAIM_DEFAULT,
  };
}

function limitsConfig(env: NodeJS.ProcessEnv): Limits {
  const d = DEFAULT_LIMITS;
  const int = (name: string, fallback: number) => positiveInt(env[name], fallback, name);
  const rateLimited = flag(env.FULIAN_RATE_LIMIT, true, 'FULIAN_RATE_LIMIT');
  const limits: Limits = {
    costBudget: int('FULIAN_COST_BUDGET', d.costBudget),
    maxDepth: int('FULIAN_MAX_DEPTH', d.maxDepth),
    maxAliases: int('FULIAN_MAX_ALIASES', d.maxAliases),
    maxDirectives: int('FULIAN_MAX_DIRECTIVES', d.maxDirectives),
    maxTokens: int('FULIAN_MAX_TOKENS', d.maxTokens),
    maxBodyBytes: int('FULIAN_MAX_BODY_BYTES', d.maxBodyBytes),
    requestTimeoutMs: int('FULIAN_REQUEST_TIMEOUT_MS', d.requestTimeoutMs),
    statementCostPerMs: int('FULIAN_STATEMENT_COST_PER_MS', d.statementCostPerMs),
    expensiveConcurrency: int('FULIAN_EXPENSIVE_CONCURRENCY', d.expensiveConcurrency),
    refusalHoldMs: int('FULIAN_REFUSAL_HOLD_MS', d.refusalHoldMs),
    rateLimit: rateLimited
      ? {
          capacity: int('FULIAN_RATE_LIMIT_CAPACITY', d.rateLimit?.capacity ?? 0),
          restorePerSecond: int(
            'FULIAN_RATE_LIMIT_RESTORE_PER_SECOND',
            d.rateLimit?.restorePerSecond ?? 0,
          ),
        }
      : null,
  };
  if (limits.rateLimit && limits.rateLimit.restorePerSecond === 0) {
    throw new Error('FULIAN_RATE_LIMIT_RESTORE_PER_SECOND must be above 0');
  }
  if (limits.rateLimit && limits.rateLimit.capacity < limits.costBudget) {
    throw new Error(
      'FULIAN_RATE_LIMIT_CAPACITY must be at least FULIAN_COST_BUDGET, or a query within budget could never run',
    );
  }
  return limits;
}

/** A comma-separated list of IP addresses; a host name or range is a start-up error. */
function addressList(raw: string | undefined, name: string): string[] {
  const entries = listEntries(raw);
  for (const entry of entries) {
    if (isIP(entry) === 0) throw new Error(`${name} takes IP addresses, got "${entry}"`);
  }
  return entries;
}

/**
 * A comma-separated list of origins as browsers send them (`http://localhost:5173`): scheme,
 * host and port, nothing after. A wildcard, a path or a bare host name is a start-up error, so
 * a typo cannot silently allow nothing, or everything.
 */
function originList(raw: string | undefined, name: string): string[] {
  const entries = listEntries(raw);
  for (const entry of entries) {
    let origin: string | null = null;
    try {
      origin = new URL(entry).origin;
    } catch {
      // Not a URL at all: reported below like any other entry that is not an origin.
    }
    if (origin !== entry) {
      throw new Error(`${name} takes origins such as http://localhost:5173, got "${entry}"`);
    }
  }
  return entries;
}

function listEntries(raw: string | undefined): string[] {
  return (raw ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

function flag(raw: string | undefined, fallback: boolean, name: string): boolean {
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function positiveInt(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  }
  return value;
}
