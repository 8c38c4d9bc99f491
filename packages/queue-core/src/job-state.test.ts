import { describe, expect, it } from 'vitest'
import { BULLMQ_TYPES, JOB_STATES, toPublicState } from './job-state.js'

describe('toPublicState', () => {
  it('shows BullMQ’s wait and prioritized lists as one state, waiting', () => {
    expect(toPublicState('wait')).toBe('waiting')
    expect(toPublicState('prioritized')).toBe('waiting')
    expect(toPublicState('waiting')).toBe('waiting')
  })

  it('passes every public state through, and answers undefined for anything else', () => {
    for (const state of JOB_STATES) expect(toPublicState(state)).toBe(state)
    expect(toPublicState('unknown')).toBeUndefined()
    expect(toPublicState('paused')).toBeUndefined()
  })

  it('maps each public state back to BullMQ lists that map to it again', () => {
    for (const state of JOB_STATES) {
      for (const type of BULLMQ_TYPES[state]) expect(toPublicState(type)).toBe(state)
    }
  })
})
