import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import { defineJob, type JobDefaults } from './define-job.js'
import {
  keepingCompleted,
  RETENTION,
  TIMEOUT_OPTION,
  timeoutOf,
  toBullOptions,
} from './job-options.js'

const job = (options?: JobDefaults) =>
  defineJob({
    name: 'test.opts',
    queue: 'fixtures',
    input: z.object({}),
    output: z.object({}),
    handler: () => Promise.resolve({}),
    ...(options && { options }),
  })

describe('toBullOptions: a definition’s defaults under per-enqueue options', () => {
  it('a definition without options gives one attempt and nothing else', () => {
    expect(toBullOptions(job(), {}, 'id-1')).toEqual({ jobId: 'id-1', attempts: 1 })
  })

  it('takes the definition’s attempts, backoff and priority when the request sets none', () => {
    const defaults = { attempts: 3, backoff: { type: 'exponential', delay: 500 }, priority: 7 }
    expect(toBullOptions(job(defaults as JobDefaults), {}, 'id')).toEqual({
      jobId: 'id',
      attempts: 3,
      backoff: { type: 'exponential', delay: 500 },
      priority: 7,
    })
  })

  it('the request wins over the definition for attempts and priority; backoff stays the definition’s', () => {
    const definition = job({ attempts: 3, backoff: { type: 'fixed', delay: 100 }, priority: 7 })
    expect(toBullOptions(definition, { attempts: 5, priority: 2 }, 'id')).toMatchObject({
      attempts: 5,
      priority: 2,
      backoff: { type: 'fixed', delay: 100 },
    })
  })

  it('priority 0 from the request means "no priority", even over the definition’s', () => {
    expect(toBullOptions(job({ priority: 7 }), { priority: 0 }, 'id')).not.toHaveProperty(
      'priority',
    )
    expect(toBullOptions(job(), { priority: 0 }, 'id')).not.toHaveProperty('priority')
  })

  it('carries delay and a per-enqueue timeout (under its own key), and leaves out zeros', () => {
    const opts = toBullOptions(job({ timeoutMs: 1_000 }), { delay: 250, timeoutMs: 200 }, 'id')
    expect(opts).toMatchObject({ delay: 250, [TIMEOUT_OPTION]: 200 })
    const none = toBullOptions(job(), { delay: 0 }, 'id')
    expect(none).not.toHaveProperty('delay')
    expect(none).not.toHaveProperty(TIMEOUT_OPTION)
  })

  it('stamps retention only when given one (else the worker’s applies)', () => {
    expect(toBullOptions(job(), {}, 'id')).not.toHaveProperty('removeOnComplete')
    expect(toBullOptions(job(), {}, 'id', keepingCompleted(5))).toMatchObject({
      removeOnComplete: { age: RETENTION.completed.age, count: 5 },
      removeOnFail: RETENTION.failed,
    })
  })
})

describe('timeoutOf: the timeout one attempt gets', () => {
  it('is the per-enqueue override when one travelled with the job', () => {
    expect(timeoutOf(job({ timeoutMs: 1_000 }), { [TIMEOUT_OPTION]: 200 })).toBe(200)
  })

  it('else the definition’s; an override that is not a positive number does not count', () => {
    expect(timeoutOf(job({ timeoutMs: 1_000 }), {})).toBe(1_000)
    expect(timeoutOf(job({ timeoutMs: 1_000 }), undefined)).toBe(1_000)
    expect(timeoutOf(job({ timeoutMs: 1_000 }), { [TIMEOUT_OPTION]: 0 })).toBe(1_000)
    expect(timeoutOf(job({ timeoutMs: 1_000 }), { [TIMEOUT_OPTION]: '200' })).toBe(1_000)
    expect(timeoutOf(job(), {})).toBeUndefined()
  })
})

describe('keepingCompleted', () => {
  it('changes only how many completed jobs are kept', () => {
    expect(keepingCompleted(0)).toEqual({
      completed: { age: RETENTION.completed.age, count: 0 },
      failed: RETENTION.failed,
    })
    expect(RETENTION.completed.count).toBe(10_000) // the shared default is not mutated
  })
})
