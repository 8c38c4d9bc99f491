import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { freePort, testRedisUrl, useHarness } from '@jobq/queue-core/testing'
import { render, type K8sObject } from './k8s-check.js'
import { parseYaml } from './load-yaml.js'

// infra/observability: the alert rules (promtool checks and unit-tests them in `pnpm test:rules`),
// the Grafana dashboard and the prod overlay's PrometheusRule. Checked here: the dashboard's
// shape, that every query of both parses (promtool), that every metric they read is one a real
// producer exports (a rename in the code fails this), and that the overlay holds the rules file.
const root = fileURLToPath(new URL('../../', import.meta.url))
const dir = join(root, 'infra/observability')

interface Rule {
  record?: string
  alert?: string
  expr: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
interface Panel {
  id: number
  type: string
  title: string
  datasource: { uid: string }
  gridPos: { x: number; y: number; w: number; h: number }
  targets: { refId: string; expr: string; datasource: { uid: string } }[]
}
const rules = parseYaml(
  readFileSync(join(dir, 'jobq.rules.yaml'), 'utf8'),
  'jobq.rules.yaml',
)[0] as {
  groups: { name: string; rules: Rule[] }[]
}
const allRules = rules.groups.flatMap((group) => group.rules)
const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as {
  uid: string
  title: string
  schemaVersion: number
  templating: { list: { name: string; type: string }[] }
  panels: Panel[]
}
// Grafana's variables, replaced by what Grafana would put there, for promtool.
const concrete = (expr: string) =>
  expr.replaceAll('$__rate_interval', '1m').replaceAll('$job', '.*')
const dashboardExprs = dashboard.panels.flatMap((panel) => panel.targets.map((t) => t.expr))
const exprs = [...dashboardExprs, ...allRules.map((rule) => rule.expr)]
/** The exported metric names a query reads (recording rules, `jobq:…`, are not among them). */
const metricsOf = (expr: string) => [...expr.matchAll(/\bjobq_[a-z0-9_]+/g)].map((m) => m[0])

describe('the alert rules', () => {
  const alerts = allRules.filter((rule) => rule.alert)
  const tests = parseYaml(
    readFileSync(join(dir, 'jobq.rules.test.yaml'), 'utf8'),
    'jobq.rules.test.yaml',
  )[0] as { tests: { alert_rule_test?: { alertname: string; exp_alerts: unknown[] }[] }[] }
  const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? [])
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const operate = readme.slice(readme.indexOf('\n## Operate'), readme.indexOf('\n## Layout'))

  it('are the five the issue asks for', () => {
    expect(alerts.map((rule) => rule.alert)).toEqual([
      'JobqBacklogGrowing',
      'JobqOldestWaitingOverObjective',
      'JobqFailureRatioHigh',
      'JobqNoLiveWorker',
      'JobqRedisMemoryNearLimit',
    ])
  })

  it.each(alerts.map((rule) => [rule.alert!, rule] as const))(
    '%s: severity, summary, description, a runbook line, a firing and a silent unit test',
    (name, rule) => {
      expect(['warning', 'critical']).toContain(rule.labels?.severity)
      expect(rule.annotations?.summary).toBeTruthy()
      expect(rule.annotations?.description).toContain(`Runbook: README, Operate, ${name}.`)
      expect(operate).toMatch(new RegExp(`^- \`${name}\` \\((warning|critical)`, 'm'))
      const mine = cases.filter((c) => c.alertname === name)
      expect(
        mine.some((c) => c.exp_alerts.length > 0),
        'a firing case',
      ).toBe(true)
      expect(
        mine.some((c) => c.exp_alerts.length === 0),
        'a silent case',
      ).toBe(true)
    },
  )
})

describe('the Grafana dashboard', () => {
  it('is a dashboard Grafana imports: uid, schema, a Prometheus datasource variable', () => {
    expect(dashboard).toMatchObject({ uid: 'jobq-operate', title: 'jobq' })
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36)
    expect(dashboard.templating.list).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'datasource', type: 'datasource' })]),
    )
  })

  it('has the operator panels, each with unique id, a place on the grid and queries', () => {
    expect(dashboard.panels.map((p) => p.title)).toEqual([
      'Backlog',
      'Throughput',
      'Failure ratio',
      'Oldest waiting job',
      'Live workers',
      'Redis memory',
      'HTTP latency',
      'Dead letters',
    ])
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length)
    for (const panel of dashboard.panels) {
      expect(panel.type, panel.title).toBe('timeseries')
      expect(panel.datasource.uid, panel.title).toBe('${datasource}')
      expect(panel.gridPos.x + panel.gridPos.w, panel.title).toBeLessThanOrEqual(24)
      expect(panel.targets.length, panel.title).toBeGreaterThan(0)
      for (const target of panel.targets) expect(target.datasource.uid).toBe('${datasource}')
    }
  })

  it('reads recording rules only if the rules file records them', () => {
    const recorded = new Set(allRules.flatMap((rule) => (rule.record ? [rule.record] : [])))
    const used = dashboardExprs.flatMap((e) =>
      [...e.matchAll(/\bjobq:[a-z0-9_:]+/g)].map((m) => m[0]),
    )
    expect(used.length).toBeGreaterThan(0)
    for (const name of used) expect(recorded, name).toContain(name)
  })
})

describe('every query of the dashboard and the rules', () => {
  const h = useHarness({ label: 'observability', per: 'file' })

  it('parses as PromQL (promtool check rules over them all)', () => {
    const file = join(h.scratchDir(), 'queries.rules.yaml')
    const asRules = exprs.map((expr, i) => ({ record: `check:query_${i}`, expr: concrete(expr) }))
    writeFileSync(file, stringify({ groups: [{ name: 'queries', rules: asRules }] }))
    expect(execFileSync('promtool', ['check', 'rules', file], { encoding: 'utf8' })).toContain(
      `SUCCESS: ${exprs.length} rules found`,
    )
    // ...and promtool does refuse a broken one (the check can fail).
    writeFileSync(
      file,
      stringify({ groups: [{ name: 'q', rules: [{ record: 'x', expr: 'max by (' }] }] }),
    )
    expect(() => execFileSync('promtool', ['check', 'rules', file], { stdio: 'pipe' })).toThrow()
  })

  it('reads only metrics a real producer exports on /metrics', async () => {
    const port = await freePort()
    const token = 'observability-test-token-0123456789'
    const producer = h.spawn(join(root, 'apps/producer/dist/main.js'), [], {
      env: {
        REDIS_URL: testRedisUrl(),
        JOBQ_PREFIX: h.prefix,
        HOST: '127.0.0.1',
        PORT: String(port),
        JOBQ_API_TOKENS: token,
        LOG_LEVEL: 'info',
      },
    })
    await producer.waitFor(/producer listening/)
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`, { headers })
    // One enqueue first, so the counters and the HTTP histogram that start empty have a series.
    const enqueue = await fetch(`http://127.0.0.1:${port}/v1/jobs/demo.echo`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ data: 1 }),
    })
    expect(enqueue.status).toBe(202)
    const text = await (await get('/metrics')).text()
    const exported = new Set(
      text
        .split('\n')
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)![0]),
    )
    const used = [...new Set(exprs.flatMap(metricsOf))].sort()
    expect(used).toEqual(
      expect.arrayContaining([
        'jobq_queue_oldest_waiting_age_seconds',
        'jobq_queue_workers',
        'jobq_dead_letters',
        'jobq_redis_memory_used_bytes',
        'jobq_redis_memory_max_bytes',
        'jobq_jobs_failed_total',
        'jobq_http_request_duration_seconds_bucket',
      ]),
    )
    expect(used.filter((name) => !exported.has(name))).toEqual([])
  }, 30_000)
})

describe('the prod overlay', () => {
  let prod: K8sObject[]
  beforeAll(() => {
    prod = render(join(root, 'infra/k8s/overlays/prod'))
  })

  it("holds the rules file's groups as its PrometheusRule (run prometheus-rule.mjs after an edit)", () => {
    const rule = prod.find((o) => o.kind === 'PrometheusRule')
    expect(rule?.spec?.groups).toEqual(rules.groups)
  })

  it('scrapes the producer Service by its labels and port with a ServiceMonitor', () => {
    const monitor = prod.find((o) => o.kind === 'ServiceMonitor')!
    const service = prod.find((o) => o.kind === 'Service' && o.metadata.name === 'jobq-producer')!
    const { selector, endpoints } = monitor.spec as {
      selector: { matchLabels: Record<string, string> }
      endpoints: { port: string; path: string }[]
    }
    expect(service.metadata.labels).toMatchObject(selector.matchLabels)
    const ports = (service.spec as { ports: { name: string }[] }).ports.map((p) => p.name)
    expect(endpoints.map((e) => e.port)).toEqual(['http'])
    expect(ports).toContain('http')
    expect(endpoints[0]!.path).toBe('/metrics')
  })
})
