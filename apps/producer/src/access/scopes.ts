/**
 * What a token may do. `read`: the GET routes, `/metrics`, the dashboard read-only. `enqueue`:
 * `POST /v1/jobs/<name>` and its bulk. `admin`: every action that changes or removes jobs or
 * queues (pause, resume, empty, clean, retry, requeue, cancel, group limits, bulk actions, the
 * dashboard's buttons) and the audit trail. Each route declares one (`x-jobq-scope`).
 */
export const SCOPES = ['read', 'enqueue', 'admin'] as const
export type Scope = (typeof SCOPES)[number]

/** One configured API token (`JOBQ_API_TOKENS`), its secret kept only as a digest. */
export interface ApiToken {
  /** Names the token in answers, logs and the audit trail; never the secret. */
  name: string
  scopes: ReadonlySet<Scope>
  /** The queues it may touch; `undefined` = every queue. */
  queues?: ReadonlySet<string>
  /** The secret itself (the app keeps only its SHA-256 digest). */
  secret: string
}

/** A bare token, as `JOBQ_API_TOKENS` held them before scopes: every scope, every queue. */
export const bareToken = (secret: string, position: number): ApiToken => ({
  name: `token-${position}`,
  scopes: new Set(SCOPES),
  secret,
})

/**
 * The scope a route requires, spread into its `createRoute({ ...scope('admin'), … })`: the
 * OpenAPI extension `x-jobq-scope` that `mount()` demands and `/openapi.json` shows.
 */
export const scope = <S extends Scope>(required: S) => ({ 'x-jobq-scope': required })
