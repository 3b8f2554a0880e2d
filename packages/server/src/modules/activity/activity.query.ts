import { THEMES } from '../../db/tables.js';
import { badInput } from '../../errors.js';
import { parsePeriod } from '../../period/period.js';
import type { ActivityFilter } from './activity.input.js';
import type { ActivityQuery } from './activity.repository.js';

/** Checks an activity filter from the API and turns it into a repository query. */
export function activityQuery(filter: ActivityFilter | null | undefined): ActivityQuery {
  const period = filter?.period ? parsePeriod(filter.period, 'filter.period') : null;
  const theme = filter?.theme ?? null;
  if (theme !== null && !(THEMES as readonly string[]).includes(theme)) {
    throw badInput(`Unknown theme "${theme}"; themes are ${THEMES.join(', ')}`, 'filter.theme');
  }
  const search = filter?.search?.trim() || null;
  return {
    kind: filter?.kind ?? null,
    overlaps: period && { start: period.start, end: period.end },
    theme,
    search,
  };
}
