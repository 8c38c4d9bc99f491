import type { HandlerOf } from '@jobq/queue-core'
import type { echo } from './echo.js'

const run: HandlerOf<typeof echo> = async (data) => ({ echo: data })
export default run
