import {
  createRemoteJWKSet,
  errors,
  importSPKI,
  jwtVerify,
  SignJWT,
  type JWTVerifyOptions,
  type JWTVerifyResult,
} from 'jose';
import { UnreachableCaseError } from '../unreachable.js';
import { ROLES, type Role } from './viewer.js';

/** Where the keys that verify staff tokens come from. */
export type TokenKeySource =
  /** A shared HS256 secret: tokens issued by `fulian token` or a service holding the secret. */
  | { kind: 'secret'; secret: string }
  /** An identity provider's public key (PEM, SPKI) and the algorithm it signs with. */
  | { kind: 'public-key'; pem: string; algorithm: string }
  /** An identity provider's JWKS endpoint; keys are fetched and cached, rotation included. */
  | { kind: 'jwks'; url: string };

export interface TokenConfig {
  key: TokenKeySource;
  /** Required `iss` claim. */
  issuer: string;
  /** Required `aud` claim. */
  audience: string;
}

/** What a verified staff token says: who, in which role, at which organization. */
export interface StaffClaims {
  subject: string;
  role: Role;
  /** The organization as the token names it: a division code or an organization global id. */
  organization: string;
}

/** Why a token was refused; the message is safe to show to the caller. */
export class TokenError extends Error {}

/** What a verified token says, and when it stops being valid (its `exp`, in ms since 1970). */
export type VerifiedClaims = StaffClaims & { expiresAt: number };

export type TokenVerifier = (token: string) => Promise<VerifiedClaims>;

/** Shortest HS256 secret accepted: 256 bits, as RFC 7518 §3.2 requires. */
export const MIN_SECRET_BYTES = 32;

/** Builds the verifier once at start, so a malformed public key fails the server, not a request. */
export async function createTokenVerifier(config: TokenConfig): Promise<TokenVerifier> {
  const verify = await verificationFunction(config.key);
  const options: JWTVerifyOptions = {
    issuer: config.issuer,
    audience: config.audience,
    requiredClaims: ['sub', 'exp'],
  };
  return async (token) => {
    try {
      const { payload } = await verify(token, options);
      // `exp` is required (requiredClaims) and jose checked it is a number.
      return { ...staffClaims(payload), expiresAt: payload.exp! * 1_000 };
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError('The token has expired');
      if (error instanceof errors.JOSEError) {
        throw new TokenError(`The token is not valid (${error.code})`);
      }
      throw error;
    }
  };
}

/**
 * Signs an HS256 staff token. `ttl` takes jose's time spans: `8h`, `30m`, `7d`.
 *
 * @example
 * const token = await issueToken(config, { subject: 'li.na', role: 'EDITOR', organization: '4301' }, '8h');
 */
export async function issueToken(
  config: TokenConfig,
  claims: StaffClaims,
  ttl: string,
): Promise<string> {
  if (config.key.kind !== 'secret') {
    throw new TokenError('Only a server configured with FULIAN_JWT_SECRET can issue tokens');
  }
  return new SignJWT({ role: claims.role, org: claims.organization })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .sign(secretKey(config.key.secret));
}

type VerifyFunction = (token: string, options: JWTVerifyOptions) => Promise<JWTVerifyResult>;

async function verificationFunction(source: TokenKeySource): Promise<VerifyFunction> {
  switch (source.kind) {
    case 'secret': {
      const key = secretKey(source.secret);
      return (token, options) => jwtVerify(token, key, { ...options, algorithms: ['HS256'] });
    }
    case 'public-key': {
      const key = await importSPKI(source.pem, source.algorithm);
      return (token, options) =>
        jwtVerify(token, key, { ...options, algorithms: [source.algorithm] });
    }
    case 'jwks': {
      // jose fetches the set on first use, caches it, and refetches on an unknown key id,
      // so the provider can rotate keys without a restart.
      const keys = createRemoteJWKSet(new URL(source.url));
      return (token, options) => jwtVerify(token, keys, options);
    }
    default:
      throw new UnreachableCaseError(source);
  }
}

function secretKey(secret: string): Uint8Array {
  const bytes = new TextEncoder().encode(secret);
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new TokenError(`The JWT secret must be at least ${MIN_SECRET_BYTES} bytes`);
  }
  return bytes;
}

function staffClaims(payload: Record<string, unknown>): StaffClaims {
  const { sub, role, org } = payload;
  // Claims are written to text columns (the audit's actor), which cannot hold NUL.
  if (typeof sub !== 'string' || sub === '' || sub.includes('\u0000')) {
    throw new TokenError('The token has no usable subject');
  }
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new TokenError(`The token's role must be one of ${ROLES.join(', ')}`);
  }
  if (typeof org !== 'string' || org === '' || org.includes('\u0000')) {
    throw new TokenError('The token names no organization (claim "org")');
  }
  return { subject: sub, role: role as Role, organization: org };
}
