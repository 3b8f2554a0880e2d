import type { OrganizationLevel } from '@fulian/sdk';
import { decimal, period as periodName } from '../format';
import { useData } from '../use-data';
import { Problem, Quote } from '../widgets';
import { STATUS_NAMES } from '../words';

interface ContributionsAnswer {
  rollup: {
    edges: {
      node: {
        contributions: {
          totalCount: number;
          edges: {
            node: {
              value: string;
              counted: boolean;
              scope: string;
              status: keyof typeof STATUS_NAMES;
              organization: { code: string; name: string };
            };
          }[];
        };
      };
    }[];
  };
}

/** The contributions of one roll-up row: the query the SDK has no method for yet. */
const CONTRIBUTIONS = `query ($metric: String!, $period: String!, $level: OrganizationLevel!, $within: String!) {
  rollup(metric: $metric, period: $period, groupBy: $level, within: $within, first: 1) {
    edges { node { contributions(first: 50) { totalCount edges { node {
      value counted scope status organization { code name }
    } } } } }
  }
}`;

/** How many contributing units have their own figures and quotes shown. */
const QUOTED_UNITS = 10;

/**
 * Where one number comes from: the figures it holds (which units, counted or covered by a
 * total above), and each unit's own figure with its source document and quoted sentence.
 */
export function Contributions(props: {
  metric: string;
  period: string;
  level: OrganizationLevel;
  code: string;
}) {
  const { metric, period, level, code } = props;
  const loaded = useData(
    async (client) => {
      const answer = await client.raw<ContributionsAnswer>(CONTRIBUTIONS, {
        metric,
        period,
        level,
        within: code,
      });
      const rows = answer.rollup.edges[0]?.node.contributions;
      const units = [...new Set(rows?.edges.map(({ node }) => node.organization.code))];
      const figures = await Promise.all(
        units
          .slice(0, QUOTED_UNITS)
          .map((unit) => client.metricValues({ code: unit, metric, period, first: 5 })),
      );
      return { rows, figures };
    },
    [metric, period, level, code],
  );
  if (loaded.error) return <Problem error={loaded.error} />;
  if (!loaded.data) return <p aria-busy="true">正在加载来源…</p>;
  const { rows, figures } = loaded.data;
  return (
    <section class="contributions" aria-label="数据来源" role="region">
      <h2>这一数字的来源（{rows?.totalCount ?? 0} 项数据）</h2>
      <ul class="records">
        {rows?.edges.map(({ node }) => (
          <li key={`${node.organization.code}-${node.scope}`}>
            <a href={`/org/${node.organization.code}`}>{node.organization.name}</a>{' '}
            {decimal(node.value)}（{node.scope === 'SUBTREE' ? '含下级' : '本级'}，
            {STATUS_NAMES[node.status]}
            {node.counted ? '，计入' : '，已含在上级合计中，不重复计入'}）
          </li>
        ))}
      </ul>
      {figures.flatMap((answer) =>
        (answer.organization?.metricValues.edges ?? []).map(({ node }) => (
          <div key={node.id}>
            <strong>
              {node.organization.name} · {periodName(node.period.text)} ·{' '}
              {decimal(node.value, node.unit)}
            </strong>
            <Quote quote={node.source?.quote} document={node.source?.document} />
          </div>
        )),
      )}
    </section>
  );
}
