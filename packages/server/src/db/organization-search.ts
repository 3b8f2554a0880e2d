import { sql, type Kysely, type RawBuilder } from 'kysely';
import { namePinyin, pinyinTerm } from '../lib/pinyin.js';
import { containsPattern, termGrams } from './search-grams.js';
import type { Database } from './tables.js';

/**
 * What an organization search looks in: the name and its pinyin, full and initials. The
 * expression index organization_search_idx (migration 0008) is built on exactly this
 * expression, so a condition on it can use the index; change both together.
 */
const SEARCHED = sql`search_grams(o.name || ' ' || coalesce(o.name_pinyin, '') || ' ' || coalesce(o.name_initials, ''))`;

/** The index's definition, the same expression over the bare table. */
export const SEARCH_INDEX_EXPRESSION = sql`search_grams(name || ' ' || coalesce(name_pinyin, '') || ' ' || coalesce(name_initials, ''))`;

/**
 * The condition on `o` (an organization) for a search term: a substring of the name
 * ("岳阳") or, for a term of Latin letters, of the name's full pinyin or its initials
 * ("Yueyang", "yue yang", "yy"). The gram index finds the rows holding every pair of the term;
 * LIKE then keeps those where the term itself is there.
 */
export function organizationSearchCondition(term: string): RawBuilder<unknown> {
  const latin = pinyinTerm(term);
  if (latin === null) {
    return sql`${SEARCHED} @> ${termGrams(term.toLowerCase())} AND o.name LIKE ${containsPattern(term)}`;
  }
  const pattern = containsPattern(latin);
  return sql`${SEARCHED} @> ${termGrams(latin)}
    AND (o.name_pinyin LIKE ${pattern} OR o.name_initials LIKE ${pattern} OR lower(o.name) LIKE ${pattern})`;
}

/** How many rows one UPDATE fills. */
const CHUNK = 10_000;

/**
 * Fills the pinyin of every organization that has none, in chunks of one set-based UPDATE
 * each: the back-fill of migration 0008 for the rows that were there before it. The seed
 * writes pinyin with every name it inserts or changes, so a seeded tree needs no back-fill.
 */
export async function fillNamePinyin(db: Kysely<Database>): Promise<number> {
  const missing = await sql<{ id: number; name: string }>`
    SELECT id, name FROM organization WHERE name_pinyin IS NULL ORDER BY id`.execute(db);
  for (let start = 0; start < missing.rows.length; start += CHUNK) {
    const chunk = missing.rows.slice(start, start + CHUNK);
    const readings = chunk.map((row) => namePinyin(row.name));
    await sql`
      UPDATE organization o SET name_pinyin = r.pinyin, name_initials = r.initials
      FROM unnest(${chunk.map((row) => row.id)}::int[], ${readings.map((r) => r.full)}::text[],
                  ${readings.map((r) => r.initials)}::text[]) AS r(id, pinyin, initials)
      WHERE o.id = r.id`.execute(db);
  }
  return missing.rows.length;
}
