import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseYaml } from './load-yaml.js'

/** A rendered Kubernetes object, as far as these checks read it. */
export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  spec?: Record<string, unknown>
  data?: Record<string, string>
  stringData?: Record<string, string>
}

// The bootstrap (--infra) unpacks a kubectl here when the one on PATH is missing or too old.
const localKubectl = fileURLToPath(new URL('../../.jobq/tools/bin/kubectl', import.meta.url))
export const kubectl = existsSync(localKubectl) ? localKubectl : 'kubectl'

/** `kubectl kustomize DIR`: renders offline, no cluster needed. */
export function render(dir: string, text?: string): K8sObject[] {
  const out = text ?? execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8' })
  return parseYaml(out, dir) as K8sObject[]
}

/** Where the typed model of an apiVersion lives: kubernetes-models, or its KEDA or Prometheus Operator add-on. */
function modelModule(apiVersion: string): string {
  if (apiVersion.startsWith('keda.sh/')) return `@kubernetes-models/keda/${apiVersion}`
  if (apiVersion.startsWith('monitoring.coreos.com/'))
    return `@kubernetes-models/prometheus-operator/${apiVersion}`
  return `kubernetes-models/${apiVersion}`
}

/**
 * Validates each object against the Kubernetes OpenAPI schemas (kubernetes-models' `validate()`):
 * types, required fields, enums. Unknown kinds are a problem too.
 */
export async function validateModels(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = []
  for (const object of objects) {
    const id = `${object.kind}/${object.metadata.name}`
    try {
      const module = (await import(`${modelModule(object.apiVersion)}/${object.kind}`)) as Record<
        string,
        new (data: unknown) => { validate(): void }
      >
      new module[object.kind]!(object).validate()
    } catch (err) {
      problems.push(`${id}: ${(err as Error).message.split('\n').slice(0, 4).join(' ')}`)
    }
  }
  return problems
}

/**
 * The OpenAPI schemas allow unknown fields, so a misspelled `readinesProbe` passes them. Each object
 * is written as a TypeScript literal of its model's interface and type-checked: excess property
 * checks name every misspelled field, at any depth.
 */
export function typecheck(overlays: Record<string, K8sObject[]>, workDir: string): string[] {
  rmSync(workDir, { recursive: true, force: true })
  mkdirSync(workDir, { recursive: true })
  const owners: { file: string; line: number; id: string }[] = []
  for (const [name, objects] of Object.entries(overlays)) {
    const file = `${name.replace(/\W/g, '-')}.ts`
    let source = ''
    objects.forEach((object, i) => {
      const type = `import('${modelModule(object.apiVersion)}/${object.kind}').I${object.kind}`
      const line = source.split('\n').length
      owners.push({ file, line, id: `${name}: ${object.kind}/${object.metadata.name}` })
      source += `export const o${i}: ${type} = ${JSON.stringify(object, null, 2)}\n`
    })
    writeFileSync(join(workDir, file), source)
  }
  writeFileSync(
    join(workDir, 'tsconfig.json'),
    JSON.stringify({
      extends: fileURLToPath(new URL('../../tsconfig.base.json', import.meta.url)),
      compilerOptions: { noEmit: true, types: [] },
      include: ['*.ts'],
    }),
  )
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')
  try {
    execFileSync(process.execPath, [tsc, '-p', workDir], { encoding: 'utf8' })
    return []
  } catch (err) {
    const output = (err as { stdout?: string }).stdout ?? String(err)
    return output
      .split('\n')
      .filter((l) => /error TS/.test(l))
      .map((l) => {
        const [, file, line] = /([\w-]+\.ts)\((\d+),/.exec(l) ?? []
        const owner = owners.filter((o) => o.file === file && o.line <= Number(line)).at(-1)
        return `${owner?.id ?? file}: ${l.replace(/^.*error /, '')}`
      })
  }
}
