import type { SubmissionQuery } from '@fulian/sdk';
import { useRoute } from 'preact-iso';
import { useState } from 'preact/hooks';
import { dateTime, decimal, period as periodName } from '../format';
import { LiveBadge, useStatusChanges } from '../live';
import { latestReportedYear, PROVINCE, TEMPLATE } from '../periods';
import { useSession } from '../session-context';
import { useData } from '../use-data';
import { Problem, Table } from '../widgets';
import { problem, STATUS_NAMES } from '../words';

/** A change from the previous period at least this large (either way) is highlighted. */
const LARGE_CHANGE = 0.3;

/** 审核: the queue of submitted reports in the reviewer's subtree, and one report to decide. */
export function Review() {
  const { params } = useRoute();
  const session = useSession();
  if (session.token === null) {
    return (
      <section>
        <h1>审核</h1>
        <p>审核需要工作人员身份，请先在右上角登录。</p>
      </section>
    );
  }
  return params.id ? <Decision id={decodeURIComponent(params.id)} /> : <Queue />;
}

function Queue() {
  const queue = useData(async (client) => {
    const viewer = (await client.viewer()).viewer;
    const within = viewer.organization?.code ?? PROVINCE;
    const year = await latestReportedYear(client);
    const answer = await client.completeness({
      template: TEMPLATE,
      period: year,
      within,
      status: ['SUBMITTED'],
      first: 100,
    });
    return { year, within, completeness: answer.completeness };
  }, []);
  const live = useStatusChanges(queue.data?.within ?? PROVINCE, queue.reload);
  if (queue.error) return <Problem error={queue.error} />;
  if (!queue.data) return <p aria-busy="true">正在加载…</p>;
  const units = queue.data.completeness?.units.edges ?? [];
  return (
    <section>
      <h1>审核</h1>
      <LiveBadge live={live} />
      <p class="lead">
        {queue.data.completeness?.template.name} · {periodName(queue.data.year)} · 待审核{' '}
        {units.length} 份
      </p>
      {units.length === 0 ? (
        <p>没有待审核的报表。</p>
      ) : (
        <ul class="records" aria-label="待审核报表">
          {units.map(({ node }) => (
            <li key={node.organization.code}>
              <a href={`/review/${encodeURIComponent(node.submission?.id ?? '')}`}>
                {node.organization.name}
              </a>{' '}
              <span class="muted">报送于 {dateTime(node.submittedAt)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Report = NonNullable<SubmissionQuery['submission']>;

function Decision({ id }: { id: string }) {
  const [outcome, setOutcome] = useState<{ ok: boolean; text: string } | null>(null);
  const [comment, setComment] = useState('');
  const session = useSession();
  const loaded = useData(
    async (client) => {
      const report = (await client.submission({ id })).submission;
      if (!report) return { report: null, previous: null };
      const before = String(Number(report.period.text) - 1);
      const board = await client.completeness({
        template: report.template.code,
        period: before,
        within: report.organization.code,
        first: 1,
      });
      const previousId = board.completeness?.units.edges[0]?.node.submission?.id;
      const previous = previousId ? (await client.submission({ id: previousId })).submission : null;
      return { report, previous };
    },
    [id],
  );
  if (loaded.error) return <Problem error={loaded.error} />;
  if (!loaded.data) return <p aria-busy="true">正在加载…</p>;
  const { report, previous } = loaded.data;
  if (!report) return <p>找不到这份报表，或您无权查看。</p>;

  // Both buttons send the version shown on the page: if someone changed the report since, the
  // server answers CONFLICT and the page says so instead of overwriting.
  const act = async (step: 'approve' | 'return') => {
    try {
      if (step === 'approve') {
        await session.client.approveSubmission({ id, expectedVersion: report.version });
        setOutcome({ ok: true, text: '已审核通过。' });
      } else {
        await session.client.returnSubmission({ id, expectedVersion: report.version, comment });
        setOutcome({ ok: true, text: '已退回，意见已发送给报送单位。' });
      }
    } catch (error) {
      setOutcome({ ok: false, text: problem(error) });
    }
  };
  return (
    <section>
      <p>
        <a href="/review">‹ 返回待审核列表</a>
      </p>
      <h1>
        {report.organization.name} · {report.template.name} · {periodName(report.period.text)}
      </h1>
      <p class="lead">
        状态：<span class={`status status-${report.status}`}>{STATUS_NAMES[report.status]}</span> ·
        第 {report.version} 版 · 报送于 {dateTime(report.submittedAt)}
        {report.returnComment && ` · 退回意见：${report.returnComment}`}
      </p>
      <Comparison report={report} previous={previous} />
      {outcome && (
        <p class={outcome.ok ? 'notice' : 'problem'} role={outcome.ok ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <button type="button" onClick={() => void act('approve')}>
          审核通过
        </button>
        <label>
          退回意见{' '}
          <input
            type="text"
            value={comment}
            required
            onInput={(event) => setComment(event.currentTarget.value)}
          />
        </label>
        <button type="button" disabled={!comment.trim()} onClick={() => void act('return')}>
          退回
        </button>
      </form>
    </section>
  );
}

/** The report's figures beside the previous period's, large changes highlighted. */
function Comparison({ report, previous }: { report: Report; previous: Report | null }) {
  const before = new Map(
    (previous?.values.edges ?? []).map(({ node }) => [node.metric.code, node]),
  );
  return (
    <Table
      caption={`本期与上期（${previous ? periodName(previous.period.text) : '无上期报表'}）对比`}
    >
      <thead>
        <tr>
          <th scope="col">指标</th>
          <th scope="col" class="num">
            本期
          </th>
          <th scope="col" class="num">
            上期
          </th>
        </tr>
      </thead>
      <tbody>
        {report.values.edges.map(({ node }) => {
          const old = before.get(node.metric.code);
          const large =
            old?.valueFloat && node.valueFloat !== null && node.valueFloat !== undefined
              ? Math.abs(node.valueFloat - old.valueFloat) / Math.abs(old.valueFloat) >=
                LARGE_CHANGE
              : false;
          return (
            <tr key={node.id} class={large ? 'changed' : undefined}>
              <td>
                {node.metric.name}
                {large && <span class="muted">（变化较大）</span>}
              </td>
              <td class="num">{decimal(node.value, node.unit)}</td>
              <td class="num">{old ? decimal(old.value, old.unit) : '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}
