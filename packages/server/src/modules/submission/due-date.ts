const DAY_MS = 86_400_000;
// Reports are due by the calendar of the federations' own time zone (China, UTC+8).
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The last day a report is on time: `days` days after its period's last day (YYYY-MM-DD). */
export function dueDate(periodEnd: string, days: number): string {
  return new Date(Date.parse(`${periodEnd}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whole days past `due`: up to the submission time when submitted, else up to `now`; 0 when
 * on time. Days are counted on China's calendar.
 */
export function lateDays(due: string, submittedAt: Date | null, now: Date): number {
  const until = chinaDay(submittedAt ?? now);
  return Math.max(
    0,
    Math.round((Date.parse(`${until}T00:00:00Z`) - Date.parse(`${due}T00:00:00Z`)) / DAY_MS),
  );
}

function chinaDay(moment: Date): string {
  return new Date(moment.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}
