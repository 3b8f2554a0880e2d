import type { CompletenessStatus } from '@fulian/sdk';
import { useLocation } from 'preact-iso';
import { ExportButtons } from '../export';
import { count, date, dateTime, period as periodName } from '../format';
import { LiveBadge, useStatusChanges } from '../live';
import { latestReportedYear, PROVINCE, TEMPLATE } from '../periods';
import { useData } from '../use-data';
import { Problem, Table, YearInput } from '../widgets';
import { STATUS_NAMES } from '../words';

const STATUSES: CompletenessStatus[] = [
  'NOT_STARTED',
  'DRAFT',
  'SUBMITTED',
  'RETURNED',
  'APPROVED',
];

/**
 * 报送进度: every unit the template expects a report from, with its status, submission time
 * and days late, filtered by city and status; live, so a submission elsewhere shows at once.
 */
export function Completeness() {
  const { query, route } = useLocation();
  const city = query.city ?? '';
  const status = (query.status ?? '') as CompletenessStatus | '';
  const cities = useData((client) => client.children({ code: PROVINCE, first: 100 }), []);
  const board = useData(
    async (client) => {
      const year = query.period ?? (await latestReportedYear(client));
      const answer = await client.completeness({
        template: query.template ?? TEMPLATE,
        period: year,
        within: city || PROVINCE,
        status: status ? [status] : null,
        first: 100,
      });
      return { year, completeness: answer.completeness };
    },
    [query.template, query.period, city, status],
  );
  const live = useStatusChanges(PROVINCE, board.reload);

  const filter = (changes: Record<string, string>) => {
    const next = new URLSearchParams({ ...query, ...changes });
    for (const [key, value] of [...next]) if (!value) next.delete(key);
    route(`/progress?${next}`, true);
  };
  const data = board.data?.completeness;
  return (
    <section>
      <h1>报送进度</h1>
      <LiveBadge live={live} />
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <YearInput year={board.data?.year} onChange={(period) => filter({ period })} />
        <label>
          市州{' '}
          <select value={city} onChange={(event) => filter({ city: event.currentTarget.value })}>
            <option value="">全省</option>
            {cities.data?.organization?.children.edges.map(({ node }) => (
              <option value={node.code ?? ''} key={node.code}>
                {node.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          状态{' '}
          <select
            value={status}
            onChange={(event) => filter({ status: event.currentTarget.value })}
          >
            <option value="">全部</option>
            {STATUSES.map((value) => (
              <option value={value} key={value}>
                {STATUS_NAMES[value]}
              </option>
            ))}
          </select>
        </label>
      </form>
      {board.error ? <Problem error={board.error} /> : null}
      {!data && !board.error && <p aria-busy="true">正在加载…</p>}
      {data && board.data && (
        <>
          <p class="lead">
            {data.template.name} · {periodName(board.data.year)} · 截止日期 {date(data.dueDate)}
          </p>
          <ul class="totals" aria-label="合计" data-testid="totals">
            <li>
              <strong>{count(data.totals.expected)}</strong>应报
            </li>
            <li>
              <strong>{count(data.totals.approved)}</strong>已审核通过
            </li>
            <li>
              <strong>{count(data.totals.submitted)}</strong>待审核
            </li>
            <li>
              <strong>{count(data.totals.returned)}</strong>已退回
            </li>
            <li>
              <strong>{count(data.totals.draft)}</strong>草稿
            </li>
            <li>
              <strong>{count(data.totals.missing)}</strong>未报送
            </li>
          </ul>
          <ExportButtons
            input={{
              kind: 'COMPLETENESS',
              template: data.template.code,
              period: board.data.year,
              within: city || PROVINCE,
            }}
          />
          <Table caption={`应报单位（${count(data.units.totalCount)} 个）`}>
            <thead>
              <tr>
                <th scope="col">单位</th>
                <th scope="col">状态</th>
                <th scope="col">报送时间</th>
                <th scope="col" class="num">
                  逾期天数
                </th>
              </tr>
            </thead>
            <tbody>
              {data.units.edges.map(({ node }) => (
                <tr key={node.organization.code} data-code={node.organization.code}>
                  <td>
                    <a href={`/org/${node.organization.code}`}>{node.organization.name}</a>
                  </td>
                  <td>
                    <span class={`status status-${node.status}`}>{STATUS_NAMES[node.status]}</span>
                    {node.status === 'SUBMITTED' && node.submission && (
                      <>
                        {' '}
                        <a href={`/review/${encodeURIComponent(node.submission.id)}`}>去审核</a>
                      </>
                    )}
                  </td>
                  <td>{dateTime(node.submittedAt)}</td>
                  <td class="num" data-volatile={node.submittedAt ? undefined : ''}>
                    {node.daysLate ? `${count(node.daysLate)} 天` : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </section>
  );
}
