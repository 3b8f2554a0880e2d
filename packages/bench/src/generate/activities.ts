import type { Random } from '../random.js';
import type { Column, Value } from './bulk-load.js';
import type { Unit, UnitLevel } from './units.js';

export const ACTIVITY_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'organization_id', type: 'int' },
  { name: 'title', type: 'text' },
  { name: 'description', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'period', type: 'text' },
  { name: 'period_type', type: 'text' },
  { name: 'period_start', type: 'date' },
  { name: 'period_end', type: 'date' },
  { name: 'themes', type: 'text[]' },
];

/**
 * How many activities a unit of each level runs in a year, relative to a village. A city
 * federation with its departments runs a couple of hundred; most villages one or none.
 */
const YEARLY_WEIGHT: Record<UnitLevel, number> = {
  PROVINCE: 375,
  CITY: 200,
  COUNTY: 50,
  TOWNSHIP: 5,
  VILLAGE: 1,
};

type Kind =
  | 'TRAINING'
  | 'CAMPAIGN'
  | 'LIVESTREAM'
  | 'COMPETITION'
  | 'SCREENING'
  | 'SELECTION'
  | 'LECTURE'
  | 'FORUM'
  | 'FESTIVAL'
  | 'SERVICE'
  | 'MEETING';

/** Titles as the reports word them, by kind; the region's name goes in front. */
const TITLES: Record<Kind, { weight: number; titles: string[]; themes: string[] }> = {
  TRAINING: {
    weight: 18,
    titles: [
      '妇联干部能力提升培训班',
      '“巾帼电商”创业培训班',
      '家政服务技能培训',
      '乡村振兴“领头雁”培训班',
      '妇女创业就业技能培训',
      '家庭教育指导师培训',
      '妇联执委履职能力培训',
    ],
    themes: ['组织建设', '创业就业', '乡村振兴', '家庭家教家风'],
  },
  CAMPAIGN: {
    weight: 16,
    titles: [
      '“巾帼心向党 奋进新征程”主题活动',
      '“清廉家风”建设主题活动',
      '“美丽庭院”创建活动',
      '“平安家庭”创建活动',
      '“巾帼建新功”主题实践活动',
      '“建家立业”家风传承活动',
    ],
    themes: ['思想引领', '家庭家教家风', '生态', '基层治理', '巾帼建功'],
  },
  LIVESTREAM: {
    weight: 5,
    titles: ['“出手吧，姐姐”助农直播', '巾帼助农直播带货', '“湘妹子”农产品直播推介'],
    themes: ['乡村振兴', '创业就业'],
  },
  COMPETITION: {
    weight: 5,
    titles: ['巾帼创新创业大赛', '家政服务技能大赛', '“家和万事兴”家庭才艺比赛'],
    themes: ['创业就业', '巾帼建功', '文化'],
  },
  SCREENING: {
    weight: 6,
    titles: ['适龄妇女“两癌”免费筛查', '妇女健康义诊活动'],
    themes: ['健康'],
  },
  SELECTION: {
    weight: 8,
    titles: ['“最美家庭”评选', '“五好家庭”评选表彰', '巾帼文明岗评选', '“三八红旗手”推荐评选'],
    themes: ['家庭家教家风', '巾帼建功'],
  },
  LECTURE: {
    weight: 14,
    titles: [
      '家风家教宣讲',
      '“民法典进家庭”宣讲',
      '女性健康知识讲座',
      '“巾帼宣讲团”进村宣讲',
      '反家暴法律知识讲座',
    ],
    themes: ['思想引领', '家庭家教家风', '维权', '健康', '宣传'],
  },
  FORUM: {
    weight: 2,
    titles: ['巾帼创业论坛', '家庭教育论坛', '女企业家交流座谈'],
    themes: ['创业就业', '家庭家教家风'],
  },
  FESTIVAL: {
    weight: 6,
    titles: ['“三八”妇女节庆祝活动', '“六一”儿童节关爱活动', '“我们的节日”家庭文化活动'],
    themes: ['文化', '儿童'],
  },
  SERVICE: {
    weight: 14,
    titles: [
      '“春蕾计划”助学活动',
      '留守儿童关爱服务',
      '妇女儿童维权服务',
      '婚姻家庭纠纷调解',
      '困难妇女帮扶慰问',
    ],
    themes: ['儿童', '维权', '基层治理', '脱贫攻坚'],
  },
  MEETING: {
    weight: 6,
    titles: ['妇联执委会议', '妇女代表大会', '妇联工作推进会'],
    themes: ['组织建设', '党建'],
  },
};

const KINDS = Object.entries(TITLES).map(([kind, { weight }]) => [kind as Kind, weight] as const);

/**
 * Yearly activity rates per level, scaled so that the data set holds about `total`
 * activities over `years` years.
 */
export function activityRates(
  units: readonly Unit[],
  years: number,
  total: number,
): Record<UnitLevel, number> {
  const weightSum = units.reduce((sum, unit) => sum + YEARLY_WEIGHT[unit.level], 0);
  const factor = weightSum === 0 ? 0 : total / (years * weightSum);
  return Object.fromEntries(
    Object.entries(YEARLY_WEIGHT).map(([level, weight]) => [level, weight * factor]),
  ) as Record<UnitLevel, number>;
}

/** Every generated activity row, unit by unit and year by year, ids from `firstId`. */
export function* activityRows(
  random: Random,
  units: readonly Unit[],
  years: readonly number[],
  rates: Record<UnitLevel, number>,
  firstId: number,
): Generator<Value[]> {
  let id = firstId - 1;
  for (const unit of units) {
    for (const year of years) {
      const count = random.poisson(rates[unit.level]);
      for (let n = 0; n < count; n += 1) {
        id += 1;
        const kind = random.weighted(KINDS);
        const { titles, themes } = TITLES[kind];
        const title = `${unit.regionName}${random.pick(titles)}`;
        const month = random.int(1, 12);
        const monthly = random.chance(0.1);
        const day = random.int(1, 28);
        const period = monthly ? `${year}-${pad(month)}` : `${year}-${pad(month)}-${pad(day)}`;
        const start = monthly ? `${year}-${pad(month)}-01` : period;
        const end = monthly ? lastDayOfMonth(year, month) : period;
        const description = random.chance(0.3)
          ? `${year}年${month}月，${unit.name}组织开展${title.slice(unit.regionName.length)}，参与群众${random.int(20, 2_000)}人次。`
          : null;
        const tags = random.chance(0.3)
          ? [random.pick(themes), random.pick(themes)]
          : [random.pick(themes)];
        yield [
          id,
          unit.id,
          title,
          description,
          kind,
          period,
          monthly ? 'MONTH' : 'DAY',
          start,
          end,
          [...new Set(tags)],
        ];
      }
    }
  }
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function lastDayOfMonth(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(day)}`;
}
