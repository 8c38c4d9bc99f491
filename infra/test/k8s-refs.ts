import type { K8sObject } from './k8s-check.js'

interface Container {
  name: string
  args?: string[]
  ports?: { name?: string; containerPort: number }[]
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[]
  env?: { valueFrom?: { secretKeyRef?: { name: string }; configMapKeyRef?: { name: string } } }[]
  readinessProbe?: { httpGet?: { path: string; port: string | number } }
  resources?: { requests?: Record<string, string> }
  securityContext?: { allowPrivilegeEscalation?: boolean }
}
interface PodTemplate {
  metadata: { labels: Record<string, string> }
  spec: {
    containers: Container[]
    terminationGracePeriodSeconds?: number
    securityContext?: { runAsNonRoot?: boolean }
  }
}
type Workload = K8sObject & {
  spec: { selector: { matchLabels: Record<string, string> }; template: PodTemplate }
}

/** The fields of Services, PDBs, HPAs and ScaledObjects that point at other objects. */
interface SelectingSpec {
  /** A Service's selector is the labels themselves; a PDB's has matchLabels. */
  selector?: { matchLabels?: Record<string, string>; [label: string]: unknown }
  scaleTargetRef?: { name?: string }
}

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v)

/** The queue a worker Deployment serves: the last argument of `node dist/main.js <queue>`. */
const queueOf = (w: Workload) => w.spec.template.spec.containers[0]?.args?.at(-1)

/**
 * What the schemas cannot see: names that must point at objects of the same render, selectors
 * that must select pods, and jobq's own rules (grace periods, readiness = /readyz on the worker's
 * health port, non-root, resources, one worker Deployment and one ScaledObject per queue).
 */
export function checkReferences(
  objects: K8sObject[],
  options: { queues: readonly string[]; external?: string[]; autoscaled?: boolean },
): string[] {
  const problems: string[] = []
  const named = (kind: string, name: string) =>
    options.external?.includes(`${kind}/${name}`) ||
    objects.some((o) => o.kind === kind && o.metadata.name === name)
  const workloads = objects.filter((o): o is Workload =>
    ['Deployment', 'StatefulSet'].includes(o.kind),
  )
  const workers = workloads.filter(
    (w) => w.metadata.labels?.['app.kubernetes.io/name'] === 'jobq-worker',
  )
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'jobq-config')
  const graceMs = Number(config?.data?.JOBQ_GRACE_MS ?? 30_000)
  const healthPort = Number(config?.data?.WORKER_HTTP_PORT)

  for (const w of workloads) {
    const id = `${w.kind}/${w.metadata.name}`
    const pod = w.spec.template
    if (!matches(w.spec.selector.matchLabels, pod.metadata.labels)) {
      problems.push(`${id}: selector does not match its pod template`)
    }
    if (pod.spec.securityContext?.runAsNonRoot !== true) problems.push(`${id}: not runAsNonRoot`)
    for (const c of pod.spec.containers) {
      if (!c.resources?.requests) problems.push(`${id}/${c.name}: no resource requests`)
      if (c.securityContext?.allowPrivilegeEscalation !== false) {
        problems.push(`${id}/${c.name}: allowPrivilegeEscalation is not false`)
      }
      for (const ref of c.envFrom ?? []) {
        if (ref.configMapRef && !named('ConfigMap', ref.configMapRef.name)) {
          problems.push(`${id}: ConfigMap ${ref.configMapRef.name} does not exist`)
        }
        if (ref.secretRef && !named('Secret', ref.secretRef.name)) {
          problems.push(`${id}: Secret ${ref.secretRef.name} does not exist`)
        }
      }
      for (const e of c.env ?? []) {
        const secret = e.valueFrom?.secretKeyRef?.name
        if (secret && !named('Secret', secret))
          problems.push(`${id}: Secret ${secret} does not exist`)
      }
    }
  }

  for (const w of workers) {
    const id = `Deployment/${w.metadata.name}`
    const { spec } = w.spec.template
    if ((spec.terminationGracePeriodSeconds ?? 30) * 1000 <= graceMs) {
      problems.push(`${id}: terminationGracePeriodSeconds is not above JOBQ_GRACE_MS (${graceMs})`)
    }
    const worker = spec.containers[0]!
    const probe = worker.readinessProbe?.httpGet
    const port = worker.ports?.find(
      (p) => p.name === probe?.port || p.containerPort === probe?.port,
    )
    if (probe?.path !== '/readyz' || port?.containerPort !== healthPort) {
      problems.push(`${id}: readiness is not /readyz on WORKER_HTTP_PORT (${healthPort})`)
    }
  }
  const served = workers.map(queueOf)
  for (const queue of options.queues) {
    if (!served.includes(queue)) problems.push(`no worker Deployment for queue ${queue}`)
  }

  for (const o of objects) {
    const id = `${o.kind}/${o.metadata.name}`
    const spec = o.spec as SelectingSpec | undefined
    if (o.kind === 'Service' || o.kind === 'PodDisruptionBudget') {
      const selector =
        (o.kind === 'Service'
          ? (spec?.selector as Record<string, string> | undefined)
          : spec?.selector?.matchLabels) ?? {}
      if (!workloads.some((w) => matches(selector, w.spec.template.metadata.labels))) {
        problems.push(`${id}: selects no pods`)
      }
    }
    if (o.kind === 'HorizontalPodAutoscaler' || o.kind === 'ScaledObject') {
      const target = spec?.scaleTargetRef?.name ?? ''
      if (!named('Deployment', target)) problems.push(`${id}: scales unknown Deployment ${target}`)
    }
  }
  if (options.autoscaled) {
    for (const w of workers) {
      const scaler = objects.find(
        (o) =>
          o.kind === 'ScaledObject' &&
          (o.spec as SelectingSpec | undefined)?.scaleTargetRef?.name === w.metadata.name,
      )
      const query = JSON.stringify(scaler?.spec ?? {})
      if (!query.includes(`jobq_queue_backlog{queue=\\"${queueOf(w)}\\"}`)) {
        problems.push(
          `Deployment/${w.metadata.name}: no ScaledObject on jobq_queue_backlog of its queue`,
        )
      }
    }
  }
  return problems
}
