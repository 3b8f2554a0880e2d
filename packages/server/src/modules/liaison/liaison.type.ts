import { Authorized, Field, ObjectType } from 'type-graphql';
import type { Requirement, Scoped } from '../../auth/auth-checker.js';
import type { Target } from '../../auth/permissions.js';
import type { LiaisonAssignmentRow, LiaisonRow } from '../../db/tables.js';

@ObjectType({
  description:
    'A leadership member of a federation assigned to liaise with counties (联点县市区), with the liaisons who are their contacts there.',
})
export class LiaisonAssignment {
  @Field(() => String, { description: 'The leadership member, a public office holder.' })
  leaderName: string;

  @Field(() => String, { nullable: true })
  note: string | null;

  readonly row: LiaisonAssignmentRow;

  constructor(row: LiaisonAssignmentRow) {
    this.row = row;
    this.leaderName = row.leader_name;
    this.note = row.note;
  }
}

const PERSONAL_DATA =
  'Personal data: readable by federation staff whose reach (their organization and its subtree) includes the federation that made the assignment; null, with FORBIDDEN in errors, for everyone else, API keys and anonymous callers included.';

@ObjectType({ description: 'A named contact (联络员) of a liaison assignment.' })
export class Liaison implements Scoped {
  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `The liaison's name. ${PERSONAL_DATA}` })
  get name(): string {
    return this.row.name;
  }

  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `The liaison's phone. ${PERSONAL_DATA}` })
  get phone(): string | null {
    return this.row.phone;
  }

  /** The stored row, personal data included; exposed only through the guarded fields. */
  readonly row: LiaisonRow;

  /** The federation that made the assignment: who may read the liaison is decided on it. */
  readonly scope: Target;

  constructor(row: LiaisonRow, scope: Target) {
    this.row = row;
    this.scope = scope;
  }
}
