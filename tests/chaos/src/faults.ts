import { setTimeout as sleep } from 'node:timers/promises'
import { eventually } from '@jobq/queue-core/redis-server'
import { call } from './http.js'
import type { FaultKind, PlannedFault } from './schedule.js'
import { alive, signal, WORKER_SETTINGS, type Stack } from './stack.js'

/** One fault as it happened: the fault log, printed live and written to `faults.json`. */
export interface FaultEvent {
  seq: number
  kind: FaultKind
  /** Epoch ms when the fault hit. */
  at: number
  /** Epoch ms when what it broke was back (Redis up, queue resumed, process restarted). */
  healedAt?: number
  target: string
  /** The process hit (0 for a queue pause). */
  pid: number
  detail: string
  /** The planned fault found nothing to hit (its target was already down): not a fault. */
  skipped?: true
}

/** A process told to stop (SIGTERM): did it end, how fast, and with which exit code. */
export interface StopWatch {
  seq: number
  target: string
  pid: number
  /** Ms from SIGTERM to exit; null when it had not ended by the deadline (then killed -9). */
  exitedInMs: number | null
  /** Exit code, or the signal's name; null when unknown (a pool member: its parent reaps it). */
  code: number | string | null
  deadlineMs: number
}

/** A stop must end within the grace period plus this margin (documented for kind 6). */
const STOP_MARGIN_MS = 10_000

/** Applies planned faults to a stack and keeps the log. */
export class FaultInjector {
  readonly log: FaultEvent[] = []
  readonly stops: StopWatch[] = []
  /** Restarts and stop watches still running; awaited by {@link heal}. */
  private readonly pending = new Set<Promise<unknown>>()
  private paused = false
  private redisDown = false

  constructor(
    private readonly stack: Stack,
    private readonly startedAt: number,
    private readonly print: (line: string) => void,
  ) {}

  /**
   * Runs one fault. Outages and pauses go on in the background, so the next fault may land in
   * one (a SIGTERM while Redis is down is exactly what kind 6 is about); a producer restart is
   * awaited (the load has nowhere else to go meanwhile).
   */
  async apply(fault: PlannedFault): Promise<void> {
    if (fault.kind === 'outage-sigterm') {
      // Two faults in the log: the outage, then the SIGTERM once the worker has noticed it.
      await this.apply({ ...fault, kind: 'redis-kill9' })
      await sleep(Math.min(500, fault.downMs / 2))
      return this.apply({ ...fault, kind: 'worker-sigterm' })
    }
    const event: FaultEvent = {
      seq: this.log.length + 1,
      kind: fault.kind,
      at: Date.now(),
      target: '',
      pid: 0,
      detail: '',
    }
    this.log.push(event)
    switch (fault.kind) {
      case 'worker-kill9':
      case 'worker-sigterm':
        this.hitWorker(event, fault)
        break
      case 'pool-member-kill9':
      case 'pool-member-sigterm':
        this.hitPoolMember(event, fault)
        break
      case 'redis-kill9':
        await this.outage(event, fault.downMs)
        break
      case 'queue-pause':
        this.pause(event, fault.downMs)
        break
      case 'producer-restart':
        await this.restartProducer(event, fault.signal)
        break
    }
    const offset = ((event.at - this.startedAt) / 1_000).toFixed(1)
    this.print(
      `[chaos] fault #${event.seq} +${offset}s ${event.kind} ${event.target} pid=${event.pid} ${event.detail}`,
    )
  }

  private hitWorker(event: FaultEvent, fault: PlannedFault): void {
    const { workers } = this.stack
    // A worker still down from an earlier fault: hit the next one that runs.
    const index = [...workers.keys()]
      .map((k) => (fault.worker + k) % workers.length)
      .find((i) => workers[i])
    if (index === undefined) {
      event.skipped = true
      event.detail = 'skipped: every single worker is down'
      return
    }
    const worker = workers[index]!
    workers[index] = undefined
    const sig = fault.kind === 'worker-kill9' ? 'SIGKILL' : 'SIGTERM'
    event.target = `worker-${index}`
    event.pid = worker.child.pid ?? 0
    event.detail = `${sig}, restarted after ${fault.downMs} ms`
    worker.child.kill(sig)
    this.track(
      (async () => {
        if (sig === 'SIGTERM')
          await this.watchStop(
            event,
            () => worker.exited,
            () => worker.kill(),
          )
        else await worker.exited
        await sleep(fault.downMs)
        await this.stack.startWorker(index)
        event.healedAt = Date.now()
      })(),
    )
  }

  private hitPoolMember(event: FaultEvent, fault: PlannedFault): void {
    const members = this.stack.poolMembers()
    event.target = 'pool'
    if (members.length === 0) {
      event.skipped = true
      event.detail = 'skipped: no pool member running'
      return
    }
    const pid = members[fault.worker % members.length]!
    const sig = fault.kind === 'pool-member-kill9' ? 'SIGKILL' : 'SIGTERM'
    event.pid = pid
    event.detail = `${sig} (the pool restarts it)`
    signal(pid, sig)
    if (sig === 'SIGTERM') {
      // The pool reaps its members, so only /proc tells when this one ended.
      const exited = (async () => {
        while (alive(pid)) await sleep(50)
        return null
      })()
      this.track(
        this.watchStop(
          event,
          () => exited,
          () => signal(pid, 'SIGKILL'),
        ),
      )
    }
  }

  /** kill -9 of Redis now; restarted (same port, same AOF) `ms` later, in the background. */
  private async outage(event: FaultEvent, ms: number): Promise<void> {
    event.target = 'redis'
    if (this.redisDown) {
      event.skipped = true
      event.detail = 'skipped: Redis is already down'
      return
    }
    this.redisDown = true
    event.pid = await this.stack.killRedis()
    event.detail = `down for ${ms} ms, then restarted`
    this.track(
      (async () => {
        await sleep(ms)
        await this.stack.startRedis()
        this.redisDown = false
        event.healedAt = Date.now()
      })(),
    )
  }

  /** Pauses the queue now and resumes it `ms` later, in the background. */
  private pause(event: FaultEvent, ms: number): void {
    event.target = 'queue default'
    if (this.paused) {
      event.skipped = true
      event.detail = 'skipped: already paused'
      return
    }
    this.paused = true
    event.detail = `paused for ${ms} ms`
    this.track(
      (async () => {
        const answer = await call(this.stack.url, 'POST', '/v1/queues/default/pause')
        if (answer.status !== 200) event.detail += ` (pause answered HTTP ${answer.status})`
        await sleep(ms)
        await this.resume()
        event.healedAt = Date.now()
      })(),
    )
  }

  /** Resumes the queue, retrying until the producer says so (it may be restarting). */
  async resume(): Promise<void> {
    if (!this.paused) return
    await eventually(
      () => call(this.stack.url, 'POST', '/v1/queues/default/resume'),
      (answer) => answer.status === 200,
      { what: 'the producer to resume the queue', timeoutMs: 60_000, intervalMs: 100 },
    )
    this.paused = false
  }

  private async restartProducer(event: FaultEvent, sig: 'SIGKILL' | 'SIGTERM'): Promise<void> {
    const { producer } = this.stack
    event.target = 'producer'
    event.pid = producer.child.pid ?? 0
    producer.child.kill(sig)
    if (sig === 'SIGTERM')
      await this.watchStop(
        event,
        () => producer.exited,
        () => producer.kill(),
      )
    else await producer.exited
    await this.stack.startProducer()
    event.healedAt = Date.now()
    event.detail = `${sig}, back after ${event.healedAt - event.at} ms`
  }

  /** Waits for a SIGTERM'd process to end, within grace + margin; kills it -9 if it does not. */
  private async watchStop(
    event: FaultEvent,
    exited: () => Promise<number | string | null>,
    kill: () => void,
  ): Promise<void> {
    const deadlineMs = WORKER_SETTINGS.graceMs + STOP_MARGIN_MS
    const outcome = await Promise.race([
      exited().then((code) => ({ code })),
      sleep(deadlineMs, undefined),
    ])
    this.stops.push({
      seq: event.seq,
      target: event.target,
      pid: event.pid,
      exitedInMs: outcome ? Date.now() - event.at : null,
      code: outcome ? outcome.code : null,
      deadlineMs,
    })
    if (!outcome) {
      kill()
      await exited()
    }
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((err: Error) => this.print(`[chaos] restart failed: ${err.message}`))
    this.pending.add(tracked)
    void tracked.finally(() => this.pending.delete(tracked))
  }

  /** After the last fault: every restart done, the queue resumed, every worker running. */
  async heal(): Promise<number> {
    while (this.pending.size) await Promise.all(this.pending)
    await this.resume()
    const { workers } = this.stack
    for (const index of workers.keys()) if (!workers[index]) await this.stack.startWorker(index)
    return Date.now()
  }
}
