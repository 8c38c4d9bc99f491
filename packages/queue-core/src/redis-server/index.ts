/**
 * `@jobq/queue-core/redis-server`: what dev, bench, the chaos runner and the tests use at run time
 * to start real Redis and Node processes. Nothing in this entry's graph imports vitest (a test
 * reads the built file to keep it so); the vitest-bound helpers live in `@jobq/queue-core/testing`.
 *
 * @module
 */
export { freePort, startRedisServer, answersPing } from './redis-server.js'
export type { RedisServer, RedisServerOptions } from './redis-server.js'
export { spawnNode } from './spawn-node.js'
export type { NodeProcess } from './spawn-node.js'
export { startCluster, startSentinelSet } from './topologies.js'
export type { RedisCluster, SentinelSet } from './topologies.js'
export { eventually } from './eventually.js'
export type { EventuallyOptions } from './eventually.js'
