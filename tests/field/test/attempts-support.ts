import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { spawnNode, type NodeProcess } from '@jobq/queue-core/testing'

/** The built entry points: these tests run what production runs. */
const workerMain = fileURLToPath(new URL('../../../apps/worker/dist/main.js', import.meta.url))
export const producerMain = fileURLToPath(
  new URL('../../../apps/producer/dist/main.js', import.meta.url),
)
export const cliMain = fileURLToPath(new URL('../../../apps/cli/dist/main.js', import.meta.url))

/** demo.sleep, field.busy, field.crash and field.fail, recording every start (see the fixture). */
export const attemptsRegistry = fileURLToPath(
  new URL('../fixtures/attempts-registry.mjs', import.meta.url),
)

/** What a worker of these tests is started with. */
export type WorkerEnv = { REDIS_URL: string; JOBQ_PREFIX: string; record: string } & Record<
  string,
  string
>

/** Starts the built worker on the attempts registry; resolves once it takes jobs. */
export async function startWorker(
  env: WorkerEnv,
  args: string[] = ['default', '--concurrency', '1'],
): Promise<NodeProcess> {
  const worker = spawnWorker(env, args)
  await worker.waitFor(/worker taking jobs/)
  return worker
}

/** Starts the built worker on the attempts registry, without waiting for it. */
export function spawnWorker(
  env: WorkerEnv,
  args: string[] = ['default', '--concurrency', '1'],
): NodeProcess {
  const { record, ...rest } = env
  return spawnNode(workerMain, args, {
    env: {
      JOBQ_REGISTRY: attemptsRegistry,
      JOBQ_TEST_RECORD: record,
      JOBQ_HEARTBEAT_MS: '500',
      LOG_LEVEL: 'info',
      ...rest,
    },
  })
}

/** One line of the record file: a handler start or a handler return. */
export interface RecordLine {
  kind: 'start' | 'done'
  id: string
  pid: number
}

/** The record file's lines for job `id`, in order. */
export function recordOf(file: string, id: string): RecordLine[] {
  if (!existsSync(file)) return []
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .filter(([kind, jobId]) => (kind === 'start' || kind === 'done') && jobId === id)
    .map(([kind, jobId, a, b]) => ({
      kind: kind as RecordLine['kind'],
      id: jobId!,
      pid: Number(kind === 'start' ? b : a),
    }))
}

/** The one polling helper (for state that changes without an event to await). */
export { eventually } from '@jobq/queue-core/testing'

/** The worker record id a worker process logged when it started taking jobs. */
export function workerIdOf(worker: NodeProcess): string {
  const id = /"workerId":"([^"]+)"/.exec(worker.output())?.[1]
  if (!id) throw new Error(`no workerId in the worker's output:\n${worker.output()}`)
  return id
}
