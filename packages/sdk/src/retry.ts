import { FulianError, FulianNetworkError, type RequestError } from './errors.js';

/** When and how long the client waits before it sends a failed request again. */
export interface RetryOptions {
  /** How many times a request is sent again after its first failure; 0 never retries. */
  retries?: number;
  /** Backoff before the first retry, in ms; it doubles with each retry. */
  baseDelayMs?: number;
  /** The longest backoff, in ms. */
  maxDelayMs?: number;
  /** The longest `Retry-After` the client waits out, in ms; a longer one fails at once. */
  maxRetryAfterMs?: number;
  /** Called before each wait, e.g. to log it. */
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  /** 1 for the first retry. */
  attempt: number;
  delayMs: number;
  error: RequestError;
}

export type RetryPolicy = Required<Omit<RetryOptions, 'onRetry'>> & Pick<RetryOptions, 'onRetry'>;

export const DEFAULT_RETRY: RetryPolicy = {
  retries: 3,
  baseDelayMs: 300,
  maxDelayMs: 10_000,
  maxRetryAfterMs: 60_000,
};

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return { ...DEFAULT_RETRY, retries: 0 };
  return { ...DEFAULT_RETRY, ...options };
}

const RETRIED_STATUSES = new Set([502, 503, 504]);

/** Failures worth sending again: the request may well succeed a moment later. */
export function isTransient(error: RequestError): boolean {
  if (error instanceof FulianNetworkError) return true;
  if (error instanceof FulianError) {
    // UNAVAILABLE comes with a 503 over HTTP, but not over a socket or through a proxy that
    // rewrites statuses.
    return (
      error.code === 'RATE_LIMITED' ||
      error.code === 'UNAVAILABLE' ||
      RETRIED_STATUSES.has(error.status)
    );
  }
  return error.status === 429 || RETRIED_STATUSES.has(error.status);
}

/**
 * How long to wait before retry number `attempt` (1 for the first), or null to give up: the
 * server's `Retry-After` plus a little jitter when it sent one, otherwise exponential backoff
 * with "equal jitter" (half the step fixed, half random), so retries spread out but still grow.
 */
export function retryDelay(
  error: RequestError,
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | null {
  const retryAfterMs = error instanceof FulianNetworkError ? undefined : error.retryAfterMs;
  if (retryAfterMs !== undefined) {
    if (retryAfterMs > policy.maxRetryAfterMs) return null;
    return retryAfterMs + Math.floor(random() * policy.baseDelayMs);
  }
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(step / 2 + random() * (step / 2));
}

/** Reads a `Retry-After` header (delay-seconds or an HTTP date) as milliseconds from now. */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
