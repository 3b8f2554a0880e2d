import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import { buildInfo } from '../build-info.js';
import type { Logger } from '../logger.js';

// Spans go through OpenTelemetry's API only: without a tracer provider registered (the
// default), every span is a no-op, and statement spans are not even started. The server never
// registers a context manager either: a statement's span finds its request's span through the
// request's statement scope (observability.ts), the one per-request context there is.

let cachedTracer: Tracer | undefined;

/** The server's tracer: a proxy that follows whichever provider is registered, even later. */
function tracer(): Tracer {
  cachedTracer ??= trace.getTracer('fulian-graph', buildInfo().version);
  return cachedTracer;
}

/** Starts the span of one GraphQL request over HTTP. */
export function startRequestSpan(requestId: string): Span {
  return tracer().startSpan('graphql.request', {
    kind: SpanKind.SERVER,
    attributes: { 'fulian.request_id': requestId },
  });
}

/**
 * Records one SQL statement as a child of its request's span, after the fact: kysely reports
 * a statement once it has answered, with its duration. The text is kysely's, with `$1`
 * placeholders: parameter values (personal data among them) never leave in a span.
 */
export function recordStatementSpan(
  parent: Span,
  statement: { text: string; command: string; durationMs: number; failed: boolean },
): void {
  const endTime = performance.timeOrigin + performance.now();
  const span = tracer().startSpan(
    statement.command.toUpperCase(),
    {
      kind: SpanKind.CLIENT,
      startTime: endTime - statement.durationMs,
      attributes: {
        'db.system.name': 'postgresql',
        'db.operation.name': statement.command.toUpperCase(),
        'db.query.text': statement.text,
      },
    },
    trace.setSpan(ROOT_CONTEXT, parent),
  );
  if (statement.failed) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(endTime);
}

/**
 * Exports spans over OTLP/HTTP when OTEL_EXPORTER_OTLP_ENDPOINT (or
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, unless OTEL_TRACES_EXPORTER is `none`; the
 * exporter reads its other OTEL_EXPORTER_OTLP_* variables (headers, protocol) itself.
 * Returns what flushes and stops it, or undefined when tracing stays off. The SDK is loaded
 * only then.
 */
export async function startTraceExport(
  env: NodeJS.ProcessEnv,
  logger: Logger,
): Promise<(() => Promise<void>) | undefined> {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint || env.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const [
    { BasicTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': env.OTEL_SERVICE_NAME || 'fulian-graph',
      'service.version': buildInfo().version,
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  trace.setGlobalTracerProvider(provider);
  logger.info({ endpoint }, 'exporting traces over OTLP');
  return () => provider.shutdown();
}
