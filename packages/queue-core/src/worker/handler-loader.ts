import type { AnyJobDefinition, HandlerContext } from '../define-job.js'

/** A handler as the worker calls it. */
type LoadedHandler = (input: unknown, ctx: HandlerContext<unknown>) => Promise<unknown>

/** A job's handler module, loaded, with what its `setup()` returned in this process. */
export interface ReadyHandler {
  definition: AnyJobDefinition
  run: LoadedHandler
  setup: unknown
}

interface HandlerModule {
  default?: unknown
  setup?: unknown
}

/**
 * Imports the handler module of each job and runs each module's `setup()` once (a module shared
 * by several jobs is set up once). This is the only place handler code is ever evaluated.
 */
export async function loadHandlers(
  jobs: readonly AnyJobDefinition[],
): Promise<Map<string, ReadyHandler>> {
  const setups = new Map<HandlerModule, Promise<unknown>>()
  const entries = await Promise.all(
    jobs.map(async (definition): Promise<[string, ReadyHandler]> => {
      const mod = (await definition.handler()) as HandlerModule
      if (typeof mod?.default !== 'function') {
        throw new TypeError(
          `the handler module of "${definition.name}" must export a default function`,
        )
      }
      let setup = setups.get(mod)
      if (!setup) {
        setup =
          typeof mod.setup === 'function'
            ? Promise.resolve((mod.setup as () => unknown)())
            : Promise.resolve(undefined)
        setups.set(mod, setup)
      }
      return [
        definition.name,
        { definition, run: mod.default as LoadedHandler, setup: await setup },
      ]
    }),
  )
  return new Map(entries)
}
