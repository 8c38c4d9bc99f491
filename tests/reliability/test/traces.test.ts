import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { startOtlpReceiver, type ReceivedSpan } from './otlp-receiver.js'
import { eventually, postJson, spawnProducer, spawnWorker } from './support.js'

// Traces end to end (issue 18, point 1): the built producer and worker export over OTLP/HTTP to
// a real receiver; one HTTP enqueue must make one trace down to each attempt of the handler.
const tracedRegistry = fileURLToPath(new URL('../fixtures/traced-registry.mjs', import.meta.url))

const SERVER = 2
const PRODUCER = 4
const CONSUMER = 5

describe('traces from the HTTP request to each attempt (built producer and worker)', () => {
  const h = useHarness({ label: 'traces' })

  async function stack() {
    const receiver = h.track('otlp receiver', await startOtlpReceiver(), (r) => r.close())
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    }
    const base = { REDIS_URL: testRedisUrl(), JOBQ_PREFIX: h.prefix }
    const producer = await spawnProducer({ ...base, ...otel })
    h.processes.push(producer.process)
    const worker = spawnWorker(['default'], {
      ...base,
      ...otel,
      JOBQ_REGISTRY: tracedRegistry,
      record: join(h.scratchDir(), 'record.log'),
    })
    h.processes.push(worker)
    await worker.waitFor(/worker taking jobs/)
    return { receiver, url: producer.url }
  }

  const enqueue = async (url: string, name: string, data: unknown) => {
    const res = await postJson(`${url}/v1/jobs/${name}`, { data })
    expect(res.status, res.text).toBe(202)
    return (JSON.parse(res.text) as { id: string }).id
  }

  const processSpans = (spans: ReceivedSpan[], id: string) =>
    spans.filter((s) => s.kind === CONSUMER && s.attributes['messaging.message.id'] === id)

  it('HTTP span → enqueue span → one process span per attempt, one trace; fan-out children in their parent’s trace', async () => {
    const { receiver, url } = await stack()
    const { spans } = receiver

    // A job that fails once, then succeeds: two attempts.
    const id = await enqueue(url, 'demo.sleep', { ms: 0, message: 'fail-once' })
    const attempts = await eventually(
      () => processSpans(spans, id),
      (found) => found.length === 2,
      { timeoutMs: 30_000, what: 'two process spans' },
    )
    const traceId = attempts[0]!.traceId
    expect(attempts.map((s) => s.traceId)).toEqual([traceId, traceId])

    const http = spans.find((s) => s.traceId === traceId && s.kind === SERVER)
    // Each job has its own enqueue route (its own schema), so the route names the job.
    expect(http).toMatchObject({ service: 'jobq-producer', name: 'POST /v1/jobs/demo.sleep' })
    expect(http!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/v1/jobs/demo.sleep',
      'http.response.status_code': 202,
    })
    const add = spans.find((s) => s.traceId === traceId && s.kind === PRODUCER)
    expect(add).toMatchObject({
      service: 'jobq-producer',
      name: 'add default.demo.sleep',
      parentSpanId: http!.spanId,
    })
    const byAttempt = attempts.sort(
      (a, b) => Number(a.attributes['jobq.attempt']) - Number(b.attributes['jobq.attempt']),
    )
    for (const [i, span] of byAttempt.entries()) {
      expect(span).toMatchObject({ service: 'jobq-worker', name: 'process default' })
      // Each attempt is a child of the enqueue: the context travels in the job's options.
      expect(span.parentSpanId).toBe(add!.spanId)
      expect(span.attributes).toMatchObject({
        'messaging.system': 'bullmq',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'default',
        'messaging.message.id': id,
        'jobq.job.name': 'demo.sleep',
        'jobq.attempt': i + 1,
      })
    }

    // A fan-out: each child's attempt is in the parent's trace, under the parent's first run.
    const parentId = await enqueue(url, 'demo.rows', { rows: [{ a: 1 }, { b: 2 }] })
    // Parked when it fanned out, then run again when the children were done.
    const parentRuns = await eventually(
      () => processSpans(spans, parentId),
      (found) => found.length >= 2,
      { timeoutMs: 30_000, what: "the parent's two runs" },
    )
    const parentTrace = parentRuns[0]!.traceId
    expect(parentTrace).not.toBe(traceId)
    const children = await eventually(
      () =>
        spans.filter((s) => s.kind === CONSUMER && s.attributes['jobq.job.name'] === 'demo.row'),
      (found) => found.length === 2,
      { timeoutMs: 30_000, what: "the children's process spans" },
    )
    const runIds = new Set(parentRuns.map((s) => s.spanId))
    for (const child of children) {
      expect(child.traceId).toBe(parentTrace)
      expect(String(child.attributes['messaging.message.id'])).toMatch(
        new RegExp(`^${parentId}\\.c[01]$`),
      )
      // child process ← its add (from the worker, inside the parent's run) ← the parent's run
      const childAdd = spans.find((s) => s.spanId === child.parentSpanId)
      expect(childAdd).toMatchObject({ service: 'jobq-worker', kind: PRODUCER })
      expect(runIds.has(childAdd!.parentSpanId)).toBe(true)
    }
  })
})
