import { request } from 'node:http'
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { freePort, spawnNode, type NodeProcess } from '@jobq/queue-core/testing'

/** The built entry points: the suite runs what production runs. */
const workerMain = fileURLToPath(new URL('../../../apps/worker/dist/main.js', import.meta.url))
const producerMain = fileURLToPath(new URL('../../../apps/producer/dist/main.js', import.meta.url))
/** demo.echo / demo.sleep with handlers that record each attempt (see the fixture). */
export const recordingRegistry = fileURLToPath(
  new URL('../fixtures/recording-registry.mjs', import.meta.url),
)
/** Node arguments that let `settledMemory` ask a worker for its memory after a full GC. */
export const settledMemoryArgs = [
  '--expose-gc',
  '--import',
  fileURLToPath(new URL('../fixtures/settled-memory.mjs', import.meta.url)),
]

/** What the recording handlers wrote: attempts begun and finished, per job id. */
export interface Recorded {
  starts: Map<string, number>
  dones: Map<string, number>
  /** The pid that wrote each `done` line. */
  doneBy: Map<string, number>
}

/** Reads the record file of the recording registry. */
export function readRecord(file: string): Recorded {
  const recorded: Recorded = { starts: new Map(), dones: new Map(), doneBy: new Map() }
  if (!existsSync(file)) return recorded
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [kind, id, third] = line.split(' ')
    if (!id) continue
    if (kind === 'start') recorded.starts.set(id, (recorded.starts.get(id) ?? 0) + 1)
    if (kind === 'done') {
      recorded.dones.set(id, (recorded.dones.get(id) ?? 0) + 1)
      recorded.doneBy.set(id, Number(third))
    }
  }
  return recorded
}

/** Ids never finished and ids finished more than once: both must be empty for "exactly once". */
export function exactlyOnce(recorded: Recorded, ids: readonly string[]) {
  const missing = ids.filter((id) => !recorded.dones.has(id))
  const duplicated = [...recorded.dones].filter(([, n]) => n > 1).map(([id, n]) => `${id}×${n}`)
  const expected = new Set(ids)
  const unknown = [...recorded.dones.keys()].filter((id) => !expected.has(id))
  return { missing, duplicated, unknown }
}

/** The one polling helper (for state that changes without an event to await). */
export { eventually } from '@jobq/queue-core/testing'

/** Starts the built worker with the recording registry, writing attempts to `record`. */
export function spawnWorker(
  args: string[],
  env: { REDIS_URL: string; JOBQ_PREFIX: string; record: string } & Record<string, string>,
  nodeArgs: string[] = [],
): NodeProcess {
  const { record, ...rest } = env
  return spawnNode(workerMain, args, {
    nodeArgs,
    env: {
      JOBQ_REGISTRY: recordingRegistry,
      JOBQ_TEST_RECORD: record,
      JOBQ_HEARTBEAT_MS: '500',
      LOG_LEVEL: 'info',
      ...rest,
    },
  })
}

/** Starts the built producer on a free loopback port; resolves once it listens. */
export async function spawnProducer(env: Record<string, string>) {
  const port = await freePort()
  const producer = spawnNode(producerMain, [], {
    env: { HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
  })
  await producer.waitFor(/producer listening/)
  return { process: producer, url: `http://127.0.0.1:${port}` }
}

/** Resident set size of a process in bytes, from /proc. */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`)
  return Number(kb) * 1024
}

/** Memory in bytes once garbage is collected, from a worker started with `settledMemoryArgs`. */
export interface SettledMemory {
  rss: number
  heapUsed: number
  external: number
}

/** Sends SIGUSR2 and awaits the worker's `n`-th report (n = 1, 2, … per process). */
export async function settledMemory(worker: NodeProcess, n: number): Promise<SettledMemory> {
  const line = worker.waitFor(new RegExp(`^jobq-test-memory ${n} `))
  worker.child.kill('SIGUSR2')
  return JSON.parse((await line).split(' ')[2]!) as SettledMemory
}

/** `used_memory` of a Redis, in bytes (what its data and buffers take). */
export function usedMemory(info: string): number {
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN)
}

/** Figures a scenario reports: printed as one JSON line, which docs/reliability.md quotes. */
export function report(scenario: string, figures: Record<string, unknown>): void {
  console.log(`[reliability] ${scenario} ${JSON.stringify(figures)}`)
}

/**
 * POSTs JSON on a fresh connection (no keep-alive): a pooled socket the server closed while it
 * sat idle would fail a request that was never sent (undici's "other side closed").
 */
export function postJson(url: string, body: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body)
    const req = request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
        res.on('error', reject)
      },
    )
    req.on('timeout', () => req.destroy(new Error(`POST ${url} timed out`)))
    req.on('error', reject)
    req.end(payload)
  })
}
