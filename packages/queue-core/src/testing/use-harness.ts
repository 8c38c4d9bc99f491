import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { createHarness, type Harness, type HarnessOptions } from './harness.js'
import { testRedisUrl } from './provided-context.js'

/** Options of {@link useHarness}. */
export interface UseHarnessOptions extends Omit<HarnessOptions, 'target'> {
  /**
   * Read when the harness is made (a server started in `beforeAll` is known by then).
   * @defaultValue the run's redis-server
   */
  target?: HarnessOptions['target'] | (() => HarnessOptions['target'])
  /**
   * `'test'`: a fresh harness (prefix, connections, workers) for every test of the calling
   * `describe`; `'file'`: one for all of them, for files whose tests share a slow set-up.
   * @defaultValue 'test'
   */
  per?: 'test' | 'file'
}

/**
 * The harness every test file uses: registers the hooks that make a {@link Harness} before each
 * test (or once, `per: 'file'`) and close it after, keeping the keys of a failed test for a look.
 * The returned object is the current harness: read its fields inside tests and hooks only.
 */
export function useHarness<X extends object = object>(
  options: UseHarnessOptions & {
    /**
     * Adds what one suite needs on top (the producer's app, its HTTP helpers), made from the
     * harness right after it, in the same hook; anything it opens goes through `h.track`.
     */
    extend?: (harness: Harness) => X | Promise<X>
  } = {},
): Omit<Harness, keyof X> & X {
  let current: Harness | undefined
  let extension: X | undefined
  let failed = false
  const open = async () => {
    const target = typeof options.target === 'function' ? options.target() : options.target
    current = await createHarness({ ...options, target: target ?? testRedisUrl() })
    extension = await options.extend?.(current)
  }
  const close = async () => {
    const harness = current
    current = extension = undefined
    await harness?.close({ keepKeys: failed })
  }
  if (options.per === 'file') {
    beforeAll(open)
    afterEach((context) => void (failed ||= context.task.result?.state === 'fail'))
    afterAll(close)
  } else {
    beforeEach(async () => {
      failed = false
      await open()
    })
    afterEach(async (context) => {
      failed = context.task.result?.state === 'fail'
      await close()
    })
  }
  return new Proxy({} as Omit<Harness, keyof X> & X, {
    get(_, key) {
      if (!current) throw new Error(`harness.${String(key)} read outside a test or hook`)
      const from: object = extension && key in extension ? extension : current
      const value = Reflect.get(from, key) as unknown
      return typeof value === 'function' ? (value as () => unknown).bind(from) : value
    },
  })
}
