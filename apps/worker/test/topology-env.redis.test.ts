import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  eventually,
  freePort,
  JobWaiter,
  startCluster,
  startSentinelSet,
  useHarness,
} from '@jobq/queue-core/testing'

const producerMain = fileURLToPath(new URL('../../producer/dist/main.js', import.meta.url))
const workerMain = fileURLToPath(new URL('../dist/main.js', import.meta.url))

// The built producer and worker, configured only through the environment a deploy would set,
// run a job over HTTP on a real Sentinel set and on a real cluster.
describe('the built apps on each Redis topology', () => {
  // Closes, newest first, the processes, the waiter and the Redis topology each test made.
  const h = useHarness()

  async function runJob(env: Record<string, string>, waiter: JobWaiter) {
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    // Whatever REDIS_URL the test process has must not leak into these.
    const appEnv = { REDIS_URL: '', PORT: String(port), ...env }
    const producer = h.spawn(producerMain, [], { env: appEnv })
    const worker = h.spawn(workerMain, ['reports'], { env: appEnv })
    await Promise.all([producer.waitFor(/producer listening/), worker.waitFor(/taking jobs/)])
    // As a load balancer would: send traffic once /readyz says Redis answers (503 until then).
    await eventually(
      async () => (await fetch(`${base}/readyz`)).status,
      (s) => s === 200,
      {
        what: 'producer ready',
      },
    )
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
    const set = h.track('sentinel set', await startSentinelSet({ password: 'ha-secret-1' }), (s) =>
      s.stop(),
    )
    const waiter = h.track('waiter', new JobWaiter(set.target, 'jobq'), (w) => w.close())
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
    const cluster = h.track('cluster', await startCluster({ masters: 3 }), (c) => c.stop())
    const waiter = h.track('waiter', new JobWaiter(cluster.target, '{jobq}'), (w) => w.close())
    await runJob(
      {
        REDIS_CLUSTER_NODES: cluster.target.nodes.map((n) => `${n.host}:${n.port}`).join(','),
        JOBQ_PREFIX: '{jobq}',
      },
      waiter,
    )
  })
})
