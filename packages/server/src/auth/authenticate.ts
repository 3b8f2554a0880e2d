import type { Kysely } from 'kysely';
import type { Database, OrganizationLevel } from '../db/tables.js';
import { UserError } from '../errors.js';
import { fromGlobalId, rowIdOf } from '../graph/global-id.js';
import { UnreachableCaseError } from '../unreachable.js';
import { createApiKeyLookup } from './api-key.js';
import { CREDENTIAL_CACHE_MS, LookupCache } from './lookup-cache.js';
import { TokenError, type StaffClaims, type TokenVerifier, type VerifiedClaims } from './token.js';
import { ANONYMOUS, type Viewer } from './viewer.js';

export interface AuthenticationOptions {
  db: Kysely<Database>;
  /** Verifies `Authorization: Bearer` tokens; absent means the server accepts no tokens. */
  verifyToken?: TokenVerifier | undefined;
  /** Whether a request with no credentials is served, as a viewer of public data. */
  allowAnonymous: boolean;
  /** The clock the credential caches read; tests move it. */
  now?: () => number;
}

/** The request headers authentication reads (Apollo's HeaderMap has this shape). */
export interface RequestHeaders {
  get(name: string): string | undefined;
}

/** `db` is the request's (statement-scope.ts), the authenticator's own by default. */
export type Authenticator = (headers: RequestHeaders, db?: Kysely<Database>) => Promise<Viewer>;

/**
 * Resolves who is asking from a request's credentials: a staff JWT (`Authorization: Bearer`),
 * an API key (`Authorization: ApiKey` or `x-api-key`), or nothing (anonymous, when allowed).
 * Any credential that does not verify is refused with UNAUTHENTICATED (HTTP 401), never
 * silently downgraded to anonymous.
 */
export function createAuthenticator(options: AuthenticationOptions): Authenticator {
  const { verifyToken, allowAnonymous, now } = options;
  const findApiKey = createApiKeyLookup(now);
  // A token's organization is read through the same short cache as keys: a moved or removed
  // organization is seen within CREDENTIAL_CACHE_MS.
  const organizations = new LookupCache<string, OrganizationRow>(CREDENTIAL_CACHE_MS, now);
  // A token's signature is checked once per interval too (an HMAC or a public-key check on
  // every request was ~0.3 ms of CPU, a sixth of a lookup by id): the same string verifies the
  // same way until it expires, which is checked on every request. A key taken out of a JWKS
  // stops a token it signed within CREDENTIAL_CACHE_MS.
  const tokens = new LookupCache<string, VerifiedClaims>(CREDENTIAL_CACHE_MS, now);
  const clock = now ?? Date.now;
  return async (headers, db = options.db) => {
    const credential = readCredential(headers);
    switch (credential.kind) {
      case 'none':
        if (allowAnonymous) return ANONYMOUS;
        throw unauthenticated('Sign in: send a staff token or an API key');
      case 'bearer': {
        if (!verifyToken) throw unauthenticated('This server accepts no bearer tokens');
        let claims: StaffClaims;
        try {
          const verified = await tokens.get(credential.value, () => verifyToken(credential.value));
          // A verifier answers claims or throws, so a token that got past it has an entry.
          if (!verified || clock() >= verified.expiresAt) {
            throw new TokenError('The token has expired');
          }
          claims = verified;
        } catch (error) {
          if (error instanceof TokenError) throw unauthenticated(error.message);
          throw error;
        }
        const reference = claims.organization;
        return viewerOf(
          claims,
          await organizations.get(reference, () => findOrganization(db, reference)),
        );
      }
      case 'api-key': {
        const key = await findApiKey(credential.value, db);
        if (!key) throw unauthenticated('Unknown or revoked API key');
        return { kind: 'api-key', keyId: key.id, name: key.name, scopes: key.scopes };
      }
      case 'malformed':
        throw unauthenticated(credential.reason);
      default:
        throw new UnreachableCaseError(credential);
    }
  };
}

/**
 * The staff viewer a verified token names, with its organization read from the tree. A
 * PROVINCE_ADMIN must sit at a province: the role's reach is a whole province.
 */
export async function staffViewer(db: Kysely<Database>, claims: StaffClaims): Promise<Viewer> {
  return viewerOf(claims, await findOrganization(db, claims.organization));
}

function viewerOf(claims: StaffClaims, organization: OrganizationRow | undefined): Viewer {
  if (!organization) {
    throw unauthenticated(`The token names an unknown organization "${claims.organization}"`);
  }
  if (claims.role === 'PROVINCE_ADMIN' && organization.level !== 'PROVINCE') {
    throw unauthenticated('PROVINCE_ADMIN is a role at a province federation');
  }
  return {
    kind: 'staff',
    subject: claims.subject,
    role: claims.role,
    organization: { id: organization.id, path: organization.path },
  };
}

type Credential =
  | { kind: 'none' }
  | { kind: 'bearer' | 'api-key'; value: string }
  | { kind: 'malformed'; reason: string };

function readCredential(headers: RequestHeaders): Credential {
  const authorization = headers.get('authorization')?.trim();
  const apiKey = headers.get('x-api-key')?.trim();
  if (authorization && apiKey) {
    return { kind: 'malformed', reason: 'Send one credential: Authorization or x-api-key' };
  }
  if (apiKey) return { kind: 'api-key', value: apiKey };
  if (!authorization) return { kind: 'none' };
  const match = /^(Bearer|ApiKey)\s+(\S+)$/i.exec(authorization);
  if (!match) {
    return {
      kind: 'malformed',
      reason: 'The Authorization header must be "Bearer <token>" or "ApiKey <key>"',
    };
  }
  const scheme = match[1]!.toLowerCase();
  return { kind: scheme === 'bearer' ? 'bearer' : 'api-key', value: match[2]! };
}

interface OrganizationRow {
  id: number;
  path: string;
  level: OrganizationLevel;
}

async function findOrganization(
  db: Kysely<Database>,
  reference: string,
): Promise<OrganizationRow | undefined> {
  const query = db.selectFrom('organization').select(['id', 'path', 'level']);
  if (/^[0-9]{2,12}$/.test(reference)) {
    return query.where('code', '=', reference).executeTakeFirst();
  }
  let id: number | null;
  try {
    const { type, key } = fromGlobalId(reference);
    id = type === 'Organization' ? rowIdOf(key) : null;
  } catch {
    return undefined;
  }
  return id === null ? undefined : query.where('id', '=', id).executeTakeFirst();
}

function unauthenticated(message: string): UserError {
  return new UserError('UNAUTHENTICATED', message, {
    http: { status: 401, headers: new Map([['www-authenticate', 'Bearer, ApiKey']]) },
  });
}
