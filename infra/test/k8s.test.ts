import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'
import { kubectl, render, typecheck, validateModels, type K8sObject } from './k8s-check.js'
import { checkReferences } from './k8s-refs.js'

const k8s = fileURLToPath(new URL('../k8s/', import.meta.url))
const workDir = fileURLToPath(new URL('../.check/', import.meta.url))
const overlays = ['base', ...readdirSync(`${k8s}overlays`).map((o) => `overlays/${o}`)]
// Objects an overlay expects to exist without rendering them (prod's secrets come from a store).
const external: Record<string, string[]> = { 'overlays/prod': ['Secret/jobq-secrets'] }
const counts = (objects: K8sObject[]) => {
  const byKind = new Map<string, number>()
  for (const { kind } of objects) byKind.set(kind, (byKind.get(kind) ?? 0) + 1)
  return [...byKind].map(([kind, n]) => `${kind} ${n}`).join(', ')
}

describe('infra/k8s', () => {
  const rendered: Record<string, K8sObject[]> = {}
  beforeAll(() => {
    for (const overlay of overlays) rendered[overlay] = render(`${k8s}${overlay}`)
  })

  it('has base, dev and prod', () => {
    expect(overlays).toEqual(['base', 'overlays/dev', 'overlays/prod'])
  })

  it.each(overlays)(
    '%s renders, and every object passes the Kubernetes schemas',
    async (overlay) => {
      const objects = rendered[overlay]!
      console.log(`[k8s] ${overlay}: ${objects.length} objects (${counts(objects)})`)
      expect(await validateModels(objects)).toEqual([])
    },
  )

  it('every object of every overlay type-checks as its model (misspelled fields included)', () => {
    expect(typecheck(rendered, workDir)).toEqual([])
  }, 60_000)

  it.each(overlays)('%s: every reference resolves and the jobq rules hold', (overlay) => {
    const problems = checkReferences(rendered[overlay]!, {
      queues: registry.queueNames,
      external: external[overlay],
      autoscaled: overlay === 'overlays/prod',
    })
    expect(problems).toEqual([])
  })

  it('prod scales each worker Deployment with KEDA and the producer with an HPA', () => {
    const prod = rendered['overlays/prod']!
    expect(prod.filter((o) => o.kind === 'ScaledObject')).toHaveLength(registry.queueNames.length)
    expect(prod.find((o) => o.kind === 'HorizontalPodAutoscaler')?.metadata.name).toBe(
      'jobq-producer',
    )
    expect(prod.some((o) => o.kind === 'Secret')).toBe(false)
    expect(rendered['overlays/dev']!.some((o) => o.kind === 'StatefulSet')).toBe(true)
  })

  // Each check must be able to fail: break a rendered manifest on purpose, see it caught.
  describe('catches a manifest broken on purpose', () => {
    const base = () =>
      execFileSync(kubectl, ['kustomize', `${k8s}overlays/prod`], { encoding: 'utf8' })

    it('a misspelled field (readinesProbe) fails the type check', () => {
      const broken = render('broken', base().replace('readinessProbe:', 'readinesProbe:'))
      expect(typecheck({ broken }, `${workDir}broken/`).join('\n')).toMatch(
        /Deployment\/jobq-producer: .*readinesProbe.* does not exist in type 'IContainer'/,
      )
    }, 60_000)

    it('a wrong type (replicas: "two") and a bad enum fail the schemas', async () => {
      const text = base()
        .replace('minReplicas: 2', 'minReplicas: two')
        .replace('type: RuntimeDefault', 'type: Sometimes')
      const problems = (await validateModels(render('broken', text))).join('\n')
      expect(problems).toMatch(
        /HorizontalPodAutoscaler\/jobq-producer: .*minReplicas must be integer/,
      )
      expect(problems).toMatch(
        /Deployment\/jobq-producer: .*must be equal to one of the allowed values/,
      )
    })

    it('a short grace period, a wrong probe, a missing ConfigMap and a ScaledObject on the wrong queue', () => {
      const text = base()
        .replace('terminationGracePeriodSeconds: 45', 'terminationGracePeriodSeconds: 20')
        .replace('path: /readyz', 'path: /healthz')
        .replace('name: jobq-config', 'name: jobq-konfig')
        .replace('queue="reports"', 'queue="default"')
      const problems = checkReferences(render('broken', text), {
        queues: registry.queueNames,
        external: external['overlays/prod'],
        autoscaled: true,
      }).join('\n')
      expect(problems).toMatch(/terminationGracePeriodSeconds is not above JOBQ_GRACE_MS/)
      expect(problems).toMatch(
        /jobq-producer: ConfigMap jobq-konfig does not exist|readiness is not \/readyz/,
      )
      expect(problems).toMatch(/jobq-worker-reports: no ScaledObject on jobq_queue_backlog/)
    })
  })
})
