import { FulianError, type LiaisonAssignmentsQuery } from '@fulian/sdk';
import { decimal, period as periodName } from '../format';
import { useData } from '../use-data';
import { Problem, Quote, Table } from '../widgets';
import { QUALIFIER_NAMES } from '../words';

/**
 * A unit's page below its place in the tree: its figures, each with its source document and
 * the quoted sentence, its activities, programmes, honours, work plans, and liaisons.
 */
export function UnitRecord({ code }: { code: string }) {
  const loaded = useData(
    async (client) => {
      const [figures, activities, record, liaisons] = await Promise.all([
        client.metricValues({ code, first: 100, orderBy: { field: 'PERIOD', direction: 'DESC' } }),
        client.organizationActivities({
          code,
          first: 50,
          orderBy: { field: 'DATE', direction: 'DESC' },
        }),
        client.organizationRecord({ code }),
        // Personal data: the API withholds names and phones from whoever may not see them,
        // answering the rest with FORBIDDEN errors beside it; the console shows what it got.
        client
          .liaisonAssignments({ code })
          .catch((error: unknown) =>
            error instanceof FulianError ? (error.data as LiaisonAssignmentsQuery | null) : null,
          ),
      ]);
      return {
        figures: figures.organization?.metricValues,
        activities: activities.organization?.activities,
        record: record.organization,
        liaisons: liaisons?.organization?.liaisonAssignments ?? [],
      };
    },
    [code],
  );
  if (loaded.error) return <Problem error={loaded.error} />;
  if (!loaded.data) return null;
  const { figures, activities, record, liaisons } = loaded.data;
  return (
    <>
      {figures && figures.totalCount > 0 && (
        <Table caption={`数据（${figures.totalCount} 项，附来源原文）`}>
          <thead>
            <tr>
              <th scope="col">指标</th>
              <th scope="col">时期</th>
              <th scope="col" class="num">
                数值
              </th>
              <th scope="col">来源与原文</th>
            </tr>
          </thead>
          <tbody>
            {figures.edges.map(({ node }) => (
              <tr key={node.id} data-metric={node.metric.code} data-period={node.period.text}>
                <td>
                  {node.metric.name}
                  {node.scope === 'SUBTREE' && <span class="muted">（含下级）</span>}
                </td>
                <td class="nowrap">{periodName(node.period.text)}</td>
                <td class="num">
                  {QUALIFIER_NAMES[node.qualifier]}
                  {decimal(node.value, node.unit)}
                </td>
                <td>
                  <Quote quote={node.source?.quote} document={node.source?.document} />
                </td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {activities && activities.totalCount > 0 && (
        <section>
          <h2>活动（{activities.totalCount} 项）</h2>
          <ul class="records">
            {activities.edges.map(({ node }) => (
              <li key={node.id}>
                <strong>{node.correctedTitle ?? node.title}</strong>
                {node.period && <span class="muted"> · {periodName(node.period.text)}</span>}
                <Quote quote={node.source?.quote} document={node.source?.document} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {record && record.programmes.length > 0 && (
        <section>
          <h2>项目与品牌</h2>
          <ul class="records">
            {record.programmes.map((programme) => (
              <li key={programme.id}>
                <strong>{programme.correctedName ?? programme.name}</strong>
                <Quote quote={programme.source?.quote} document={programme.source?.document} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {record && record.honors.length > 0 && (
        <section>
          <h2>荣誉</h2>
          <ul class="records">
            {record.honors.map((honor) => (
              <li key={honor.id}>
                <strong>{honor.correctedTitle ?? honor.title}</strong>
                {honor.awardedByName && <span class="muted"> · {honor.awardedByName}授予</span>}
                <Quote quote={honor.source?.quote} document={honor.source?.document} />
              </li>
            ))}
          </ul>
        </section>
      )}
      {record?.workPlans.map((plan) => (
        <section key={plan.id}>
          <h2>{plan.title}</h2>
          {plan.sections.map((section) => (
            <details key={section.number}>
              <summary>
                {section.number} {section.title}（{section.items.length} 项）
              </summary>
              <ol class="records">
                {section.items.map((item) => (
                  <li key={item.number}>
                    {item.correctedTitle ?? item.title}
                    {item.leadDepartment && (
                      <span class="muted"> · 牵头：{item.leadDepartment.name}</span>
                    )}
                    {item.targets.map((target) => (
                      <span class="target">
                        目标：{target.metric?.name ?? ''} {QUALIFIER_NAMES[target.qualifier]}
                        {decimal(target.value, target.unit)}
                      </span>
                    ))}
                  </li>
                ))}
              </ol>
            </details>
          ))}
        </section>
      ))}
      {liaisons.length > 0 && (
        <section>
          <h2>县市区联络安排</h2>
          <ul class="records" data-testid="liaisons">
            {liaisons.map((assignment) => (
              <li key={assignment.leaderName}>
                <strong>{assignment.leaderName}</strong> 联系{' '}
                {assignment.counties.map((county) => county.name).join('、')}
                {assignment.liaisons.some((liaison) => liaison.name) ? (
                  <span>
                    ；联络员{' '}
                    {assignment.liaisons
                      .map((liaison) => `${liaison.name ?? ''} ${liaison.phone ?? ''}`)
                      .join('、')}
                  </span>
                ) : (
                  <span class="muted">；联络员姓名和电话仅对有权限的工作人员显示</span>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
