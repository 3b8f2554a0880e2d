import { parseArgs } from 'node:util';
import { staffViewer } from '../auth/authenticate.js';
import { issueToken, TokenError } from '../auth/token.js';
import { ROLES, type Role } from '../auth/viewer.js';
import { loadConfig } from '../config.js';
import { ORGANIZATION_LEVELS, type OrganizationLevel } from '../db/tables.js';
import { UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { withLocalSecret } from './local-secret.js';
import { CliError } from './dispatch.js';
import { DATABASE_HELP, openDatabase } from './open-database.js';

export const tokenHelp = `Usage: fulian token --role ROLE --org ORG [--subject NAME] [--ttl 8h]

Prints a staff JWT for development and tests, signed with FULIAN_JWT_SECRET (HS256; issuer
FULIAN_JWT_ISSUER and audience FULIAN_JWT_AUDIENCE, both "fulian-graph" by default). In local
mode (PGlite, no key configured) it signs with the secret \`fulian serve\` keeps in
FULIAN_DATA_DIR/jwt-secret, made here if no server has made it yet.

  --role ROLE     ${ROLES.join(', ')}; or a role prefixed with the level of
                  its organization, e.g. CITY_EDITOR, COUNTY_REVIEWER (the level is checked)
  --org ORG       the organization: a division code (4301) or an organization id
  --subject NAME  the token's subject (default: dev)
  --ttl SPAN      lifetime: 30m, 8h, 7d (default: 8h)

The organization is looked up in the database, as the server does.
${DATABASE_HELP}`;

export async function tokenCommand(args: string[], logger: Logger): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      org: { type: 'string' },
      subject: { type: 'string', default: 'dev' },
      ttl: { type: 'string', default: '8h' },
    },
  });
  if (!values.role) throw new CliError('--role is required');
  if (!values.org) throw new CliError('--org is required');
  if (!/^[1-9][0-9]*[smhd]$/.test(values.ttl)) {
    throw new CliError(`--ttl takes a span such as 30m, 8h or 7d, got "${values.ttl}"`);
  }
  const { role, level } = parseRole(values.role);
  const { config } = await withLocalSecret(loadConfig());
  if (config.token?.key.kind !== 'secret') {
    throw new CliError('Set FULIAN_JWT_SECRET to issue tokens');
  }

  const db = await openDatabase(config, logger);
  try {
    const claims = { subject: values.subject, role, organization: values.org };
    const viewer = await staffViewer(db, claims).catch((error: unknown) => {
      throw error instanceof UserError ? new CliError(error.message) : error;
    });
    if (level && viewer.kind === 'staff') {
      const organization = await db
        .selectFrom('organization')
        .select(['level', 'name'])
        .where('id', '=', viewer.organization.id)
        .executeTakeFirstOrThrow();
      if (organization.level !== level) {
        throw new CliError(
          `${values.role} needs a ${level} organization; ${organization.name} is ${organization.level}`,
        );
      }
    }
    console.log(await issueToken(config.token, claims, values.ttl));
  } catch (error) {
    if (error instanceof TokenError) throw new CliError(error.message);
    throw error;
  } finally {
    await db.destroy();
  }
}

/**
 * Reads a role name: one of ROLES as it is, or LEVEL_ROLE (CITY_EDITOR) naming the level the
 * organization must be at. The token itself carries only the role; the level is a check.
 */
export function parseRole(name: string): { role: Role; level: OrganizationLevel | null } {
  const upper = name.toUpperCase();
  if ((ROLES as readonly string[]).includes(upper)) return { role: upper as Role, level: null };
  const separator = upper.indexOf('_');
  const level = upper.slice(0, separator);
  const role = upper.slice(separator + 1);
  if (
    separator > 0 &&
    (ORGANIZATION_LEVELS as readonly string[]).includes(level) &&
    (ROLES as readonly string[]).includes(role) &&
    role !== 'PROVINCE_ADMIN'
  ) {
    return { role: role as Role, level: level as OrganizationLevel };
  }
  throw new CliError(
    `--role must be one of ${ROLES.join(', ')} or LEVEL_ROLE such as CITY_EDITOR, got "${name}"`,
  );
}
