/**
 * The tables a spreadsheet export can hold, each as the GraphQL operation that answers it and
 * the columns it fills. The numbers are the graph's own answers (the same resolvers, loaders
 * and SQL an API client gets), paged through 100 rows at a time: nothing is recomputed here.
 */
export const TABLE_KINDS = [
  'COMPLETENESS',
  'ROLLUP',
  'RANKING',
  'SERIES',
  'CONTRIBUTIONS',
] as const;
export type TableKind = (typeof TABLE_KINDS)[number];

export interface TableArgs {
  metric?: string | null;
  template?: string | null;
  period?: string | null;
  within?: string | null;
  /** groupBy of a roll-up, level of a ranking. */
  level?: string | null;
  organization?: string | null;
  from?: string | null;
  to?: string | null;
  includeSubmitted?: boolean | null;
}

// A table's rows are the GraphQL answer as its query shapes it, read field by field below.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Node = Record<string, any>;

/** The arguments a table needs that `args` lacks. */
export function missingArgs(kind: TableKind, args: TableArgs): (keyof TableArgs)[] {
  return TABLES[kind].required.filter((name) => args[name] == null);
}

export interface TableQuery {
  /** What the table is, in Chinese and English, for its heading. */
  title: (args: TableArgs) => string;
  headers: string[];
  document: string;
  required: (keyof TableArgs)[];
  /**
   * The rows of one answer, and the cursor variables of the next request (null: the last
   * page). `cursor` holds the variables this answer was asked with.
   */
  page: (data: Node, cursor: Cursor) => { nodes: Node[]; next: Cursor | null };
  row: (node: Node) => unknown[];
}

const PAGE = 'pageInfo { hasNextPage endCursor }';
const COVERAGE = 'coverage { expected contributing covered unpaired unapproved missing }';
const COVERAGE_HEADERS = [
  '应报单位 expected',
  '计入单位 contributing',
  '已含于上级 covered',
  '未配对 unpaired',
  '未审核 unapproved',
  '缺报 missing',
];
const coverage = (node: Node) => {
  const c = node.coverage as Node;
  return [c.expected, c.contributing, c.covered, c.unpaired, c.unapproved, c.missing];
};
const unit = (node: Node) => [node.organization.code ?? '', node.organization.name];
/** The variables that page a table: `after`, and for contributions the group's own cursor. */
export type Cursor = Record<string, string | null>;

const edgesOf = (conn: Node) => (conn.edges as Node[]).map((edge) => edge.node as Node);
const nextAfter = (conn: Node) =>
  conn.pageInfo.hasNextPage ? (conn.pageInfo.endCursor as string) : null;
const connection = (field: (data: Node) => Node) => (data: Node) => {
  const conn = field(data);
  const after = nextAfter(conn);
  return { nodes: edgesOf(conn), next: after === null ? null : { after } };
};
const decimal = (value: unknown) => (value == null ? '' : String(value));

export const TABLES: Record<TableKind, TableQuery> = {
  COMPLETENESS: {
    title: (a) => `报送情况 Completeness · ${a.template} · ${a.period} · ${a.within ?? '全部'}`,
    headers: [
      '代码 code',
      '单位 unit',
      '状态 status',
      '报送时间 submitted at',
      '逾期天数 days late',
    ],
    required: ['template', 'period'],
    document: `query($template: String!, $period: String!, $within: String, $after: String) {
      completeness(template: $template, period: $period, within: $within) {
        units(first: 100, after: $after) {
          edges { node { organization { code name } status submittedAt daysLate } } ${PAGE}
        }
      }
    }`,
    page: connection((data) => data.completeness.units),
    row: (node) => [...unit(node), node.status, node.submittedAt ?? '', node.daysLate],
  },
  ROLLUP: {
    title: (a) => `汇总 Roll-up · ${a.metric} · ${a.period} · ${a.within ?? '全部'} · ${a.level}`,
    headers: [
      '代码 code',
      '单位 unit',
      '数值 value',
      '限定 qualifier',
      '无值原因 reason',
      '本级填报 reported',
      '下级合计 sum of children',
      ...COVERAGE_HEADERS,
    ],
    required: ['metric', 'period', 'level'],
    document: `query($metric: String!, $period: String!, $level: OrganizationLevel!, $within: String, $includeSubmitted: Boolean, $after: String) {
      rollup(metric: $metric, period: $period, groupBy: $level, within: $within, includeSubmitted: $includeSubmitted, first: 100, after: $after) {
        edges { node { organization { code name } value qualifier reason reported sumOfChildren ${COVERAGE} } } ${PAGE}
      }
    }`,
    page: connection((data) => data.rollup),
    row: (node) => [
      ...unit(node),
      decimal(node.value),
      node.qualifier ?? '',
      node.reason ?? '',
      decimal(node.reported),
      decimal(node.sumOfChildren),
      ...coverage(node),
    ],
  },
  RANKING: {
    title: (a) => `排名 Ranking · ${a.metric} · ${a.period} · ${a.within ?? '全部'} · ${a.level}`,
    headers: [
      '名次 rank',
      '代码 code',
      '单位 unit',
      '数值 value',
      '限定 qualifier',
      '占合计 % share of total',
      '无值原因 reason',
      ...COVERAGE_HEADERS,
    ],
    required: ['metric', 'period', 'level'],
    document: `query($metric: String!, $period: String!, $level: OrganizationLevel!, $within: String, $includeSubmitted: Boolean, $after: String) {
      ranking(metric: $metric, period: $period, level: $level, within: $within, includeSubmitted: $includeSubmitted, first: 100, after: $after) {
        entries { edges { node { rank organization { code name } value qualifier shareOfTotal reason ${COVERAGE} } } ${PAGE} }
      }
    }`,
    page: connection((data) => data.ranking.entries),
    row: (node) => [
      node.rank ?? '',
      ...unit(node),
      decimal(node.value),
      node.qualifier ?? '',
      decimal(node.shareOfTotal),
      node.reason ?? '',
      ...coverage(node),
    ],
  },
  SERIES: {
    title: (a) => `时间序列 Series · ${a.metric} · ${a.organization} · ${a.from}–${a.to}`,
    headers: [
      '期间 period',
      '数值 value',
      '限定 qualifier',
      '无值原因 reason',
      '变化 change',
      '增长率 % growth',
      '增长率缺失原因 growth reason',
      ...COVERAGE_HEADERS,
    ],
    required: ['metric', 'organization', 'from', 'to'],
    document: `query($metric: String!, $organization: String!, $from: String!, $to: String!, $includeSubmitted: Boolean) {
      series(metric: $metric, organization: $organization, from: $from, to: $to, includeSubmitted: $includeSubmitted) {
        period { text } value qualifier reason change growthRate growthReason ${COVERAGE}
      }
    }`,
    page: (data) => ({ nodes: data.series as Node[], next: null }),
    row: (node) => [
      node.period.text,
      decimal(node.value),
      node.qualifier ?? '',
      node.reason ?? '',
      decimal(node.change),
      decimal(node.growthRate),
      node.growthReason ?? '',
      ...coverage(node),
    ],
  },
  CONTRIBUTIONS: {
    title: (a) =>
      `构成明细 Contributions · ${a.metric} · ${a.period} · ${a.within ?? '全部'} · ${a.level}`,
    headers: [
      '汇总单位代码 group code',
      '汇总单位 group',
      '填报单位代码 code',
      '填报单位 unit',
      '指标 metric',
      '数值 value',
      '限定 qualifier',
      '范围 scope',
      '报表状态 status',
      '是否计入 counted',
    ],
    required: ['metric', 'period', 'level'],
    // One group per request, so a group's own contributions are paged before the next group.
    document: `query($metric: String!, $period: String!, $level: OrganizationLevel!, $within: String, $includeSubmitted: Boolean, $after: String, $contributionsAfter: String) {
      rollup(metric: $metric, period: $period, groupBy: $level, within: $within, includeSubmitted: $includeSubmitted, first: 1, after: $after) {
        edges { node { organization { id code name } contributions(first: 100, after: $contributionsAfter) {
          edges { node { organization { code name } metric value qualifier scope status counted } } ${PAGE}
        } } } ${PAGE}
      }
    }`,
    page: (data, cursor) => {
      const groups = data.rollup as Node;
      const group = edgesOf(groups)[0];
      if (!group) return { nodes: [], next: null };
      const nodes = edgesOf(group.contributions).map((node) => ({ ...node, group }));
      const more = nextAfter(group.contributions);
      if (more !== null) {
        return { nodes, next: { after: cursor.after ?? null, contributionsAfter: more } };
      }
      const after = nextAfter(groups);
      return { nodes, next: after === null ? null : { after, contributionsAfter: null } };
    },
    row: (node) => [
      node.group.organization.code ?? '',
      node.group.organization.name,
      ...unit(node),
      node.metric,
      decimal(node.value),
      node.qualifier,
      node.scope,
      node.status,
      node.counted ? '是 yes' : '否 no',
    ],
  },
};
