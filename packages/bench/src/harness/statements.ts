/** One SQL statement the server sent, with what EXPLAIN needs to replay it. */
export interface Statement {
  sql: string;
  parameters: readonly unknown[];
  durationMs: number;
}

/**
 * Collects the statements sent while recording is on. The harness runs one request at a time
 * in process, so what is recorded between start and stop belongs to that request alone.
 */
export class StatementRecorder {
  private recorded: Statement[] | null = null;

  /** The createDatabase onQuery hook. */
  readonly onQuery = (
    sql: string,
    details: { parameters: readonly unknown[]; durationMs: number },
  ): void => {
    this.recorded?.push({ sql, parameters: details.parameters, durationMs: details.durationMs });
  };

  async record<T>(fn: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
    const statements: Statement[] = [];
    this.recorded = statements;
    try {
      return { result: await fn(), statements };
    } finally {
      this.recorded = null;
    }
  }
}
