import type { CompletenessStatus } from '@fulian/sdk';
import { count, decimal, period as periodName } from '../format';
import { HEADLINE_METRIC, latestReportedYear, PROVINCE, TEMPLATE } from '../periods';
import { useData } from '../use-data';
import { Problem } from '../widgets';
import { STATUS_NAMES } from '../words';

/** The province at a glance: its cities, each with its report status and headline figure. */
export function Home() {
  const overview = useData(async (client) => {
    const year = await latestReportedYear(client);
    const [tree, completeness, rollup] = await Promise.all([
      client.organizationTree({ code: PROVINCE, first: 20 }),
      client.completeness({ template: TEMPLATE, period: year, within: PROVINCE, first: 100 }),
      client.rollup({ metric: HEADLINE_METRIC, period: year, groupBy: 'CITY', within: PROVINCE }),
    ]);
    return { year, tree, completeness, rollup };
  }, []);
  if (overview.error) return <Problem error={overview.error} />;
  if (!overview.data) return <p aria-busy="true">正在加载…</p>;
  const { year, tree, completeness, rollup } = overview.data;
  const province = tree.organization;
  if (!province) return <p>尚未载入组织数据。</p>;
  const statusOf = new Map<string, { status: CompletenessStatus; daysLate: number | null }>(
    (completeness.completeness?.units.edges ?? []).map(({ node }) => [
      node.organization.code ?? '',
      { status: node.status, daysLate: node.daysLate ?? null },
    ]),
  );
  const figureOf = new Map(
    rollup.rollup.edges.map(({ node }) => [node.organization.code ?? '', node.value ?? null]),
  );
  const totals = completeness.completeness?.totals;
  return (
    <section>
      <h1>{province.name}</h1>
      <p class="lead">
        下辖 {count(province.cities)} 个市州、{count(province.counties)} 个县市区、
        {count(province.townships)} 个乡镇（街道）、{count(province.villages)} 个村（社区）妇联。
      </p>
      {totals && (
        <p class="lead">
          <a href={`/progress?period=${year}`}>{periodName(year)}年度工作总结</a>：应报{' '}
          {count(totals.expected)}，已审核通过 {count(totals.approved)}，待审核{' '}
          {count(totals.submitted)}，已退回 {count(totals.returned)}，未报送 {count(totals.missing)}
          。
        </p>
      )}
      <ul class="cards" aria-label="市州妇联">
        {province.children.edges.map(({ node: city }) => {
          const code = city.code ?? '';
          const report = statusOf.get(code);
          const figure = figureOf.get(code);
          return (
            <li class="card" key={city.code}>
              <h2>
                <a href={`/org/${city.code}`}>{city.name}</a>
              </h2>
              <p>
                <span class={`status status-${report?.status ?? 'NOT_STARTED'}`}>
                  {STATUS_NAMES[report?.status ?? 'NOT_STARTED']}
                </span>{' '}
                {periodName(year)}
              </p>
              <p>
                <a
                  href={`/rollup?metric=${HEADLINE_METRIC}&period=${year}&within=${city.code}`}
                  title="查看汇总与来源"
                >
                  培训 {figure ? decimal(figure, 'SESSION') : '—'}
                </a>
              </p>
              <p class="muted">下辖单位 {count(city.descendantCount)} 个</p>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
