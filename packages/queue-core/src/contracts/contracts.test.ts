import { readFileSync } from 'node:fs'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { z } from 'zod'
import type { AttemptEntry as AttemptEntryType } from '../attempt-history.js'
import type { EnqueueOptions as EnqueueOptionsType } from '../enqueue-options.js'
import type { DurationHistogram as DurationHistogramType } from '../fleet-stats.js'
import type { JobView as JobViewType } from '../job-view.js'
import type { BulkItem as BulkItemType, ListJobsOptions } from '../operations/index.js'
import type { WorkerRecord as WorkerRecordType } from '../records.js'
import type { ScheduleView as ScheduleViewType } from '../schedules.js'
import type { ValidationIssue as ValidationIssueType } from '../errors.js'
import * as contracts from './index.js'

/**
 * Each contract's parsed type must be the TypeScript interface it describes, both ways, so a
 * field added to one and not the other fails `pnpm typecheck` (this file is type-checked).
 */
type Out<T extends z.ZodType> = z.output<T>

describe('contracts describe the interfaces exactly', () => {
  // The operations' outputs (EnqueuedJob, BulkEnqueued, CancelOutcome, RetryOutcome,
  // QueueSummary, QueueStats, …) are these contracts' own types; the views built elsewhere are
  // interfaces of their own modules, checked here both ways.
  it('types: z.infer of each contract equals its interface', () => {
    expectTypeOf<Out<typeof contracts.JobView>>().toEqualTypeOf<JobViewType>()
    expectTypeOf<Out<typeof contracts.AttemptEntry>>().toEqualTypeOf<AttemptEntryType>()
    expectTypeOf<Out<typeof contracts.WorkerRecord>>().toEqualTypeOf<WorkerRecordType>()
    expectTypeOf<Out<typeof contracts.ScheduleView>>().toEqualTypeOf<ScheduleViewType>()
    expectTypeOf<Out<typeof contracts.DurationHistogram>>().toEqualTypeOf<DurationHistogramType>()
    expectTypeOf<Out<typeof contracts.EnqueueOptions>>().toEqualTypeOf<EnqueueOptionsType>()
    expectTypeOf<Out<typeof contracts.ValidationIssue>>().toEqualTypeOf<ValidationIssueType>()
    expectTypeOf<Out<typeof contracts.RetryOutcome>>().toEqualTypeOf<{
      id: string
      state: 'waiting'
    }>()
    // A bulk item is what the producer takes; its options are checked again there.
    expectTypeOf<Out<typeof contracts.BulkItem>>().toExtend<BulkItemType>()
    // A parsed query is a full page request.
    expectTypeOf<Out<typeof contracts.ListJobsQuery>>().toExtend<Required<ListJobsOptions>>()
    expectTypeOf<Required<ListJobsOptions>>().toExtend<Out<typeof contracts.ListJobsQuery>>()
  })

  it('parses what the interfaces hold, and refuses unknown keys in request bodies', () => {
    const job: JobViewType = {
      id: '1',
      name: 'demo.echo',
      queue: 'default',
      state: 'completed',
      data: { a: 1 },
      version: 1,
      progress: { step: 2 },
      result: null,
      failedReason: null,
      attemptsMade: 1,
      attemptsStarted: 1,
      stalledCount: 0,
      createdAt: '2026-01-01T00:00:00.000Z',
      startedAt: '2026-01-01T00:00:00.001Z',
      finishedAt: null,
      workerId: null,
    }
    expect(contracts.JobView.parse(job)).toEqual(job)
    expect(contracts.EnqueueRequest.safeParse({ data: 1, extra: 1 }).success).toBe(false)
    expect(contracts.CleanRequest.safeParse({ state: 'active', olderThanMs: 0 }).success).toBe(
      false,
    )
    expect(contracts.CleanRequest.safeParse({ state: 'failed', olderThanMs: -1 }).success).toBe(
      false,
    )
    expect(contracts.ListJobsQuery.parse({ limit: '10' })).toEqual({
      state: 'waiting',
      limit: 10,
      offset: 0,
    })
    expect(contracts.ListJobsQuery.safeParse({ limit: '0x10' }).success).toBe(false)
  })
})

/** The packages a module loads at run time, following its relative imports (`import type` is erased). */
function runtimePackages(file: URL, seen = new Set<string>()): Set<string> {
  const packages = new Set<string>()
  if (seen.has(file.href)) return packages
  seen.add(file.href)
  const source = readFileSync(file, 'utf8')
  for (const [, specifier] of source.matchAll(
    /^(?:import|export) (?!type )[^;]*?from '([^']+)'/gms,
  )) {
    if (!specifier!.startsWith('.')) packages.add(specifier!)
    else {
      const next = new URL(specifier!.replace(/\.js$/, '.ts'), file)
      for (const name of runtimePackages(next, seen)) packages.add(name)
    }
  }
  return packages
}

describe('the contracts entry', () => {
  it('loads zod and nothing else (no BullMQ, no Redis client): the client may import it', () => {
    expect([...runtimePackages(new URL('./index.ts', import.meta.url))]).toEqual(['zod'])
  })
})
