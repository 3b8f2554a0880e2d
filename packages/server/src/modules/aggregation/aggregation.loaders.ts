import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import { groupedLoader } from '../../graph/grouped-loader.js';
import { emptyPage, type Page, type PageWindow } from '../../graph/pagination.js';
import {
  countContributions,
  findContributionPages,
  type ContributionArgs,
  type ContributionRow,
} from './aggregation.repository.js';

export function createAggregationLoaders(db: Kysely<Database>) {
  // Every roll-up row asking for its contributions with the same arguments shares a statement.
  const contributionPages = groupedLoader<
    ContributionArgs & { window: PageWindow },
    Page<ContributionRow>
  >((ids, { window, ...args }) => findContributionPages(db, ids, args, window), emptyPage);

  const contributionCounts = groupedLoader<ContributionArgs, number>(
    (ids, args) => countContributions(db, ids, args),
    () => 0,
  );

  return { contributionPages, contributionCounts };
}
