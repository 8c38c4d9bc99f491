#!/usr/bin/env node
// Writes the prod overlay's PrometheusRule from jobq.rules.yaml, the one copy of the rules:
//   node infra/observability/prometheus-rule.mjs
// (then `pnpm format`). infra/test/observability.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs'
import { parse, stringify } from 'yaml'

const here = new URL('./', import.meta.url)
const rules = parse(readFileSync(new URL('jobq.rules.yaml', here), 'utf8'))
const header = [
  '# GENERATED from infra/observability/jobq.rules.yaml by infra/observability/prometheus-rule.mjs:',
  '# edit the rules file and run the script, never this file. The Prometheus Operator loads it when',
  "# its Prometheus' ruleSelector matches these labels (kube-prometheus-stack: release=<its name>).",
]
const object = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'jobq', labels: { 'app.kubernetes.io/name': 'jobq', release: 'prometheus' } },
  spec: { groups: rules.groups },
}
writeFileSync(
  new URL('../k8s/overlays/prod/prometheus-rule.yaml', here),
  `${header.join('\n')}\n${stringify(object, { lineWidth: 0 })}`,
)
