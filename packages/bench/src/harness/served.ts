import type { Kysely } from 'kysely';
import type { Database } from '@fulian/server';
import type { Progress } from '../progress.js';
import type { Target } from '../target.js';
import { floorOperation } from './floor.js';
import { measureThroughput, serveFloor, serveGraph, type ServedGraph } from './http-load.js';
import { loopbackClient } from './loopback.js';
import type { PreparedOperation } from './operation.js';
import type { OperationResult } from './run.js';

export interface ServedOptions {
  /** Seconds of load per autocannon run. */
  seconds: number;
  connections: number[];
  /** The environment of `fulian serve` (its secret, its limits). */
  env: Record<string, string>;
}

/**
 * Drives `fulian serve` with autocannon, operation by operation, at each number of
 * connections, and the floor (floor.ts) right after ours at the same number, so the two share
 * the machine's state of the moment. Each result gets its HTTP runs (and its floor's);
 * `compileWith` compiles the floor's statements.
 */
export async function measureServed(
  target: Target,
  results: OperationResult[],
  prepared: Map<string, { operation: PreparedOperation; next: number }>,
  compileWith: Kysely<Database>,
  options: ServedOptions,
  progress: Progress,
): Promise<void> {
  progress.update('starting fulian serve and the floor');
  const served = await serveGraph(target, options.env);
  let floor: ServedGraph | null = null;
  // Answers still in flight when a load run ends are never read: what they changed is read
  // back before the next run.
  const reader = loopbackClient(served.url);
  try {
    floor = await serveFloor(target);
    for (const result of results) {
      const entry = prepared.get(result.name)!;
      for (const connections of options.connections) {
        progress.update(`${result.name}: HTTP, ${connections} connection(s)`);
        await entry.operation.sync?.(reader.execute);
        const run = await measureThroughput(
          served.url,
          entry.operation,
          entry.next,
          connections,
          options.seconds,
        );
        entry.next = run.next;
        result.http.push(run.result);
        await served.settle();
        if (floor && result.floor) {
          progress.update(`${result.name}: the floor over HTTP, ${connections} connection(s)`);
          const floorRun = await measureThroughput(
            floor.url,
            floorOperation(entry.operation, compileWith),
            entry.next,
            connections,
            options.seconds,
          );
          result.floor.http.push(floorRun.result);
          await floor.settle();
        }
      }
      progress.done(
        `${result.name}: ${result.http.map((run) => `${run.requestsPerSecond} req/s at ${run.connections}`).join(', ')}` +
          (result.floor?.http.length
            ? ` (floor ${result.floor.http.map((run) => run.requestsPerSecond).join(', ')})`
            : ''),
      );
    }
  } finally {
    reader.close();
    await floor?.stop();
    await served.stop();
  }
}
