// `node bench/dist/search-scale.js [--jobs=1000000] [--customers=1000] [--searches=50]`
// (issue 17, point 6): fills a private redis-server with `--jobs` demo.order jobs through jobq's
// own bulk enqueue (10,000 a bulk: job hashes, the wait list and the search index, exactly as
// the producer writes them), then times `jobs.search` first pages of different customers and
// sizes the index. Not part of `pnpm bench` (it takes minutes and ~2 GiB of Redis).
import { writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { registry } from '@jobq/jobs'
import { createOperations, createRedis, waitForReady } from '@jobq/queue-core'
import { startRedisServer } from '@jobq/queue-core/redis-server'
import { orderData } from './scenarios/search.js'
import { percentile } from './stats.js'

const arg = (name: string, fallback: number) => {
  const found = process.argv.find((a) => a.startsWith(`--${name}=`))
  return found ? Number(found.slice(name.length + 3)) : fallback
}
const JOBS = arg('jobs', 1_000_000)
const CUSTOMERS = arg('customers', 1_000)
const SEARCHES = arg('searches', 50)
const BULK = 10_000
const PREFIX = 'jobq'
const REGIONS = ['eu', 'us', 'ap', 'sa']

const server = await startRedisServer()
const connection = createRedis({ url: server.url, role: 'producer' })
const ops = createOperations({ registry, connection, prefix: PREFIX })
const load = () =>
  loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')
try {
  await waitForReady(connection, 5_000)
  const before = await usedMemory()
  const fillStart = performance.now()
  for (let at = 0; at < JOBS; at += BULK) {
    const items = Array.from({ length: Math.min(BULK, JOBS - at) }, (_, k) => ({
      // Customer n % CUSTOMERS; the region turns once per round of customers, so each
      // customer has jobs in every region (a two-field search is not a one-field one).
      data: {
        ...orderData(at + k),
        customerId: `c${(at + k) % CUSTOMERS}`,
        region: REGIONS[Math.floor((at + k) / CUSTOMERS) % REGIONS.length]!,
      },
    }))
    await ops.jobs.enqueueBulk('demo.order', items)
    if ((at / BULK) % 10 === 9) console.log(`  ${at + BULK} jobs, load ${load()}`)
  }
  const fillSeconds = (performance.now() - fillStart) / 1_000
  const after = await usedMemory()
  const index = await indexBytes()

  /** Times SEARCHES first pages, each checked to hold every match up to a page (50). */
  const times = async (query: (n: number) => Record<string, string>, matches: number) => {
    const ms: number[] = []
    for (let n = 0; n < SEARCHES; n++) {
      const started = performance.now()
      const page = await ops.jobs.search(query(n))
      ms.push(performance.now() - started)
      const expected = Math.min(50, Math.floor(matches))
      if (page.jobs.length !== expected)
        throw new Error(`search ${n} answered ${page.jobs.length} jobs, not ${expected}`)
    }
    const round = (x: number) => Math.round(x * 10) / 10
    return {
      median: round(percentile(ms, 50)),
      p99: round(percentile(ms, 99)),
      max: round(Math.max(...ms)),
    }
  }
  // One untimed search first: it loads the scripts (NOSCRIPT, then EVAL) and warms the code.
  await ops.jobs.search({ name: 'demo.order', customerId: 'c1' })
  // Customers spread over the range, so no two searches read the same index key.
  const customer = (n: number) => `c${Math.floor((n * CUSTOMERS) / SEARCHES)}`
  const perCustomer = JOBS / CUSTOMERS
  const oneField = await times(
    (n) => ({ name: 'demo.order', customerId: customer(n) }),
    perCustomer,
  )
  const twoFields = await times(
    (n) => ({
      name: 'demo.order',
      customerId: customer(n),
      region: REGIONS[n % REGIONS.length]!,
    }),
    perCustomer / REGIONS.length,
  )
  const figures = {
    at: new Date().toISOString(),
    jobs: JOBS,
    customers: CUSTOMERS,
    searches: SEARCHES,
    loadAverage: load(),
    fillSeconds: Math.round(fillSeconds),
    usedMemoryBytesPerJob: Math.round((after - before) / JOBS),
    indexBytesPerJob: Math.round((index / JOBS) * 10) / 10,
    firstPageMs: { customerId: oneField, customerIdAndRegion: twoFields },
  }
  console.log(JSON.stringify(figures, null, 2))
  writeFileSync(
    new URL('../results/search-scale.json', import.meta.url),
    JSON.stringify(figures, null, 2) + '\n',
  )
} finally {
  await ops.close()
  connection.disconnect()
  await server.stop()
}

async function usedMemory(): Promise<number> {
  const info = await connection.info('memory')
  return Number(/used_memory:(\d+)/.exec(info)?.[1])
}

/** MEMORY USAGE of every index key of queue `default` (named by its idx set) and the set. */
async function indexBytes(): Promise<number> {
  const set = `${PREFIX}:default:idx`
  const suffixes = await connection.smembers(set)
  const pipeline = connection.pipeline()
  pipeline.memory('USAGE', set, 'SAMPLES', '0')
  for (const suffix of suffixes) pipeline.memory('USAGE', `${set}:${suffix}`, 'SAMPLES', '0')
  const replies = (await pipeline.exec()) ?? []
  return replies.reduce((sum, [, bytes]) => sum + Number(bytes), 0)
}
