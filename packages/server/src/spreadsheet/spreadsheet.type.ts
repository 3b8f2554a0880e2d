import { GraphQLDateTime } from 'graphql-scalars';
import { Field, InputType, ObjectType } from 'type-graphql';
import type { OrganizationLevel } from '../db/tables.js';
import { codeEnum } from '../graph/enum.js';
import { OrganizationLevelEnum } from '../modules/organization/organization.type.js';
import { TABLE_KINDS, type TableKind } from './table.queries.js';
import type { TableFormat } from './table.export.js';

export type SpreadsheetKind = 'TEMPLATE' | TableKind;

export const SpreadsheetKindEnum = codeEnum<SpreadsheetKind>(
  ['TEMPLATE', ...TABLE_KINDS],
  'SpreadsheetKind',
  'What a spreadsheet download holds: a reporting template to fill in, or one of the tables.',
);
export const SpreadsheetFormatEnum = codeEnum<TableFormat>(
  ['XLSX', 'CSV'],
  'SpreadsheetFormat',
  'XLSX, or CSV in UTF-8 with a byte-order mark (so Excel reads Chinese). Templates are XLSX only.',
);

@InputType({
  description:
    'What to download. TEMPLATE: template, period, unit (allBelow: a sheet per submitting unit below it). COMPLETENESS: template, period, within. ROLLUP, RANKING, CONTRIBUTIONS: metric, period, level, within. SERIES: metric, organization, from, to.',
})
export class SpreadsheetDownloadInput {
  @Field(() => SpreadsheetKindEnum)
  kind!: SpreadsheetKind;

  @Field(() => SpreadsheetFormatEnum, { nullable: true, description: 'XLSX when absent.' })
  format?: TableFormat | null;

  @Field(() => String, { nullable: true, description: 'A template code or id.' })
  template?: string | null;

  @Field(() => String, { nullable: true })
  period?: string | null;

  @Field(() => String, { nullable: true, description: 'A template’s unit: id or division code.' })
  unit?: string | null;

  @Field(() => Boolean, { nullable: true })
  allBelow?: boolean | null;

  @Field(() => String, { nullable: true })
  metric?: string | null;

  @Field(() => String, { nullable: true, description: 'An organization id or division code.' })
  within?: string | null;

  @Field(() => OrganizationLevelEnum, {
    nullable: true,
    description: 'The roll-up’s groupBy, the ranking’s level.',
  })
  level?: OrganizationLevel | null;

  @Field(() => String, { nullable: true, description: 'A series’ unit: id or division code.' })
  organization?: string | null;

  @Field(() => String, { nullable: true })
  from?: string | null;

  @Field(() => String, { nullable: true })
  to?: string | null;

  @Field(() => Boolean, { nullable: true })
  includeSubmitted?: boolean | null;
}

@ObjectType({ description: 'A short-lived link to a spreadsheet, for the caller who asked.' })
export class SpreadsheetDownload {
  @Field(() => String, {
    description:
      'The path to GET on this server (/spreadsheets/download/…); anyone holding it gets the file as the caller, until expiresAt.',
  })
  url!: string;

  @Field(() => GraphQLDateTime)
  expiresAt!: Date;
}
