// Module resolution hook (registered by preload.ts): `@jobq/jobs` resolves to the scale
// registry, so the built producer and CLI run unchanged with N queues.
const scaleRegistry = new URL('./registry.js', import.meta.url).href

type Next = (specifier: string, context: unknown) => Promise<{ url: string }>

export async function resolve(specifier: string, context: unknown, next: Next) {
  if (specifier === '@jobq/jobs') return { url: scaleRegistry, shortCircuit: true }
  return next(specifier, context)
}
