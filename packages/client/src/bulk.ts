import type { BulkOperation } from './types.js'

/** Options of `JobqClient.followOperation`. */
export interface FollowOptions {
  /** Time between two reads, in ms. @defaultValue 500 */
  intervalMs?: number
  /** Called with each read of the operation (its `done`, `skipped` of `matched`). */
  onProgress?: (operation: BulkOperation) => void
  signal?: AbortSignal
}

/**
 * Reads operation `id` with `read` every `intervalMs` until its state is no longer `running`
 * (`done`, `failed`, `interrupted`); rejects with the signal's reason when it aborts.
 */
export async function followOperation(
  read: (id: string) => Promise<BulkOperation>,
  id: string,
  { intervalMs = 500, onProgress, signal }: FollowOptions = {},
): Promise<BulkOperation> {
  for (;;) {
    signal?.throwIfAborted()
    const operation = await read(id)
    onProgress?.(operation)
    if (operation.state !== 'running') return operation
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}
