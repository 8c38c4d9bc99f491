// Where the Python client's generation gets its OpenAPI document: from the producer itself, run
// from source for a moment against a private redis-server, so the document is exactly what
// `GET /openapi.json` serves for the registry in this checkout (no build, no running stack).
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { freePort, startRedisServer } from '@jobq/queue-core/redis-server'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const STARTUP_MS = 60_000

/** An OpenAPI 3.1 document, as far as the generator reads it. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components: { schemas: Record<string, JsonSchema> }
}
/** One operation of {@link OpenApiDocument}. */
interface OpenApiOperation {
  tags?: string[]
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
}
/** A JSON Schema (2020-12), untyped beyond being an object. */
export type JsonSchema = Record<string, unknown>

/** Starts Redis and the producer, reads `/openapi.json`, stops both (also on failure). */
export async function fetchOpenApiDocument(): Promise<OpenApiDocument> {
  const redis = await startRedisServer()
  const port = await freePort()
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    REDIS_URL: redis.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    JOBQ_PREFIX: 'jobq-python-generate',
    LOG_LEVEL: 'warn',
  }
  // Tokens only add `security` to the document, and production mode would demand them.
  delete env.JOBQ_API_TOKENS
  delete env.NODE_ENV
  const producer = spawn(
    `${root}node_modules/.bin/tsx`,
    ['--conditions=jobq-source', 'apps/producer/src/main.ts'],
    { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] },
  )
  const exited = once(producer, 'exit')
  try {
    return await readDocument(`http://127.0.0.1:${port}/openapi.json`, exited)
  } finally {
    producer.kill('SIGTERM')
    await exited
    await redis.stop()
  }
}

/** Asks until the producer answers; fails at once if it exits, or after {@link STARTUP_MS}. */
async function readDocument(url: string, exited: Promise<unknown>): Promise<OpenApiDocument> {
  let gone = false
  void exited.then(() => (gone = true))
  const deadline = Date.now() + STARTUP_MS
  for (;;) {
    if (gone) throw new Error('the producer exited before serving /openapi.json (see above)')
    try {
      const res = await fetch(url)
      if (res.ok) return (await res.json()) as OpenApiDocument
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`no answer from ${url} within ${STARTUP_MS} ms`)
    // The producer's startup has no event to await from here: ask again shortly.
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
