import type { MetricUnit, OrganizationLevel } from '@fulian/sdk';
import { useLocation } from 'preact-iso';
import { useMemo, useState } from 'preact/hooks';
import { Chart } from '../chart';
import { ExportButtons } from '../export';
import { decimal, percentText, period as periodName } from '../format';
import { LiveBadge, useStatusChanges } from '../live';
import { HEADLINE_METRIC, latestReportedYear, PROVINCE } from '../periods';
import { useData } from '../use-data';
import { Problem, Table, YearInput } from '../widgets';
import { CHILD_LEVEL, LEVEL_NAMES } from '../words';
import { Contributions } from './contributions';

/** How many years the series looks back from the chosen period. */
const SERIES_YEARS = 5;

/**
 * 汇总与排名: a metric over a subtree by the level below it, as a chart and a table; the
 * ranking with ties and shares; the unit's series with growth. Every number opens the figures
 * it holds.
 */
export function Rollup() {
  const { query, route } = useLocation();
  const metric = query.metric ?? HEADLINE_METRIC;
  const within = query.within ?? PROVINCE;
  const [opened, setOpened] = useState<string | null>(null);
  const catalogue = useData((client) => client.metrics(), []);
  const view = useData(
    async (client) => {
      const year = query.period ?? (await latestReportedYear(client));
      const unit = (await client.organization({ code: within })).organization;
      const level: OrganizationLevel = (unit && CHILD_LEVEL[unit.level]) ?? 'CITY';
      const [rollup, ranking, series] = await Promise.all([
        client.rollup({ metric, period: year, groupBy: level, within, first: 100 }),
        client.ranking({ metric, period: year, level, within, first: 100 }),
        client.series({
          metric,
          organization: within,
          from: String(Number(year) - SERIES_YEARS + 1),
          to: year,
        }),
      ]);
      return { year, unit, level, rollup: rollup.rollup, ranking: ranking.ranking, series };
    },
    [metric, within, query.period],
  );
  // An approval (or unapproval) below changes the approved figures the roll-up counts.
  const live = useStatusChanges(within, view.reload);
  const definition = catalogue.data?.metrics.find((entry) => entry.code === metric);
  const unitOf: MetricUnit | null = definition?.unit ?? null;
  const ratio = definition?.treeAggregation === 'RATIO';
  const chart = useMemo(
    () =>
      view.data && {
        names: view.data.rollup.edges.map(({ node }) => node.organization.name),
        values: view.data.rollup.edges.map(({ node }) => node.valueFloat ?? null),
        label: definition?.name ?? metric,
        kind: 'bar' as const,
      },
    [view.data, definition, metric],
  );
  const choose = (changes: Record<string, string>) =>
    route(`/rollup?${new URLSearchParams({ metric, within, ...query, ...changes })}`);

  return (
    <section>
      <h1>汇总与排名</h1>
      <LiveBadge live={live} />
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          指标{' '}
          <select
            value={metric}
            onChange={(event) => choose({ metric: event.currentTarget.value })}
          >
            {catalogue.data?.metrics
              .filter((entry) => entry.treeAggregation !== 'NONE')
              .map((entry) => (
                <option value={entry.code} key={entry.code}>
                  {entry.name}
                </option>
              ))}
          </select>
        </label>
        <YearInput year={view.data?.year} onChange={(period) => choose({ period })} />
      </form>
      {view.error ? <Problem error={view.error} /> : null}
      {!view.data && !view.error && <p aria-busy="true">正在加载…</p>}
      {view.data && chart && (
        <>
          <p class="lead">
            {view.data.unit?.name} · 按{LEVEL_NAMES[view.data.level]}汇总 ·{' '}
            {periodName(view.data.year)}（仅计已审核通过的报表）
          </p>
          <Chart series={chart} title={`${chart.label}按${LEVEL_NAMES[view.data.level]}汇总图`} />
          <Table caption={`${chart.label}：汇总与排名`}>
            <thead>
              <tr>
                <th scope="col">排名</th>
                <th scope="col">单位</th>
                <th scope="col" class="num">
                  汇总值
                </th>
                {ratio && (
                  <>
                    <th scope="col" class="num">
                      分子
                    </th>
                    <th scope="col" class="num">
                      分母
                    </th>
                  </>
                )}
                <th scope="col" class="num">
                  占全部
                </th>
                <th scope="col" class="num">
                  已报/应报
                </th>
              </tr>
            </thead>
            <tbody>
              {view.data.rollup.edges.map(({ node }) => {
                const ranked = view.data?.ranking.entries.edges.find(
                  (entry) => entry.node.organization.code === node.organization.code,
                )?.node;
                return (
                  <tr key={node.organization.code} data-code={node.organization.code}>
                    <td>{ranked?.rank ? `第 ${ranked.rank} 名` : '—'}</td>
                    <td>
                      <a
                        href={`/rollup?${new URLSearchParams({ ...query, metric, within: node.organization.code ?? '' })}`}
                      >
                        {node.organization.name}
                      </a>
                    </td>
                    <td class="num">
                      <button
                        type="button"
                        class="link"
                        aria-expanded={opened === node.organization.code}
                        onClick={() =>
                          setOpened(
                            opened === node.organization.code
                              ? null
                              : (node.organization.code ?? null),
                          )
                        }
                      >
                        {decimal(node.value, unitOf)}
                      </button>
                    </td>
                    {ratio && (
                      <>
                        <td class="num">{decimal(node.numerator)}</td>
                        <td class="num">{decimal(node.denominator)}</td>
                      </>
                    )}
                    <td class="num">{percentText(ranked?.shareOfTotal)}</td>
                    <td class="num">
                      {node.coverage.contributing}/{node.coverage.expected}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
          <ExportButtons
            input={{
              kind: 'ROLLUP',
              metric,
              period: view.data.year,
              level: view.data.level,
              within,
            }}
          />
          {opened && (
            <Contributions
              metric={metric}
              period={view.data.year}
              level={view.data.level}
              code={opened}
            />
          )}
          <Table caption={`${view.data.unit?.name ?? ''}历年${chart.label}`}>
            <thead>
              <tr>
                <th scope="col">年度</th>
                <th scope="col" class="num">
                  数值
                </th>
                <th scope="col" class="num">
                  比上年增减
                </th>
                <th scope="col" class="num">
                  增长率
                </th>
              </tr>
            </thead>
            <tbody>
              {view.data.series.series.map((row) => (
                <tr key={row.period.text}>
                  <td>{periodName(row.period.text)}</td>
                  <td class="num">{decimal(row.value, unitOf)}</td>
                  <td class="num">{decimal(row.change)}</td>
                  <td class="num">{percentText(row.growthRate)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        </>
      )}
    </section>
  );
}
