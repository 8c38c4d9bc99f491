/** The worker children's side of the IPC: `ready` once taking jobs, `gc` on request, SIGTERM stops. */
export function serveParent(stop: () => Promise<void>): void {
  process.on('message', (message: { type: string }) => {
    if (message.type === 'gc') {
      globalThis.gc?.()
      process.send?.({ type: 'gc-done' })
    }
  })
  process.once('SIGTERM', () => void stop().then(() => process.exit(0)))
  process.send?.({ type: 'ready' })
}
