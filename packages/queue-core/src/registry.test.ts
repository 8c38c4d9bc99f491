import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJob, defineQueue } from './define-job.js'
import { createRegistry } from './registry.js'

const job = (name: string, queue = 'default') =>
  defineJob({ name, queue, input: z.object({}), output: z.object({}), handler: async () => ({}) })

describe('registry', () => {
  it('indexes jobs by name and by queue', () => {
    const registry = createRegistry({
      queues: [defineQueue({ name: 'default' }), defineQueue({ name: 'media' })],
      jobs: [job('a.one'), job('b.two', 'media')],
    })
    expect(registry.job('a.one')?.queue).toBe('default')
    expect(registry.job('nope.nope')).toBeUndefined()
    expect(registry.jobsOf('media').map((j) => j.name)).toEqual(['b.two'])
    expect(registry.queueNames).toEqual(['default', 'media'])
  })

  it('refuses a job whose queue is not declared, saying how to fix it', () => {
    expect(() => createRegistry({ queues: [], jobs: [job('a.one', 'emails')] })).toThrow(
      /job "a.one" uses queue "emails", which is not declared: add defineQueue/,
    )
  })

  it('refuses duplicate job names', () => {
    expect(() =>
      createRegistry({
        queues: [defineQueue({ name: 'default' })],
        jobs: [job('a.one'), job('a.one')],
      }),
    ).toThrow(/defined twice/)
  })

  it('refuses names that are not "<project>.<job>" and queue names that are not plain words', () => {
    expect(() => job('NoProject')).toThrow(/<project>.<job>/)
    expect(() => defineQueue({ name: 'bad:name' })).toThrow(/plain word/)
  })
})
