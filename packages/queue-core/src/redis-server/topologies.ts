import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Redis } from 'ioredis'
import type { RedisTarget } from '../redis-target.js'
import { eventually } from './eventually.js'
import { freePort, startRedisServer, type RedisServer } from './redis-server.js'

// Real Sentinel sets and clusters from Debian's redis-server, on free loopback ports, for the
// topology and failover tests. Timings follow ../shared/MACHINE.md: both are ready in ~3 s.

/** Polls `check`: Redis has no event for "replica synced" or "sentinels agree". */
const until = (check: () => Promise<boolean>, what: string) => eventually(check, Boolean, { what })

/** Runs one command on loopback:`port` and closes the connection. */
async function command(port: number, password: string | undefined, ...args: string[]) {
  const redis = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true })
  redis.on('error', () => {})
  try {
    await redis.connect()
    return await redis.call(args[0]!, ...args.slice(1))
  } finally {
    redis.disconnect()
  }
}

const linkUp = async (port: number, password?: string) =>
  /master_link_status:up/.test(String(await command(port, password, 'INFO', 'replication')))

/** A primary, one replica and three sentinels. */
export interface SentinelSet {
  target: Extract<RedisTarget, { kind: 'sentinel' }>
  primary: RedisServer
  replica: RedisServer
  sentinels: RedisServer[]
  /** The primary's port as the sentinels report it now. */
  primaryPort(): Promise<number>
  stop(): Promise<void>
}

/** Starts a Sentinel set (`requirepass` when `password` is given) and waits until it can fail over. */
export async function startSentinelSet(
  options: { name?: string; password?: string } = {},
): Promise<SentinelSet> {
  const { name = 'mymaster', password } = options
  const dir = await mkdtemp(join(tmpdir(), 'jobq-sentinel-'))
  const auth = password ? ['--requirepass', password, '--masterauth', password] : []
  // Diskless sync without delay: the replica is in sync in milliseconds, not after 5 s.
  const sync = ['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0']
  const servers: RedisServer[] = []
  try {
    // `dir`: a replica writes the RDB it receives to disk, so keep it out of the working tree.
    const primary = await startRedisServer({ dir, args: [...auth, ...sync] })
    servers.push(primary)
    const replica = await startRedisServer({
      dir,
      args: [...auth, ...sync, '--replicaof', '127.0.0.1', String(primary.port)],
    })
    servers.push(replica)
    await until(() => linkUp(replica.port, password), 'the replica to sync')

    const sentinels: RedisServer[] = []
    for (let i = 0; i < 3; i++) {
      const port = await freePort()
      const config = join(dir, `sentinel-${port}.conf`)
      await writeFile(
        config,
        [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} 1000`,
          `sentinel failover-timeout ${name} 5000`,
          ...(password ? [`sentinel auth-pass ${name} ${password}`] : []),
          '',
        ].join('\n'),
      )
      const sentinel = await startRedisServer({ port, sentinelConfig: config })
      servers.push(sentinel)
      sentinels.push(sentinel)
    }
    // Able to fail over once every sentinel knows the replica and the two other sentinels.
    for (const s of sentinels) {
      await until(async () => {
        const known = (await command(s.port, undefined, 'SENTINEL', 'SENTINELS', name)) as unknown[]
        const replicas = (await command(
          s.port,
          undefined,
          'SENTINEL',
          'REPLICAS',
          name,
        )) as unknown[]
        return known.length === 2 && replicas.length === 1
      }, `sentinel ${s.port} to see its peers`)
    }
    return {
      target: {
        kind: 'sentinel',
        name,
        sentinels: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
        ...(password && { url: `redis://:${password}@sentinel` }),
      },
      primary,
      replica,
      sentinels,
      async primaryPort() {
        const [, port] = (await command(
          sentinels[0]!.port,
          undefined,
          'SENTINEL',
          'GET-MASTER-ADDR-BY-NAME',
          name,
        )) as string[]
        return Number(port)
      },
      stop: () => stopAll(servers, dir),
    }
  } catch (err) {
    await stopAll(servers, dir)
    throw err
  }
}

/** A Redis cluster of `masters` masters with `replicas` replicas each. */
export interface RedisCluster {
  target: Extract<RedisTarget, { kind: 'cluster' }>
  nodes: RedisServer[]
  /** The master that serves `key`'s slot right now (e.g. `{jobq}`). */
  masterOf(key: string): Promise<RedisServer>
  stop(): Promise<void>
}

/** Starts a cluster and waits until every slot is served and every replica is in sync. */
export async function startCluster(
  options: { masters?: number; replicas?: number; password?: string } = {},
): Promise<RedisCluster> {
  const { masters = 3, replicas = 0, password } = options
  const dir = await mkdtemp(join(tmpdir(), 'jobq-cluster-'))
  const nodes: RedisServer[] = []
  try {
    for (let i = 0; i < masters * (1 + replicas); i++) {
      const port = await freePort()
      // The cluster bus defaults to port + 10000, which may be somebody else's: take a free one.
      const busPort = await freePort()
      nodes.push(
        await startRedisServer({
          port,
          dir,
          args: [
            ...(password ? ['--requirepass', password, '--masterauth', password] : []),
            ...['--cluster-enabled', 'yes', '--cluster-port', String(busPort)],
            ...['--cluster-config-file', join(dir, `nodes-${port}.conf`)],
            ...['--cluster-node-timeout', '1000', '--repl-diskless-sync-delay', '0'],
          ],
        }),
      )
    }
    await promisify(execFile)('redis-cli', [
      ...(password ? ['-a', password, '--no-auth-warning'] : []),
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ])
    for (const node of nodes) {
      await until(
        async () =>
          /cluster_state:ok/.test(String(await command(node.port, password, 'CLUSTER', 'INFO'))),
        `cluster node ${node.port} to be ok`,
      )
      const role = String(await command(node.port, password, 'INFO', 'replication'))
      if (/role:slave/.test(role)) await until(() => linkUp(node.port, password), 'replica sync')
    }
    return {
      target: {
        kind: 'cluster',
        nodes: nodes.slice(0, 2).map((n) => ({ host: '127.0.0.1', port: n.port })),
        ...(password && { url: `redis://:${password}@cluster` }),
      },
      nodes,
      async masterOf(key) {
        // Right after a failover a node may briefly see the slot unserved: ask until it is.
        let node: RedisServer | undefined
        await until(async () => {
          const alive = nodes.find((n) => n.process.exitCode === null && !n.process.signalCode)!
          const slot = Number(await command(alive.port, password, 'CLUSTER', 'KEYSLOT', key))
          const ranges = (await command(alive.port, password, 'CLUSTER', 'SLOTS')) as [
            number,
            number,
            [string, number],
          ][]
          const port = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2][1]
          // A killed master stays in a node's view until the failover is agreed: wait past it.
          node = nodes.find(
            (n) => n.port === port && n.process.exitCode === null && !n.process.signalCode,
          )
          return node !== undefined
        }, `a master to serve the slot of ${key}`)
        return node!
      },
      stop: () => stopAll(nodes, dir),
    }
  } catch (err) {
    await stopAll(nodes, dir)
    throw err
  }
}

async function stopAll(servers: RedisServer[], dir: string) {
  await Promise.all(servers.map((s) => s.stop()))
  await rm(dir, { recursive: true, force: true })
}
