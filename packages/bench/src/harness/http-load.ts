import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { REPOSITORY_ROOT, type Target } from '../target.js';
import type { PreparedOperation } from './operation.js';

export interface ThroughputResult {
  connections: number;
  seconds: number;
  /** Answers per second, mean over the run. */
  requestsPerSecond: number;
  latencyP50: number;
  latencyP99: number;
  requests: number;
  /** Answers that were not HTTP 200 or that carried GraphQL errors, and failed connections. */
  failures: number;
  /** The first failure's body, to tell what went wrong. */
  firstFailure: string | null;
}

export interface ServedGraph {
  url: string;
  stop(): Promise<void>;
  /** Resolves once the requests still in flight from a load run are answered. */
  settle(): Promise<void>;
}

const SERVER_CLI = path.join(REPOSITORY_ROOT, 'packages', 'server', 'bin', 'fulian.js');
const BENCH_CLI = path.join(REPOSITORY_ROOT, 'packages', 'bench', 'bin', 'fulian-bench.js');

/**
 * Starts `fulian serve` in a process of its own on the target's database, so the load
 * generator does not share the server's event loop. Resolves once it prints its URL.
 */
export async function serveGraph(
  target: Target,
  env: Record<string, string>,
): Promise<ServedGraph> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, PORT: '0', LOG_LEVEL: 'warn' };
  delete childEnv.DATABASE_URL;
  delete childEnv.FULIAN_DATA_DIR;
  if (target.config.databaseUrl) childEnv.DATABASE_URL = target.config.databaseUrl;
  else childEnv.FULIAN_DATA_DIR = target.config.dataDir;
  return serveChild([SERVER_CLI, 'serve', '--no-migrate'], childEnv);
}

/**
 * Starts the floor (floor.ts) in a process of its own on the target's PostgreSQL database, as
 * ours is served. Not on PGlite: its directory is open in one process at a time, and ours
 * holds it while the two are measured in turn.
 */
export async function serveFloor(target: Target): Promise<ServedGraph | null> {
  const { databaseUrl } = target.config;
  if (!databaseUrl) return null;
  return serveChild([BENCH_CLI, 'floor', '--database-url', databaseUrl], { ...process.env });
}

async function serveChild(args: string[], childEnv: NodeJS.ProcessEnv): Promise<ServedGraph> {
  const child = spawn(process.execPath, args, {
    cwd: REPOSITORY_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${args.join(' ')} did not start:\n${stderr}`)),
      120_000,
    );
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with ${code}:\n${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /ready at (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return { url, stop: () => stopChild(child), settle: () => settle(url) };
}

/**
 * Waits until the served graph has finished the requests autocannon left in flight when its
 * run ended: `/readyz` queues for a pooled connection behind them, so its answer means the
 * next measurement starts on an idle server instead of inheriting the last one's backlog.
 */
async function settle(graphqlUrl: string): Promise<void> {
  const ready = new URL('/readyz', graphqlUrl);
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const response = await fetch(ready).catch(() => null);
    if (response?.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${ready.href} did not answer within 300 s after a load run`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * Drives the served graph with autocannon for `seconds` over `connections` keep-alive
 * connections, each request built in turn from the operation (the page walk advances, saves
 * carry the version the previous answer returned). Returns the next unused request index.
 */
export async function measureThroughput(
  url: string,
  operation: PreparedOperation,
  first: number,
  connections: number,
  seconds: number,
): Promise<{ result: ThroughputResult; next: number }> {
  let next = await untilAdmitted(url, operation, first);
  let failures = 0;
  let firstFailure: string | null = null;
  // autocannon hands a request's context to both hooks, which ties an answer to the request
  // index it was built from. The context cannot name a connection: the iterator replaces it
  // before every request. Requests in flight take a free slot instead, given back with the
  // answer; a connection has one request in flight, so two in flight never share a slot and
  // there are never more slots than connections.
  const pending = new Map<object, { index: number; slot: number }>();
  const freeSlots: number[] = [];
  let slots = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request, context) => {
          const index = next;
          next += 1;
          const slot = freeSlots.pop() ?? slots++;
          pending.set(context, { index, slot });
          const { body, headers } = operation.request(index, slot);
          return {
            ...request,
            headers: { ...request.headers, 'content-type': 'application/json', ...headers },
            body: JSON.stringify(body),
          };
        },
        onResponse: (status, body, context) => {
          const request = pending.get(context);
          pending.delete(context);
          const parsed = status === 200 ? parse(body) : null;
          if (!parsed || parsed.errors || request === undefined) {
            failures += 1;
            firstFailure ??= `HTTP ${status}: ${body.slice(0, 500)}`;
          } else {
            operation.onData?.(request.index, parsed.data, request.slot);
          }
          if (request) freeSlots.push(request.slot);
        },
      },
    ],
  });
  return {
    next,
    result: {
      connections,
      seconds: result.duration,
      requestsPerSecond: Math.round(result.requests.average * 10) / 10,
      latencyP50: result.latency.p50,
      latencyP99: result.latency.p99,
      requests: result.requests.total,
      failures: failures + result.errors + result.timeouts,
      firstFailure,
    },
  };
}

/**
 * Sends the operation's next request until it is answered, waiting out each RATE_LIMITED
 * refusal's Retry-After as a well-behaved client would. A run ends with requests still in
 * flight; the next run's caller would meet them (at most one expensive operation per caller at
 * once) and its instance would refuse it until Retry-After: one admitted request first means
 * the measurement starts on a caller the server is ready to serve.
 */
async function untilAdmitted(
  url: string,
  operation: PreparedOperation,
  index: number,
): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const { body, headers } = operation.request(index, 0);
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 429) {
      const parsed = response.status === 200 ? parse(text) : null;
      if (parsed && !parsed.errors) operation.onData?.(index, parsed.data, 0);
      return index + 1;
    }
    const seconds = Number(response.headers.get('retry-after') ?? '1');
    await new Promise((resolve) => setTimeout(resolve, Math.max(seconds, 0.1) * 1_000));
  }
  throw new Error(`${url} refused the caller for 20 attempts before a load run`);
}

function parse(body: string): { data?: unknown; errors?: unknown } | null {
  try {
    return JSON.parse(body) as { data?: unknown; errors?: unknown };
  } catch {
    return null;
  }
}
