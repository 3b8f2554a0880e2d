import { UnreachableCaseError } from '../unreachable.js';

/** Roles of federation staff; each is held at one organization and reaches its subtree. */
export const ROLES = ['PROVINCE_ADMIN', 'EDITOR', 'REVIEWER', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes an API key can carry. */
export const API_KEY_SCOPES = ['read:public'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** The organization a staff member works at, as much of it as permission checks need. */
export interface ViewerOrganization {
  id: number;
  path: string;
}

/** Who is asking: every resolver and repository write receives one. */
export type Viewer =
  | { kind: 'anonymous' }
  | { kind: 'staff'; subject: string; role: Role; organization: ViewerOrganization }
  | { kind: 'api-key'; keyId: number; name: string; scopes: ApiKeyScope[] }
  /** The CLI and the seed loader, which act with no request behind them. */
  | { kind: 'system' };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };
export const SYSTEM: Viewer = { kind: 'system' };

/** The viewer as logs show it: who, never a credential. */
export function describeViewer(viewer: Viewer): Record<string, unknown> {
  switch (viewer.kind) {
    case 'anonymous':
    case 'system':
      return { kind: viewer.kind };
    case 'staff':
      return {
        kind: viewer.kind,
        subject: viewer.subject,
        role: viewer.role,
        organizationId: viewer.organization.id,
      };
    case 'api-key':
      return { kind: viewer.kind, keyId: viewer.keyId, name: viewer.name };
    default:
      throw new UnreachableCaseError(viewer);
  }
}
