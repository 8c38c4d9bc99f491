import type { HandlerOf } from '@jobq/queue-core'
import type { greet } from './greet.js'

// Typed by the current version only: a version 1 payload arrives already upcast.
const run: HandlerOf<typeof greet> = async ({ firstName, lastName }) => ({
  greeting: `Hello, ${[firstName, lastName].filter(Boolean).join(' ')}!`,
})
export default run
