import type {} from 'vitest'

// prom-client depends on @opentelemetry/api, an optional peer of vitest, so pnpm gives this
// package a vitest copy of its own, which queue-core's `declare module 'vitest'` does not reach:
// the same declaration, for this copy.
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}
