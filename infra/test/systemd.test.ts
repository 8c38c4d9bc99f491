import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { registry } from '@jobq/jobs'

const dir = fileURLToPath(new URL('../systemd/', import.meta.url))
const units = ['jobq-producer.service', 'jobq-worker@.service']
const scratch = mkdtempSync(join(tmpdir(), 'jobq-units-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/**
 * `systemd-analyze verify` exits 0 even on unknown keys, so any output at all is a failure.
 * Instances are verified through the template in the same folder (jobq-worker@reports.service).
 */
function verify(files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(scratch, name), text)
  const names = [
    'jobq-producer.service',
    ...registry.queueNames.map((queue) => `jobq-worker@${queue}.service`),
  ]
  const result = spawnSync('systemd-analyze', ['verify', ...names.map((n) => join(scratch, n))], {
    encoding: 'utf8',
  })
  if (result.error) throw result.error
  return (
    `${result.stdout}${result.stderr}`.trim() + (result.status ? ` (exit ${result.status})` : '')
  )
}

const text = (unit: string) => readFileSync(join(dir, unit), 'utf8')

describe('infra/systemd', () => {
  it('every unit and one worker instance per queue verify without a word', () => {
    units.forEach((unit) => copyFileSync(join(dir, unit), join(scratch, unit)))
    expect(verify({})).toBe('')
    console.log(
      `[systemd] verified: ${units.join(', ')} + instances ${registry.queueNames.join(', ')}`,
    )
  })

  it('restart always, start at boot, pool size per instance, stop after the grace period', () => {
    for (const unit of units) {
      expect(text(unit)).toMatch(/^Restart=always$/m)
      expect(text(unit)).toMatch(/^WantedBy=multi-user\.target$/m)
    }
    const worker = text('jobq-worker@.service')
    expect(worker).toMatch(/^ExecStart=.* %i$/m) // the instance is the queue
    expect(worker).toMatch(/^EnvironmentFile=-\/etc\/jobq\/worker-%i\.env$/m) // JOBQ_PROCESSES=N
    const graceMs = Number(/JOBQ_GRACE_MS=(\d+)/.exec(text('jobq.env.example'))![1])
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(worker)![1]) * 1000).toBeGreaterThan(graceMs)
    expect(text('worker-default.env.example')).toMatch(/^JOBQ_PROCESSES=\d+$/m)
  })

  it.each([
    ['a misspelled key', 'Restart=always', 'Restrat=always', /Unknown key 'Restrat'/],
    ['a bad value', 'KillMode=mixed', 'KillMode=gently', /Failed to parse kill mode/],
    ['a missing binary', '/usr/bin/node', '/usr/bin/nodejs-missing', /nodejs-missing/],
    ['a broken section', '[Install]', '[Instal]', /Unknown section 'Instal'/],
  ])('catches %s in the worker template', (_what, from, to, message) => {
    const broken = text('jobq-worker@.service').replace(from, to)
    expect(broken).not.toBe(text('jobq-worker@.service'))
    expect(verify({ 'jobq-worker@.service': broken })).toMatch(message)
    copyFileSync(join(dir, 'jobq-worker@.service'), join(scratch, 'jobq-worker@.service'))
  })
})
