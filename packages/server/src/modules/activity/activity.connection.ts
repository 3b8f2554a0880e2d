import type { Context } from '../../context.js';
import { sortKeyOf, type ListOrder } from '../../graph/keyset.js';
import { ConnectionSource, type PageWindow } from '../../graph/pagination.js';
import {
  activityOrdering,
  type ActivityOrderField,
  type ActivityQuery,
} from './activity.repository.js';
import { Activity } from './activity.type.js';

/** A page of what one unit organized or co-organized, batched with its siblings' pages. */
export async function unitActivities(
  loaders: Context['loaders'],
  id: number,
  query: ActivityQuery,
  order: ListOrder<ActivityOrderField>,
  window: PageWindow,
): Promise<ConnectionSource<Activity>> {
  const result = await loaders.activity.pages.load({ id, args: { query, order, window } });
  return new ConnectionSource(
    result.rows.map((row) => new Activity(row)),
    (activity) => sortKeyOf(activityOrdering(order), activity.row),
    result,
    () => loaders.activity.counts.load({ id, args: query }),
  );
}
