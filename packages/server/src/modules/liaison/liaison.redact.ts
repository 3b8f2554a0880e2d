import type { LiaisonRow } from '../../db/tables.js';

const WITHHELD = '＊＊＊';

/** A mainland mobile number, withheld even where no liaison row names it. */
const MOBILE = /1[3-9]\d{9}/g;

/**
 * The quote with every liaison's name and phone replaced by ＊＊＊. Annex tables are typeset
 * with spaces inside two-character names (`黎 伟`), so a name matches with any white space
 * between its characters.
 */
export function withholdContacts(
  quote: string,
  liaisons: readonly Pick<LiaisonRow, 'name' | 'phone'>[],
): string {
  let withheld = quote;
  for (const { name, phone } of liaisons) {
    if (phone) withheld = withheld.split(phone).join(WITHHELD);
    const spaced = [...name]
      .map((char) => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('\\s*');
    withheld = withheld.replace(new RegExp(spaced, 'g'), WITHHELD);
  }
  return withheld.replace(MOBILE, WITHHELD);
}
