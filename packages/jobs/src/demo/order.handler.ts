import { PermanentJobError, type HandlerOf } from '@jobq/queue-core'
import type { order } from './order.js'

/** Charges `amount`; a negative one fails without retries (no attempt could succeed). */
const run: HandlerOf<typeof order> = async ({ customerId, amount }) => {
  if (amount < 0) throw new PermanentJobError(`amount ${amount} is negative: nothing to charge`)
  return { customerId, charged: amount }
}
export default run
