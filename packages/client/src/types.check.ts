// Compile-time checks of the client's types, run by `tsc --noEmit` (pnpm typecheck): each
// `@ts-expect-error` must meet an error, or the typecheck fails ("unused directive").
/* eslint-disable @typescript-eslint/no-unsafe-assignment -- some lines below must not compile */
import { createClient } from './client.js'
import type { JobResult } from './types.js'

export async function typeChecks() {
  const client = createClient({ baseUrl: 'http://localhost:3000' })

  // A right payload compiles, and the handle carries the job's name.
  const sleep = await client.enqueue('demo.sleep', { ms: 10 })
  const result: JobResult<'demo.sleep'> = await client.wait(sleep)
  const slept: number = result.sleptMs
  await client.enqueue('demo.sleep', { ms: 10, message: 'hi' }, { delay: 1_000, jobId: 'x-1' })
  await client.enqueueMany('demo.big-file', [{ data: {} }, { data: {} }])

  // @ts-expect-error a wrong type in the payload
  await client.enqueue('demo.sleep', { ms: 'ten' })
  // @ts-expect-error a missing required field
  await client.enqueue('demo.sleep', { message: 'no ms' })
  // @ts-expect-error an unknown job name
  await client.enqueue('demo.nope', {})
  // @ts-expect-error an unknown enqueue option
  await client.enqueue('demo.sleep', { ms: 1 }, { retries: 3 })
  // @ts-expect-error a bulk item of the wrong shape
  await client.enqueueMany('demo.sleep', [{ data: { ms: '1' } }])
  // @ts-expect-error the result of demo.sleep has no `bytes`
  const bytes: number = (await client.wait(sleep)).bytes

  // Payload versions: the current one by default, an older one when `version` names it.
  await client.enqueue('demo.greet', { firstName: 'Ada', lastName: 'Lovelace' })
  await client.enqueue('demo.greet', { name: 'Ada Lovelace' }, { version: 1 })
  await client.enqueue('demo.greet', { firstName: 'Ada' }, { version: 2 })
  // @ts-expect-error a version 1 payload sent as the current version
  await client.enqueue('demo.greet', { name: 'Ada Lovelace' })
  // @ts-expect-error a current payload sent as version 1
  await client.enqueue('demo.greet', { firstName: 'Ada' }, { version: 1 })

  return { slept, bytes }
}
