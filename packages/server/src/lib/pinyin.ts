import { pinyin } from 'pinyin-pro';

/** A name as people type it on a Latin keyboard: full pinyin and syllable initials. */
export interface NamePinyin {
  /** Toneless syllables run together, ü as v (as pinyin input methods take it): yueyangshifulian. */
  full: string;
  /** The first letter of each syllable: yysfl. */
  initials: string;
}

/**
 * The pinyin of a name, read with pinyin-pro's word dictionary so that polyphonic characters
 * take their reading in context (长沙 changsha, 重庆 chongqing). Latin letters and digits in the
 * name are kept as they are, lower-cased; everything else is dropped.
 *
 * @example
 * namePinyin('岳阳市妇联'); // { full: 'yueyangshifulian', initials: 'yysfl' }
 */
export function namePinyin(name: string): NamePinyin {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', v: true })
    .map((syllable) => syllable.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .filter((syllable) => syllable !== '');
  return {
    full: syllables.join(''),
    initials: syllables.map((syllable) => syllable[0]).join(''),
  };
}

/**
 * A search term as pinyin, or null when it is not one: letters (any case, ü or v), with spaces
 * and apostrophes between syllables dropped ("Yue Yang", "xi'an"), the way a name's pinyin is
 * stored.
 */
export function pinyinTerm(term: string): string | null {
  const compact = term.toLowerCase().replace(/ü/g, 'v').replace(/[\s']/g, '');
  return /^[a-z0-9]+$/.test(compact) && /[a-z]/.test(compact) ? compact : null;
}
