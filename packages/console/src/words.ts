import type {
  CompletenessStatus,
  MetricUnit,
  OrganizationLevel,
  Qualifier,
  SubmissionStatus,
} from '@fulian/sdk';
import { FulianError, FulianHttpError, FulianNetworkError } from '@fulian/sdk';

/** The words the console uses for the API's codes, one place for each. */

export const UNIT_NAMES: Record<MetricUnit, string> = {
  ARTICLE: '篇',
  CASE: '件',
  EVENT: '场',
  HOUR: '小时',
  HOUSEHOLD: '户',
  ITEM: '项',
  ORGANIZATION: '个',
  PERCENT: '%',
  PERSON: '人',
  PERSON_TIME: '人次',
  PROJECT: '个项目',
  RANK: '名',
  SESSION: '期',
  SQUARE_METER: '平方米',
  VISIT: '次',
  YUAN: '元',
};

export const LEVEL_NAMES: Record<OrganizationLevel, string> = {
  NATIONAL: '全国',
  PROVINCE: '省',
  CITY: '市州',
  COUNTY: '县市区',
  TOWNSHIP: '乡镇（街道）',
  VILLAGE: '村（社区）',
};

/** The level below each, for drilling down. */
export const CHILD_LEVEL: Partial<Record<OrganizationLevel, OrganizationLevel>> = {
  NATIONAL: 'PROVINCE',
  PROVINCE: 'CITY',
  CITY: 'COUNTY',
  COUNTY: 'TOWNSHIP',
  TOWNSHIP: 'VILLAGE',
};

export const STATUS_NAMES: Record<CompletenessStatus | SubmissionStatus, string> = {
  NOT_STARTED: '未报送',
  DRAFT: '草稿',
  SUBMITTED: '待审核',
  RETURNED: '已退回',
  APPROVED: '已审核通过',
};

export const QUALIFIER_NAMES: Record<Qualifier, string> = {
  EXACT: '',
  ABOUT: '约',
  AT_LEAST: '不少于',
  AT_MOST: '不超过',
  NEARLY: '近',
};

/**
 * What went wrong, said to a person: the error's code and reason in words, with what to do.
 * The API's own message (English, for developers) is not shown.
 */
export function problem(error: unknown): string {
  if (error instanceof FulianError) {
    const extensions = error.extensions as Record<string, unknown>;
    switch (error.code) {
      case 'CONFLICT':
        switch (error.reason) {
          case 'VERSION':
            return `这份报表刚被其他人修改过（现为第 ${String(extensions.currentVersion ?? '?')} 版），您看到的不是最新内容。请刷新后再操作。`;
          case 'STATUS':
            return `这份报表当前状态为“${statusWord(extensions.status)}”，不能进行此操作。请刷新查看最新状态。`;
          case 'PENDING_BELOW':
            return `下级还有 ${String(extensions.pendingCount ?? '')} 份报表未审核通过，需先审核下级报表。`;
          case 'EXISTS':
            return '该单位本期报表已存在。';
          default:
            return '操作与报表的当前状态冲突，请刷新后重试。';
        }
      case 'LOCKED':
        return error.reason === 'PARENT_APPROVED'
          ? '上级报表已审核通过并锁定，需先撤销上级的审核。'
          : '报表已审核通过并锁定，不能修改；如需修改，请先撤销审核。';
      case 'UNAUTHENTICATED':
        return '登录已失效或令牌无效，请重新登录。';
      case 'FORBIDDEN':
        return '您没有权限进行此操作（不在您的管辖范围内）。';
      case 'NOT_FOUND':
        return '找不到要查看的对象，可能已被删除或代码有误。';
      case 'BAD_USER_INPUT':
        return `填写的内容有误：${String(extensions.zh ?? error.message)}`;
      case 'RATE_LIMITED':
        return '请求过于频繁，请稍候再试。';
      case 'UNAVAILABLE':
        return '服务器暂时不可用，请稍候再试。';
      case 'INTERNAL':
        return '服务器内部错误，请联系管理员。';
    }
  }
  if (error instanceof FulianNetworkError) return '无法连接服务器，请检查网络。';
  if (error instanceof FulianHttpError) return `服务器返回错误（HTTP ${error.status}）。`;
  return '出现未知错误。';
}

function statusWord(status: unknown): string {
  return typeof status === 'string' && status in STATUS_NAMES
    ? STATUS_NAMES[status as SubmissionStatus]
    : String(status ?? '未知');
}
