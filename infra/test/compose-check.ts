import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { Ajv } from 'ajv'
import { parseYaml } from './load-yaml.js'

// dclint ships the current Compose Specification JSON schema (`name:`, `develop:` …), which
// Debian's docker-compose v1 does not know; ajv applies it offline.
// Its package.json `exports` hides the file: find the package folder, then the schema in it.
const dclintMain = createRequire(import.meta.url).resolve('dclint')
const schemaPath = join(
  dclintMain.slice(0, dclintMain.lastIndexOf('/dclint/') + 8),
  'schemas/compose.schema.json',
)
// Its `$schema` spells draft-07's id with https, which ajv does not know: draft-07 is ajv's default.
const { $schema: _draft, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as {
  $schema: string
}
const validateSpec = new Ajv({ allErrors: true, strict: false }).compile(schema)

interface Service {
  build?: string | { context?: string; dockerfile?: string }
  image?: string
  environment?: Record<string, string> | string[]
  command?: string[] | string
  depends_on?: string[] | Record<string, unknown>
  env_file?: (string | { path: string })[] | string
  volumes?: (string | { source?: string })[]
  restart?: string
  healthcheck?: { test?: unknown; disable?: boolean }
  stop_grace_period?: string
  deploy?: { replicas?: number }
}
interface ComposeFile {
  services: Record<string, Service>
  volumes?: Record<string, unknown>
}

/**
 * Every problem of a compose file: Compose Spec schema errors, then references the schema
 * cannot see (depends_on targets, named volumes, build contexts and Dockerfiles, env files, `${VAR}`
 * defined in the example env file). An empty list means valid.
 */
export function checkCompose(file: string, text = readFileSync(file, 'utf8')) {
  const dir = dirname(file)
  const problems: string[] = []
  const [doc] = parseYaml(text, file) as [ComposeFile]
  if (!validateSpec(doc)) {
    for (const e of validateSpec.errors ?? []) {
      problems.push(`schema: ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`)
    }
    return { doc, problems }
  }
  const example = envKeys(join(dir, '.env.example'))
  for (const match of text.matchAll(/\$\{([A-Z0-9_]+)[^}]*\}/g)) {
    if (!example.has(match[1]!)) problems.push(`\${${match[1]}} is not in .env.example`)
  }
  for (const [name, service] of Object.entries(doc.services)) {
    const deps = Array.isArray(service.depends_on)
      ? service.depends_on
      : Object.keys(service.depends_on ?? {})
    for (const dep of deps) {
      if (!doc.services[dep]) problems.push(`${name}: depends_on unknown service ${dep}`)
    }
    for (const volume of service.volumes ?? []) {
      const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '')
      const named = !/^[./~]/.test(source)
      if (named && !(doc.volumes && source in doc.volumes)) {
        problems.push(`${name}: volume ${source} is not declared under volumes:`)
      }
    }
    if (service.build) {
      const build = typeof service.build === 'string' ? { context: service.build } : service.build
      const context = join(dir, build.context ?? '.')
      const dockerfile = join(context, build.dockerfile ?? 'Dockerfile')
      if (!existsSync(context)) problems.push(`${name}: build context ${context} is missing`)
      if (!existsSync(dockerfile)) problems.push(`${name}: Dockerfile ${dockerfile} is missing`)
    }
    const envFiles = [service.env_file ?? []].flat()
    for (const entry of envFiles) {
      const path = join(dir, typeof entry === 'string' ? entry : entry.path)
      if (!existsSync(path) && !existsSync(`${path}.example`)) {
        problems.push(`${name}: env_file ${path} has no ${path}.example to copy it from`)
      }
    }
    if (service.restart !== 'unless-stopped')
      problems.push(`${name}: restart is not unless-stopped`)
    if (!service.healthcheck?.test) problems.push(`${name}: no healthcheck`)
  }
  return { doc, problems }
}

/** The variable names an env file defines. */
export function envKeys(path: string): Set<string> {
  const lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : []
  return new Set(lines.map((l) => /^([A-Z0-9_]+)=/.exec(l)?.[1]).filter((k) => k !== undefined))
}
