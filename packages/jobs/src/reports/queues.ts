import { defineQueue } from '@jobq/queue-core'

/**
 * The `reports` project's own queue: its workers (compose service, k8s Deployment, systemd
 * instance `jobq-worker@reports`) scale and deploy apart from the demo queues.
 */
export const reportsQueue = defineQueue({
  name: 'reports',
  description: 'the reports project: summaries computed off the request path',
  concurrency: 4,
})
