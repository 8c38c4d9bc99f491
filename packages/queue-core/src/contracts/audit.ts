import { z } from 'zod'
import { decimalInt } from './integers.js'

/**
 * One entry of the audit trail: an admin action (HTTP, the dashboard's or the CLI's), who did
 * it, on what, with what outcome. Names follow OpenTelemetry's HTTP terms where they fit (`action` is the
 * span name `{method} {http.route}`, `status` is `http.response.status_code`).
 */
export const AuditEntry = z
  .object({
    id: z.string().describe('the stream entry id (`<ms>-<seq>`), the cursor of the lists'),
    at: z.iso.datetime().describe('when the action was answered (ISO 8601, UTC)'),
    token: z
      .string()
      .describe(
        'the name of the token used (`anonymous` when the API is open; `cli:<user>@<host>` for the CLI)',
      ),
    action: z
      .string()
      .describe(
        '`<METHOD> <route>`, e.g. `POST /v1/queues/{queue}/pause` or a dashboard path; `jobq <command>` for the CLI',
      ),
    target: z
      .record(z.string(), z.string())
      .describe('what it acted on: `queue`, `id`, `job`, `key`, and the filter it was given'),
    affected: z
      .number()
      .int()
      .nullable()
      .describe('jobs (or queues, keys) changed, from the answer; null when it does not say'),
    requestId: z
      .string()
      .describe('the `X-Request-Id` of the request (a fresh UUID for a CLI command)'),
    status: z
      .number()
      .int()
      .describe(
        'the HTTP status answered (for a CLI command: 200, or the status the API would answer for its error)',
      ),
  })
  .meta({ id: 'AuditEntry' })
export type AuditEntry = z.output<typeof AuditEntry>

/** What {@link AuditEntry} holds before the stream gives it an id. */
export type AuditRecord = Omit<AuditEntry, 'id'>

/** `GET /v1/audit`'s filters. */
export const AuditQuery = z.object({
  limit: decimalInt(1, 1_000, 50),
  cursor: z
    .string()
    .regex(/^\d{1,20}-\d{1,20}$/, 'a cursor is a nextCursor the list answered')
    .optional()
    .describe('nextCursor of the page before'),
  action: z.string().min(1).max(200).optional().describe('only this action (exact)'),
  token: z.string().min(1).max(200).optional().describe('only the actions of this token name'),
})
export type AuditQuery = z.output<typeof AuditQuery>

/** A page of the audit trail, newest first. */
export const AuditPage = z
  .object({
    entries: z.array(AuditEntry),
    nextCursor: z
      .string()
      .nullable()
      .describe('pass as cursor for the next (older) page; null at the oldest entry kept'),
  })
  .meta({ id: 'AuditPage' })
export type AuditPage = z.output<typeof AuditPage>
