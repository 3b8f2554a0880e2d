import { UnreachableCaseError } from '../unreachable.js';

/** Roles of federation staff; each is held at one organization and reaches its subtree. */
export const ROLES = ['PROVINCE_ADMIN', 'EDITOR', 'REVIEWER', 'VIEWER'] as const;
export type Role = (typeof ROLES)[number];

/** Scopes an API key can carry, as the database stores them. */
export const API_KEY_SCOPES = ['read:public'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/**
 * Each scope's one public spelling: the GraphQL enum's (an enum value cannot hold a colon), so
 * the API, the CLI and the docs all say READ_PUBLIC. The stored spelling is read too
 * (`parseApiKeyScope`).
 */
export const API_KEY_SCOPE_NAMES = {
  'read:public': 'READ_PUBLIC',
} as const satisfies Record<ApiKeyScope, string>;

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
