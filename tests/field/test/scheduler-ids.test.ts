// Kind 10: every id the API lists can be read and cancelled. BullMQ's job schedulers name their
// runs `repeat:<scheduler id>:<millis>`, and a run that fans out names its children
// `<run id>.c<index>`: GET /v1/queues/:queue/jobs lists them, so GET /v1/jobs/:id, its events and
// DELETE must take them. Ids that no generator makes (control characters, spaces, too long) are
// still refused with 400, and an id naming one of the queue's own keys reads as 404, never 500.
import { describe, expect, it } from 'vitest'
import { useHarness } from '@jobq/queue-core/testing'
import { eventually, IdsStack } from './ids-support.js'

let stack: IdsStack

const h = useHarness({ label: 'ids' })

const STATES = ['active', 'waiting', 'delayed', 'waiting-children', 'completed', 'failed']

/** Every id GET /v1/queues/default/jobs lists, in every state. */
async function listedIds(): Promise<Map<string, string>> {
  const ids = new Map<string, string>()
  for (const state of STATES) {
    const page = await stack.get<{ jobs: { id: string }[] }>(
      `/v1/queues/default/jobs?state=${state}&limit=200`,
    )
    expect(page.status, state).toBe(200)
    for (const job of page.body.jobs) ids.set(job.id, state)
  }
  return ids
}

describe('ids of scheduler runs and fan-out children', () => {
  it('reads and cancels every id the list shows', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    // A schedule of demo.rows every 2 s; each run fans out a held row (stays active) and a plain
    // one; concurrency 1, so the plain child of the held run waits.
    await stack.startWorker({
      JOBQ_TEST_SCHEDULE_ROWS: '*/2 * * * * *',
      JOBQ_TEST_CONCURRENCY: '1',
    })

    const held = await eventually(
      listedIds,
      (ids) => [...ids].some(([id, state]) => state === 'active' && /^repeat:.*\.c0$/.test(id)),
      30_000,
    )
    const heldChild = [...held].find(([id, s]) => s === 'active' && id.endsWith('.c0'))![0]
    const run = heldChild.slice(0, -'.c0'.length)
    expect(run).toMatch(/^repeat:jobq\.demo\.rows:\d+$/)

    const ids = await listedIds()
    expect(ids.get(run)).toBe('waiting-children')
    const generated = [...ids.keys()].filter((id) => id.startsWith('repeat:'))
    expect(generated.length).toBeGreaterThanOrEqual(3) // the run, its children, the next run
    for (const id of generated) {
      const read = await stack.get(`/v1/jobs/${id}`)
      expect(read.status, `GET /v1/jobs/${id}`).toBe(200)
      expect(read.body.id).toBe(id)
      // Percent-encoded, as a client library sends it, the same job.
      const encoded = await stack.get(`/v1/jobs/${encodeURIComponent(id)}`)
      expect(encoded.body.id, `GET /v1/jobs/${encodeURIComponent(id)}`).toBe(id)
    }

    // The next run, delayed until its time, belongs to its scheduler (BullMQ re-plans from it):
    // DELETE says so with 409, and the run stays readable.
    const next = [...ids].find(([id, s]) => s === 'delayed' && id.startsWith('repeat:'))?.[0]
    expect(next, 'a delayed next run').toBeDefined()
    const refused = await stack.request('DELETE', `/v1/jobs/${next}`)
    expect(refused.status, `DELETE ${next}: ${JSON.stringify(refused.body)}`).toBe(409)
    expect(refused.body.detail).toMatch(/next run of schedule "jobq\.demo\.rows"/)
    expect((await stack.get(`/v1/jobs/${next}`)).status).toBe(200)

    // The plain child waits behind the held one (or already ran: then it is finished, 409).
    const sibling = `${run}.c1`
    const cancelSibling = await stack.request('DELETE', `/v1/jobs/${sibling}`)
    if (ids.get(sibling) === 'waiting') {
      expect(cancelSibling.status, JSON.stringify(cancelSibling.body)).toBe(200)
      expect(cancelSibling.body.outcome).toBe('removed')
    } else {
      expect(cancelSibling.status, JSON.stringify(cancelSibling.body)).toBe(409)
    }

    // The held child runs: DELETE aborts it where it runs, and it ends failed, "cancelled".
    const cancel = await stack.request('DELETE', `/v1/jobs/${heldChild}`)
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200)
    expect(cancel.body).toEqual({ id: heldChild, outcome: 'cancelling' })
    const ended = await stack.until(heldChild, ['failed'])
    expect(ended.body.failedReason).toMatch(/cancel/)
  })

  it('still refuses malformed ids with 400, and reads queue keys as 404', async () => {
    stack = new IdsStack(h)
    await stack.startProducer()
    await stack.startWorker()
    const made = await stack.post('/v1/jobs/demo.echo', { data: 1 })
    expect(made.status).toBe(202)
    await stack.until(made.body.id, ['completed'])

    const malformed = [
      '%01abc',
      'a%20b',
      '%E2%80%8Bx',
      'x'.repeat(300),
      `repeat:${'x'.repeat(300)}:1`,
      'repeat::1',
      'a%0Ab',
    ]
    for (const id of malformed) {
      for (const [method, path] of [
        ['GET', `/v1/jobs/${id}`],
        ['DELETE', `/v1/jobs/${id}`],
        ['POST', `/v1/jobs/${id}/retry`],
      ] as const) {
        const res = await stack.request(method, path)
        expect(res.status, `${method} ${path}`).toBe(400)
        expect(res.body.type, `${method} ${path}`).toBe('/problems/malformed-id')
      }
    }

    // The names BullMQ gives its own keys of this queue, read from Redis: never a job.
    const keys = await stack.redis.keys(`${stack.prefix}:default:*`)
    const names = new Set(keys.map((k) => k.slice(`${stack.prefix}:default:`.length)))
    names.delete(made.body.id)
    expect(names.size).toBeGreaterThan(3)
    for (const name of [...names, 'repeat', 'meta', 'id', 'wait', 'active']) {
      for (const [method, path] of [
        ['GET', `/v1/jobs/${name}`],
        ['DELETE', `/v1/jobs/${name}`],
        ['POST', `/v1/jobs/${name}/retry`],
        ['GET', `/v1/jobs/${name}/events`],
      ] as const) {
        const res = await stack.request(method, path)
        expect([400, 404], `${method} ${path}: ${res.status}`).toContain(res.status)
      }
    }
    // Nothing of the queue was touched: the job is still there, the queue still runs jobs.
    expect((await stack.get(`/v1/jobs/${made.body.id}`)).body.state).toBe('completed')
    const after = await stack.post('/v1/jobs/demo.echo', { data: 2 })
    await stack.until(after.body.id, ['completed'])
  })
})
