import { inject } from 'vitest'

// What the global setup hands every test: `inject('redisUrl')` is typed wherever this is loaded.
declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string
  }
}

/**
 * The URL of the run's private redis-server. Use this rather than `inject('redisUrl')` outside
 * queue-core: pnpm may give each package its own copy of vitest's types, and the augmentation
 * above only types the copy queue-core sees.
 */
export function testRedisUrl(): string {
  return inject('redisUrl')
}
