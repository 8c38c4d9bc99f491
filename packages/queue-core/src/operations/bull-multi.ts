import type { IRedisTransaction, Job, Queue } from 'bullmq'
import type { ChainableCommander } from 'ioredis'

/** A MULTI on a queue's own client, on which BullMQ's adds can be queued ({@link bullMulti}). */
export interface BullMulti {
  /** ioredis's MULTI, with BullMQ's scripts on it: queue other commands here, then `exec()`. */
  multi: IRedisTransaction & ChainableCommander
  /**
   * Queues BullMQ's own add of `job` (what `Queue.add` sends) on the MULTI. Answers the name of
   * the script it queued, to load it again when Redis answers NOSCRIPT.
   */
  add: (job: Job) => Promise<string>
}

/**
 * A MULTI on `queue`'s client that BullMQ's `Job.addJob` writes into: its add only calls
 * `runCommand` on the client it is given, so a recorder passes each call on to the MULTI.
 */
export async function bullMulti(queue: Queue): Promise<BullMulti> {
  const multi = (await queue.getBackend().client).multi() as IRedisTransaction & ChainableCommander
  let script = ''
  const recorder = {
    runCommand(name: string, args: unknown[]) {
      script = name
      multi.runCommand(name, args)
      return recorder
    },
  } as unknown as IRedisTransaction
  return {
    multi,
    add: async (job) => {
      await job.addJob(recorder)
      return script
    },
  }
}
