import { z } from 'zod'
import { optionalIntEnv } from '../config.js'

/**
 * The OpenTelemetry variables jobq reads itself (the exporter reads its own, e.g.
 * `OTEL_EXPORTER_OTLP_HEADERS`), spread into the producer's and the worker's env shapes.
 */
export const tracingEnvShape = {
  /** OTLP/HTTP collector base URL (`/v1/traces` is added); unset = tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  /** `service.name` of the spans; default `jobq-producer` or `jobq-worker`. */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** Milliseconds between two exports of the buffered spans; default 5,000. */
  OTEL_BSP_SCHEDULE_DELAY: optionalIntEnv(1, 3_600_000),
}

/** The tracing variables once parsed. */
export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string
  OTEL_SERVICE_NAME?: string
  OTEL_BSP_SCHEDULE_DELAY?: number
}
