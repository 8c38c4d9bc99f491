import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { finished } from 'node:stream/promises'
import type { HandlerOf } from '@jobq/queue-core'
import { demoEnv } from '../env.js'
import type { bigFile } from './big-file.js'

const MiB = 1024 * 1024

/** What one worker process keeps in memory for all its `demo.big-file` jobs. */
export interface Preloaded {
  /** The file's content, in chunks (a single Buffer tops out at 2 GiB; the seed's file is 3 GB). */
  chunks: Buffer[]
  bytes: number
  loadedAt: string
}

/** Runs once per worker process, before it takes any job: creates the file if missing, reads it. */
export async function setup(): Promise<Preloaded> {
  const { JOBQ_DEMO_FILE, JOBQ_DEMO_FILE_MB } = demoEnv()
  const file = resolve(JOBQ_DEMO_FILE)
  await ensureFile(file, JOBQ_DEMO_FILE_MB)
  const chunks: Buffer[] = []
  let bytes = 0
  for await (const chunk of createReadStream(file, { highWaterMark: 8 * MiB })) {
    chunks.push(chunk as Buffer)
    bytes += (chunk as Buffer).length
  }
  return { chunks, bytes, loadedAt: new Date().toISOString() }
}

/** Writes `megabytes` MiB of text lines to a temporary name, then renames: never half a file. */
async function ensureFile(file: string, megabytes: number): Promise<void> {
  if (
    await stat(file).then(
      () => true,
      () => false,
    )
  )
    return
  await mkdir(dirname(file), { recursive: true })
  const line = 'jobq demo large file: preloaded once per worker process.\n'
  const block = Buffer.from(line.repeat(Math.ceil(MiB / line.length)).slice(0, MiB))
  const temporary = `${file}.${process.pid}.tmp`
  const out = createWriteStream(temporary)
  for (let i = 0; i < megabytes; i++) {
    if (!out.write(block)) await once(out, 'drain')
  }
  out.end()
  await finished(out)
  await rename(temporary, file)
}

const run: HandlerOf<typeof bigFile, Preloaded> = async (_input, { setup }) => ({
  bytes: setup.bytes,
  loadedAt: setup.loadedAt,
  pid: process.pid,
})
export default run
