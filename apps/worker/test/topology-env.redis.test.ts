import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import {
  eventually,
  freePort,
  JobWaiter,
  spawnNode,
  startCluster,
  startSentinelSet,
  type NodeProcess,
} from '@jobq/queue-core/testing'

const producerMain = fileURLToPath(new URL('../../producer/dist/main.js', import.meta.url))
const workerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))

// The built producer and worker, configured only through the environment a deploy would set,
// run a job over HTTP on a real Sentinel set and on a real cluster.
describe('the built apps on each Redis topology', () => {
  const processes: NodeProcess[] = []
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    processes.splice(0).forEach((p) => p.kill())
    await Promise.all(cleanups.splice(0).map((stop) => stop()))
  })

  async function runJob(env: Record<string, string>, waiter: JobWaiter) {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    // Whatever REDIS_URL the test process has must not leak into these.
    const appEnv = { REDIS_URL: '', PORT: String(port), ...env }
    const producer = spawnNode(producerMain, [], { env: appEnv })
    const worker = spawnNode(workerMain, ['reports'], { env: appEnv })
    processes.push(producer, worker)
    await Promise.all([producer.waitFor(/producer listening/), worker.waitFor(/taking jobs/)])
    // As a load balancer would: send traffic once /readyz says Redis answers (503 until then).
    await eventually(async () => (await fetch(`${base}/readyz`)).status, (s) => s === 200, {
      what: 'producer ready',
    })
    const response = await fetch(`${base}/v1/jobs/reports.summarize`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ data: { title: 'ha', values: [2, 4] } }),
    })
    expect(response.status).toBe(202)
    const { id } = (await response.json()) as { id: string }
    expect(await waiter.finished('reports', id)).toMatchObject({
      state: 'completed',
      result: { title: 'ha', sum: 6, mean: 3 },
    })
    const job = (await (await fetch(`${base}/v1/jobs/${id}`)).json()) as object
    expect(job).toMatchObject({ state: 'completed', queue: 'reports' })
  }

  it('REDIS_SENTINELS + REDIS_SENTINEL_NAME (password from REDIS_URL)', async () => {
    const set = await startSentinelSet({ password: 'ha-secret-1' })
    cleanups.push(() => set.stop())
    const waiter = new JobWaiter(set.target, 'jobq')
    cleanups.unshift(() => waiter.close())
    await runJob(
      {
        REDIS_SENTINELS: set.target.sentinels.map((s) => `${s.host}:${s.port}`).join(','),
        REDIS_SENTINEL_NAME: set.target.name,
        REDIS_URL: 'redis://:ha-secret-1@sentinel',
      },
      waiter,
    )
  })

  it('REDIS_CLUSTER_NODES with JOBQ_PREFIX={jobq}', async () => {
    const cluster = await startCluster({ masters: 3 })
    cleanups.push(() => cluster.stop())
    const waiter = new JobWaiter(cluster.target, '{jobq}')
    cleanups.unshift(() => waiter.close())
    await runJob(
      {
        REDIS_CLUSTER_NODES: cluster.target.nodes.map((n) => `${n.host}:${n.port}`).join(','),
        JOBQ_PREFIX: '{jobq}',
      },
      waiter,
    )
  })
})
