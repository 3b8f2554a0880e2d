import type { Deadline } from '../db/statement-scope.js';

/**
 * What `work` answers, or 'timeout' when `ms` pass first; then `deadline` is aborted, which
 * cancels the request's SQL (statement-scope.ts). One promise settled by whichever comes first:
 * a race of two promises, with a `finally` after it, was a fixed cost of every request
 * (docs/performance.md, issue 14). A failure after the deadline goes to `lateFailure`, since
 * the request was answered already.
 */
export function untilDeadline<T>(
  work: Promise<T>,
  deadline: Deadline,
  ms: number,
  lateFailure: (error: unknown) => void,
): Promise<T | 'timeout'> {
  return new Promise((resolve, reject) => {
    let expired = false;
    const timer = setTimeout(() => {
      expired = true;
      deadline.abort();
      resolve('timeout');
    }, ms);
    work.then(
      (answer) => {
        clearTimeout(timer);
        resolve(answer);
      },
      (error: unknown) => {
        clearTimeout(timer);
        if (expired) lateFailure(error);
        else reject(error);
      },
    );
  });
}
