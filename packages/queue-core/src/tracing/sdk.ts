/**
 * The OpenTelemetry SDK, loaded by `startTracing` only when tracing is on: a tracer provider
 * with a batching OTLP/HTTP exporter, the AsyncLocalStorage context manager (a span stays
 * current across awaits, so the HTTP span is the parent of the enqueue's) and the W3C trace
 * context propagator (bullmq-otel carries the enqueue's `traceparent` in the job's
 * `opts.telemetry.metadata`, never in its data).
 */
import { context, propagation, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources'
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace'
import { BullMQOtel } from 'bullmq-otel'
import type { Tracing } from './index.js'

/** The SDK's default wait between exports, in ms. */
const DEFAULT_EXPORT_DELAY_MS = 5_000

/** Sets up the SDK globally; `exportDelayMs` is the wait between exports (default 5,000). */
export function setUpTracing(serviceName: string, exportDelayMs?: number): Tracing {
  const provider = new TracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES first, so that the service name chosen here wins.
    resource: detectResources({ detectors: [envDetector] }).merge(
      resourceFromAttributes({ 'service.name': serviceName }),
    ),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        scheduledDelayMillis: exportDelayMs ?? DEFAULT_EXPORT_DELAY_MS,
      }),
    ],
  })
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
  propagation.setGlobalPropagator(new W3CTraceContextPropagator())
  trace.setGlobalTracerProvider(provider)
  return {
    telemetry: new BullMQOtel({ tracerName: 'jobq' }),
    annotateAttempt(job, attempt) {
      trace.getActiveSpan()?.setAttributes({
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': job.queueName,
        'messaging.message.id': job.id ?? '',
        'jobq.job.name': job.name,
        'jobq.attempt': attempt,
      })
    },
    shutdown: () => provider.shutdown(),
  }
}
