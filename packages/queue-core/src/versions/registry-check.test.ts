import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineJob, defineQueue, type AnyJobDefinition } from '../define-job.js'
import { createRegistry } from '../registry.js'
import { olderVersion } from '../versions.js'
import { checkRegistryLock } from './registry-check.js'
import { formatRegistryLock, parseRegistryLock, registryLockOf } from './registry-lock.js'

const queue = defineQueue({ name: 'mail' })
const handler = async () => ({ default: async () => ({}) })

const input = z.object({
  to: z.string(),
  subject: z.string().max(200),
  kind: z.enum(['welcome', 'reset']),
  cc: z.array(z.string()).optional(),
  attempts: z.number().int().min(0),
  note: z.string().nullable().optional(),
})
const output = z.object({ messageId: z.string(), queuedAt: z.number() })

/** The job as the lock has it, with `changes` made to its definition. */
const send = (changes: Partial<AnyJobDefinition> = {}) =>
  defineJob({ name: 'mail.send', queue: 'mail', input, output, handler, ...changes })

const registryOf = (...jobs: AnyJobDefinition[]) => createRegistry({ queues: [queue], jobs })
const locked = registryLockOf(registryOf(send()))

/** The breaks `definition` makes against the lock, as `[kind, field]`. */
const breaksOf = (...jobs: AnyJobDefinition[]) =>
  checkRegistryLock(registryOf(...jobs), locked).map((b) => [b.kind, b.field, b.version])

describe('jobq registry check: breaking changes', () => {
  it('a removed field', () => {
    expect(breaksOf(send({ input: input.omit({ cc: true }) }))).toEqual([
      ['removed-field', 'data.cc', 1],
    ])
  })

  it('a newly required field (new, or optional before)', () => {
    const stricter = input.extend({ cc: z.array(z.string()), locale: z.string() })
    expect(breaksOf(send({ input: stricter }))).toEqual([
      ['newly-required-field', 'data.cc', 1],
      ['newly-required-field', 'data.locale', 1],
    ])
  })

  it('a narrowed type (number to integer, nullable dropped)', () => {
    const narrowed = input.extend({
      attempts: z.number().int().min(0),
      note: z.string().optional(),
    })
    const widenedBefore = registryLockOf(
      registryOf(send({ input: input.extend({ attempts: z.number() }) })),
    )
    expect(
      checkRegistryLock(registryOf(send({ input: narrowed })), widenedBefore).map((b) => [
        b.kind,
        b.field,
      ]),
    ).toEqual([
      ['narrowed-type', 'data.attempts'],
      // zod writes an integer's safe range as bounds, and `min(0)` is new.
      ['narrowed-bounds', 'data.attempts'],
      ['narrowed-bounds', 'data.attempts'],
      ['narrowed-type', 'data.note'],
    ])
  })

  it('narrowed bounds (a shorter maxLength)', () => {
    const shorter = input.extend({ subject: z.string().max(100) })
    const [only] = checkRegistryLock(registryOf(send({ input: shorter })), locked)
    expect(only).toMatchObject({ kind: 'narrowed-bounds', field: 'data.subject', version: 1 })
    expect(only?.message).toBe(
      'input of version 1, data.subject: maxLength was 200, now 100; raise version to 2 with an upcaster',
    )
  })

  it('a removed enum value', () => {
    const fewer = input.extend({ kind: z.enum(['welcome']) })
    expect(breaksOf(send({ input: fewer }))).toEqual([['removed-enum-value', 'data.kind', 1]])
  })

  it('a changed output (a field removed) without a new version', () => {
    const smaller = z.object({ messageId: z.string() })
    expect(breaksOf(send({ output: smaller }))).toEqual([['changed-output', 'result.queuedAt', 1]])
  })

  it('a changed output (a type widened) without a new version', () => {
    const wider = output.extend({ queuedAt: z.union([z.number(), z.string()]) })
    expect(breaksOf(send({ output: wider }))).toEqual([['changed-output', 'result.queuedAt', 1]])
  })

  it('a removed job, whose jobs may still be queued', () => {
    const other = defineJob({ name: 'mail.other', queue: 'mail', input, output, handler })
    expect(breaksOf(other)).toEqual([['removed-job', '-', 1]])
  })

  it('a version whose old schema was edited instead of bumped', () => {
    // Version 2 declared, but "version 1" is no longer what producers of version 1 sent.
    const edited = send({
      version: 2,
      input: input.extend({ locale: z.string() }),
      olderVersions: { 1: olderVersion(input.omit({ cc: true }), (v1) => v1) },
    })
    expect(breaksOf(edited)).toEqual([['removed-field', 'data.cc', 1]])
  })

  it('a version taken away', () => {
    const at2 = registryLockOf(
      registryOf(send({ version: 2, olderVersions: { 1: olderVersion(input, (v) => v) } })),
    )
    const found = checkRegistryLock(registryOf(send()), at2)
    expect(found.map((b) => [b.kind, b.version])).toEqual([['removed-version', 2]])
  })
})

describe('jobq registry check: compatible changes', () => {
  it('a new optional field', () => {
    expect(breaksOf(send({ input: input.extend({ replyTo: z.string().optional() }) }))).toEqual([])
  })

  it('a widened type (a union, nullable, a longer maxLength, a new enum value)', () => {
    const wider = input.extend({
      to: z.union([z.string(), z.array(z.string())]),
      subject: z.string().max(400),
      kind: z.enum(['welcome', 'reset', 'digest']),
      note: z.string().nullable().optional(),
    })
    expect(breaksOf(send({ input: wider }))).toEqual([])
  })

  it('a new job', () => {
    const other = defineJob({ name: 'mail.other', queue: 'mail', input, output, handler })
    expect(breaksOf(send(), other)).toEqual([])
  })

  it('a new field in the output', () => {
    expect(breaksOf(send({ output: output.extend({ provider: z.string() }) }))).toEqual([])
  })

  it('a new version with an upcaster, whatever its input and output', () => {
    const v2 = send({
      version: 2,
      input: z.object({ recipients: z.array(z.string()).min(1) }),
      output: z.object({ ids: z.array(z.string()) }),
      olderVersions: {
        1: olderVersion(input, (v1) => ({ recipients: [v1.to] })),
      },
    })
    expect(breaksOf(v2)).toEqual([])
  })
})

describe('the lock file', () => {
  it('holds each version’s input and the output as JSON Schema, and reads back', () => {
    const lock = registryLockOf(
      registryOf(send({ version: 2, olderVersions: { 1: olderVersion(input, (v) => v) } })),
    )
    expect(Object.keys(lock.jobs['mail.send']!.input)).toEqual(['1', '2'])
    expect(lock.jobs['mail.send']).toMatchObject({
      queue: 'mail',
      version: 2,
      output: { type: 'object', required: ['messageId', 'queuedAt'] },
    })
    expect(parseRegistryLock(formatRegistryLock(lock))).toEqual(lock)
  })

  it('refuses a file that is not a lock', () => {
    expect(() => parseRegistryLock('{"jobs":{}}')).toThrow(/not a jobq registry lock/)
    expect(() => parseRegistryLock('nope')).toThrow(/not JSON/)
  })
})
