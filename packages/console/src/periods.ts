import type { FulianClient } from '@fulian/sdk';

/** The report the province collects every year from its cities (seeds/reporting.yaml). */
export const TEMPLATE = 'annual-summary';
/** The province the console opens on. */
export const PROVINCE = '43';
/** The headline figure: training sessions held, the first metric of the annual report. */
export const HEADLINE_METRIC = 'training.sessions';

/** How many years back the console looks for the latest reported period. */
const YEARS_BACK = 10;

/**
 * The latest year for which any unit has sent the annual report (submitted, returned or
 * approved), asked in one request; last year when none has.
 */
export async function latestReportedYear(client: FulianClient): Promise<string> {
  const last = new Date().getFullYear() - 1;
  const years = Array.from({ length: YEARS_BACK }, (_, index) => String(last - index));
  const fields = years
    .map(
      (year) =>
        `y${year}: completeness(template: "${TEMPLATE}", period: "${year}", within: "${PROVINCE}") { totals { submitted returned approved } }`,
    )
    .join('\n');
  type Totals = { totals: { submitted: number; returned: number; approved: number } };
  const answer = await client.raw<Record<string, Totals | null>>(`{ ${fields} }`);
  const reported = years.find((year) => {
    const totals = answer[`y${year}`]?.totals;
    return totals !== undefined && totals.submitted + totals.returned + totals.approved > 0;
  });
  return reported ?? String(last);
}
