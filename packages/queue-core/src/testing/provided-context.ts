import type {} from 'vitest'

// What the global setup hands every test: `inject('redisUrl')` is typed wherever this is loaded.
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}
