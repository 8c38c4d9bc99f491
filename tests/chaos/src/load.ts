import { setTimeout as sleep } from 'node:timers/promises'
import { call, type Answer } from './http.js'
import { seeded, type Random } from './random.js'

/** The mix of jobs the run sends, by relative weight. */
const JOB_MIX = {
  echo: 25,
  sleep: 20,
  'sleep-retry': 12,
  'sleep-fail': 5,
  rows: 10,
  delayed: 10,
  bulk: 5,
  'idem-pair': 5,
} as const
type JobKind = keyof typeof JOB_MIX

/** One job the producer acknowledged (answered 2xx with its id), with what it must end as. */
export interface AckedJob {
  id: string
  name: 'demo.echo' | 'demo.sleep' | 'demo.rows'
  kind: JobKind
  data: unknown
  /** Tries its options allow. */
  attempts: number
  expect: 'completed' | 'failed'
  /** demo.rows: the indexes of the poisoned rows (they fail; the parent still completes). */
  poisoned?: number[]
  /** Epoch ms of the acknowledgement. */
  ackAt: number
}

/** Two concurrent enqueues with one idempotency key: at most one may be told `created`. */
export interface IdempotencyPair {
  jobId: string
  answers: { data: unknown; status: number; created?: boolean }[]
}

/** What the load produced. */
export interface LoadResult {
  acked: Map<string, AckedJob>
  pairs: IdempotencyPair[]
  /** Requests by answer: `202`, `503`, `no-answer` (refused, reset), `timeout`, … */
  answers: Map<string, number>
}

const SLEEP_ATTEMPTS = 3 // demo.sleep's definition

/**
 * Sends the job mix through the HTTP API from `clients` concurrent loops, each with its own
 * seeded stream, until `stop` aborts. Only 2xx answers with an id count as acknowledged.
 */
export async function runLoad(
  url: string,
  seed: number,
  clients: number,
  stop: AbortSignal,
  result: LoadResult,
): Promise<void> {
  await Promise.all(
    [...Array(clients).keys()].map(async (client) => {
      const random = seeded(seed, client + 1)
      for (let n = 0; !stop.aborted; n++) {
        await sendOne(url, random, `${seed}-${client}-${n}`, result)
        await sleep(random.int(50, 300))
      }
    }),
  )
}

async function sendOne(url: string, random: Random, tag: string, result: LoadResult) {
  const kind = random.weighted(JOB_MIX)
  if (kind === 'bulk') return sendBulk(url, random, tag, result)
  if (kind === 'idem-pair') return sendPair(url, tag, result)
  const job = jobOf(kind, random, tag)
  const answer = await call(url, 'POST', `/v1/jobs/${job.name}`, {
    data: job.data,
    ...(job.options && { options: job.options }),
  })
  count(result, answer)
  const id = idOf(answer.body)
  if (answer.status >= 200 && answer.status < 300 && id) {
    result.acked.set(id, { ...job.ack, id, kind, ackAt: Date.now() })
  }
}

/** A job of `kind`: what to send and what it must end as. */
function jobOf(kind: JobKind, random: Random, tag: string) {
  type Ack = Omit<AckedJob, 'id' | 'kind' | 'ackAt'>
  const sleep = (ms: number, message: string, expect: AckedJob['expect'], delay?: number) => {
    const data = { ms, message }
    const ack: Ack = { name: 'demo.sleep', data, attempts: SLEEP_ATTEMPTS, expect }
    return { name: ack.name, data, options: delay ? { delay } : undefined, ack }
  }
  switch (kind) {
    case 'sleep':
      return sleep(random.int(50, 2_500), tag, 'completed')
    case 'sleep-retry':
      return sleep(random.int(20, 500), `fail:${random.int(1, 2)}`, 'completed')
    case 'sleep-fail':
      return sleep(random.int(20, 200), 'fail:always', 'failed')
    case 'delayed':
      return sleep(random.int(20, 500), tag, 'completed', random.int(500, 5_000))
    case 'rows': {
      const rows = Array.from({ length: random.int(2, 6) }, (_, i) =>
        random.next() < 0.25 ? { poison: true } : { i, tag },
      )
      const poisoned = rows.flatMap((row, i) => ('poison' in row ? [i] : []))
      const data = { rows }
      const ack: Ack = { name: 'demo.rows', data, attempts: 1, expect: 'completed', poisoned }
      return { name: ack.name, data, options: undefined, ack }
    }
    default: {
      const data = { tag, n: random.int(0, 1_000_000) }
      const ack: Ack = { name: 'demo.echo', data, attempts: 1, expect: 'completed' }
      return { name: ack.name, data, options: undefined, ack }
    }
  }
}

async function sendBulk(url: string, random: Random, tag: string, result: LoadResult) {
  const items = Array.from({ length: random.int(5, 15) }, (_, i) => ({
    data: { tag: `${tag}-${i}` },
  }))
  const answer = await call(url, 'POST', '/v1/jobs/demo.echo/bulk', { items })
  count(result, answer)
  const ids = (answer.body as { ids?: unknown } | null)?.ids
  if (answer.status >= 200 && answer.status < 300 && Array.isArray(ids)) {
    ids.forEach((id, i) => {
      if (typeof id !== 'string') return
      const data = items[i]!.data
      result.acked.set(id, {
        id,
        name: 'demo.echo',
        kind: 'bulk',
        data,
        attempts: 1,
        expect: 'completed',
        ackAt: Date.now(),
      })
    })
  }
}

async function sendPair(url: string, tag: string, result: LoadResult) {
  const jobId = `chaos-${tag}`
  const datas = [
    { pair: tag, side: 'a' },
    { pair: tag, side: 'b' },
  ]
  const answers = await Promise.all(
    datas.map((data) => call(url, 'POST', '/v1/jobs/demo.echo', { data, options: { jobId } })),
  )
  const pair: IdempotencyPair = { jobId, answers: [] }
  answers.forEach((answer, i) => {
    count(result, answer)
    const created = (answer.body as { created?: unknown } | null)?.created
    pair.answers.push({
      data: datas[i],
      status: answer.status,
      ...(typeof created === 'boolean' && { created }),
    })
    const id = idOf(answer.body)
    if (answer.status >= 200 && answer.status < 300 && id && !result.acked.has(id)) {
      // Which payload the job holds is the pair check's business; the job must end either way.
      result.acked.set(id, {
        id,
        name: 'demo.echo',
        kind: 'idem-pair',
        data: undefined,
        attempts: 1,
        expect: 'completed',
        ackAt: Date.now(),
      })
    }
  })
  result.pairs.push(pair)
}

function idOf(body: unknown): string | undefined {
  const id = (body as { id?: unknown } | null)?.id
  return typeof id === 'string' ? id : undefined
}

/** Counts an answer by status; no answer at all is `timeout` (a hang) or `no-answer` (refused). */
function count(result: LoadResult, answer: Answer) {
  const key = answer.status
    ? String(answer.status)
    : answer.error?.startsWith('timed out')
      ? 'timeout'
      : 'no-answer'
  result.answers.set(key, (result.answers.get(key) ?? 0) + 1)
}
