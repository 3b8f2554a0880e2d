import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { UnreachableCaseError } from '../../unreachable.js';
import {
  API_KEY_SCOPE_NAMES,
  ROLES,
  type ApiKeyScope,
  type Role,
  type Viewer,
} from '../../auth/viewer.js';

const VIEWER_KINDS = ['ANONYMOUS', 'STAFF', 'API_KEY', 'SYSTEM'] as const;
type ViewerKind = (typeof VIEWER_KINDS)[number];

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };

export const ViewerKindEnum = enumOf(VIEWER_KINDS);
registerEnumType(ViewerKindEnum, {
  name: 'ViewerKind',
  description: 'How the caller identified itself.',
});

export const RoleEnum = enumOf(ROLES);
registerEnumType(RoleEnum, {
  name: 'Role',
  description:
    'Role of federation staff, held at one organization: PROVINCE_ADMIN, EDITOR, REVIEWER or VIEWER (see docs/security.md).',
});

export const ApiKeyScopeEnum = Object.fromEntries(
  Object.entries(API_KEY_SCOPE_NAMES).map(([scope, name]) => [name, scope]),
) as { [S in ApiKeyScope as (typeof API_KEY_SCOPE_NAMES)[S]]: S };
registerEnumType(ApiKeyScopeEnum, {
  name: 'ApiKeyScope',
  description:
    'What an API key may do. READ_PUBLIC (read:public): public fields of the whole tree.',
});

@ObjectType('Viewer', {
  description: 'Who is asking, as the server resolved the request credentials.',
})
export class ViewerIdentity {
  @Field(() => ViewerKindEnum)
  kind: ViewerKind;

  @Field(() => String, { nullable: true, description: "Staff: the token's subject." })
  subject: string | null;

  @Field(() => RoleEnum, { nullable: true, description: "Staff: the token's role." })
  role: Role | null;

  @Field(() => String, { nullable: true, description: 'API key: the name it was created with.' })
  apiKeyName: string | null;

  @Field(() => [ApiKeyScopeEnum], { description: 'API key: its scopes; empty otherwise.' })
  scopes: ApiKeyScope[];

  /** The viewer as resolved, for the organization field. */
  readonly viewer: Viewer;

  constructor(viewer: Viewer) {
    this.viewer = viewer;
    this.kind = kindOf(viewer);
    this.subject = viewer.kind === 'staff' ? viewer.subject : null;
    this.role = viewer.kind === 'staff' ? viewer.role : null;
    this.apiKeyName = viewer.kind === 'api-key' ? viewer.name : null;
    this.scopes = viewer.kind === 'api-key' ? viewer.scopes : [];
  }
}

function kindOf(viewer: Viewer): ViewerKind {
  switch (viewer.kind) {
    case 'anonymous':
      return 'ANONYMOUS';
    case 'staff':
      return 'STAFF';
    case 'api-key':
      return 'API_KEY';
    case 'system':
      return 'SYSTEM';
    default:
      throw new UnreachableCaseError(viewer);
  }
}
