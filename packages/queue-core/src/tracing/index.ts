/**
 * Traces over OTLP, on only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set. Off, nothing of
 * OpenTelemetry is loaded: {@link startTracing} imports the SDK (`sdk.ts`) only when on, and the
 * queues and workers jobq makes pass BullMQ no `telemetry` ({@link bullTelemetry} is empty).
 */
import type { Telemetry } from 'bullmq'
import type { TracingEnv } from './env.js'

/** What `startTracing` set up; `shutdown` exports the spans still buffered. */
export interface Tracing {
  /** BullMQ's telemetry (bullmq-otel): an `add` span per enqueue, a `process` span per attempt. */
  readonly telemetry: Telemetry
  /**
   * Adds jobq's attributes to the attempt's `process` span (the active span while the handler
   * runs): `messaging.*` after OpenTelemetry's semantic conventions, `jobq.job.name`,
   * `jobq.attempt`.
   */
  annotateAttempt(job: { id?: string; name: string; queueName: string }, attempt: number): void
  shutdown(): Promise<void>
}

let current: Tracing | undefined

/**
 * Starts tracing when `env.OTEL_EXPORTER_OTLP_ENDPOINT` is set (`tracingEnvShape`:
 * `OTEL_SERVICE_NAME`, default `defaultServiceName`; `OTEL_BSP_SCHEDULE_DELAY`, ms between
 * exports, default 5,000), else answers undefined and loads nothing. Call it before creating
 * operations or workers: they take its telemetry when made.
 */
export async function startTracing(
  defaultServiceName: string,
  env: TracingEnv,
): Promise<Tracing | undefined> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined
  const { setUpTracing } = await import('./sdk.js')
  current = setUpTracing(env.OTEL_SERVICE_NAME ?? defaultServiceName, env.OTEL_BSP_SCHEDULE_DELAY)
  return current
}

/** BullMQ's `telemetry` option for a Queue or Worker jobq makes: `{}` while tracing is off. */
export function bullTelemetry(): { telemetry?: Telemetry } {
  return current ? { telemetry: current.telemetry } : {}
}

/** The tracing started in this process, if any (the worker's attempts annotate through it). */
export function activeTracing(): Tracing | undefined {
  return current
}
