import type { AuthCheckerFn } from 'type-graphql';
import type { Context } from '../context.js';
import { UserError } from '../errors.js';
import { toGlobalId } from '../graph/global-id.js';
import { can, type Action, type Target } from './permissions.js';

/**
 * What `@Authorized(...)` can ask for:
 * - nothing (`@Authorized()`): any identified caller, staff or API key, not anonymous;
 * - `'STAFF'`: federation staff (or the system), never an API key;
 * - an Action of the rule book: the field's parent object must be Scoped, and the viewer must
 *   be allowed that action on the parent's organization (see permissions.ts).
 */
export type Requirement = 'STAFF' | Action;

/** An object whose fields are guarded per organization: it names the organization it belongs to. */
export interface Scoped {
  readonly scope: Target;
}

/**
 * type-graphql's auth checker, the schema half of the rules (the repository half calls
 * authorize() on the organization a write targets). It throws the closed-set error itself:
 * UNAUTHENTICATED where signing in would help, FORBIDDEN otherwise, and a field guarded by an
 * action (personal data) is FORBIDDEN to everyone the rule book does not allow, anonymous
 * callers included; the field answers null at its path.
 */
export const authChecker: AuthCheckerFn<Context, Requirement> = (
  { root, context, info },
  requirements,
) => {
  const { viewer } = context;
  const field = `${info.parentType.name}.${info.fieldName}`;
  if (requirements.length === 0 && viewer.kind === 'anonymous') {
    throw new UserError('UNAUTHENTICATED', `Sign in to read ${field}`, { field });
  }
  for (const requirement of requirements) {
    if (requirement === 'STAFF') {
      if (viewer.kind === 'anonymous') {
        throw new UserError('UNAUTHENTICATED', `Sign in as federation staff to use ${field}`, {
          field,
        });
      }
      if (viewer.kind !== 'staff' && viewer.kind !== 'system') {
        throw new UserError('FORBIDDEN', `${field} is for federation staff only`, { field });
      }
      continue;
    }
    if (!isScoped(root)) {
      throw new Error(`@Authorized('${requirement}') on ${field}, whose parent is not Scoped`);
    }
    if (!can(viewer, requirement, root.scope)) {
      throw new UserError('FORBIDDEN', `${field} is not readable by you for this organization`, {
        field,
        action: requirement,
        organizationId: toGlobalId('Organization', root.scope.id),
      });
    }
  }
  return true;
};

function isScoped(value: unknown): value is Scoped {
  return typeof value === 'object' && value !== null && 'scope' in value;
}
