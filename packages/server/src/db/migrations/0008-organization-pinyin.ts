import { sql, type Kysely } from 'kysely';
import { fillNamePinyin, SEARCH_INDEX_EXPRESSION } from '../organization-search.js';
import type { MigrationPhase } from './phase.js';

// Drops the trigram index the name search of earlier releases used: still correct there, but
// slow.
export const phase: MigrationPhase = 'contract';

/**
 * Organization names searchable by pinyin: the full reading and the syllable initials
 * (岳阳市妇联: yueyangshifulian, yysfl), written by the seed beside each name, and one gram
 * index over the name and both readings. The trigram index on the name goes: trigrams index
 * nothing for a term of one or two characters (most Chinese place names), which the gram index
 * does, for Chinese and pinyin alike.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('organization')
    .addColumn('name_pinyin', 'text')
    .addColumn('name_initials', 'text')
    .execute();
  // Rows loaded before this migration get their readings here, computed as the seed does.
  await fillNamePinyin(db);
  await sql`CREATE INDEX organization_search_idx ON organization USING gin (${SEARCH_INDEX_EXPRESSION})`.execute(
    db,
  );
  await sql`DROP INDEX organization_name_trgm_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX organization_name_trgm_idx ON organization USING gin (name gin_trgm_ops)`.execute(
    db,
  );
  await sql`DROP INDEX organization_search_idx`.execute(db);
  await db.schema
    .alterTable('organization')
    .dropColumn('name_pinyin')
    .dropColumn('name_initials')
    .execute();
}
