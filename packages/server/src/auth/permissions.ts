import type { OrganizationRow } from '../db/tables.js';
import { UserError } from '../errors.js';
import { toGlobalId } from '../graph/global-id.js';
import { UnreachableCaseError } from '../unreachable.js';
import type { Viewer } from './viewer.js';

/** What a viewer may try to do to an organization's data. */
export type Action =
  | 'submission.create'
  | 'submission.save'
  | 'submission.submit'
  | 'submission.return'
  | 'submission.approve'
  | 'submission.unapprove'
  | 'template.manage'
  /**
   * A DRAFT or RETURNED submission of the organization: staff working inside the submitting
   * unit's subtree, its reviewers (directly above), whoever may edit it, and province admins.
   */
  | 'submission.read'
  /** Internal records and personal data (liaison names and phones) of the organization. */
  | 'read.internal';

export type Target = Pick<OrganizationRow, 'id' | 'path' | 'parent_id'>;

/**
 * The one rule book: whether a viewer may perform an action on a target organization.
 * Staff reach their organization's subtree; reviewers act on the units directly below them;
 * API keys (scope read:public) and anonymous callers never write and never see internal data,
 * drafts or personal data: they read the public fields of the whole tree only.
 */
export function can(viewer: Viewer, action: Action, target: Target): boolean {
  switch (viewer.kind) {
    case 'system':
      return true;
    case 'anonymous':
    case 'api-key':
      return false;
    case 'staff':
      break;
    default:
      throw new UnreachableCaseError(viewer);
  }
  const inSubtree = target.path.startsWith(viewer.organization.path);
  const directlyBelow = target.parent_id === viewer.organization.id;
  // The viewer works at the target or below it: a draft is shared inside its unit's subtree.
  const insideTarget = viewer.organization.path.startsWith(target.path);
  switch (viewer.role) {
    case 'PROVINCE_ADMIN':
      return inSubtree;
    case 'EDITOR':
      if (action === 'submission.read') return inSubtree || insideTarget;
      return (
        inSubtree &&
        ['submission.create', 'submission.save', 'submission.submit', 'read.internal'].includes(
          action,
        )
      );
    case 'REVIEWER':
      if (action === 'read.internal') return inSubtree;
      if (action === 'submission.read') return directlyBelow || insideTarget;
      return directlyBelow && (action === 'submission.return' || action === 'submission.approve');
    case 'VIEWER':
      if (action === 'submission.read') return insideTarget;
      return inSubtree && action === 'read.internal';
    default:
      throw new UnreachableCaseError(viewer.role);
  }
}

/** Throws UNAUTHENTICATED for callers with no identity and FORBIDDEN for the rest. */
export function authorize(viewer: Viewer, action: Action, target: Target): void {
  if (can(viewer, action, target)) return;
  if (viewer.kind === 'anonymous') {
    throw new UserError('UNAUTHENTICATED', `Sign in to ${action}`, { action });
  }
  throw new UserError('FORBIDDEN', `Not allowed to ${action} for this organization`, {
    action,
    organizationId: toGlobalId('Organization', target.id),
  });
}
