import { afterAll, beforeAll } from 'vitest'
import { assertNoLeaks, openHandles, type HandleSnapshot } from './leak-guard.js'

// Vitest setup file (every project's `setupFiles`): fails a test file that leaves a socket, a
// server or a child process open once its own afterAll hooks have run. Hooks run as a stack, so
// this afterAll, registered before the file's, runs after them.
let baseline: HandleSnapshot = new Set()
beforeAll(() => {
  baseline = openHandles()
})
afterAll(async () => {
  await assertNoLeaks(baseline)
})
