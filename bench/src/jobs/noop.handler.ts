import type { HandlerOf } from '@jobq/queue-core'
import type { noop } from './registry.js'

const run: HandlerOf<typeof noop> = async () => ({})
export default run
