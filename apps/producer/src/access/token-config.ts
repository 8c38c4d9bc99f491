import { SCOPES, bareToken, type ApiToken, type Scope } from './scopes.js'

/** Shortest secret accepted (as before scopes). */
const MIN_SECRET_LENGTH = 16

/** Token and queue names: no separator of the syntax, nothing to escape in logs. */
const NAME = /^[\w.-]{1,64}$/

/** One entry of the configuration and where it stands, for messages (never its secret). */
export interface TokenEntry {
  text: string
  /** The variable it came from: `JOBQ_API_TOKENS` or `JOBQ_API_TOKENS_FILE`. */
  path: string
  /** e.g. `entry 2` (of `JOBQ_API_TOKENS`) or `line 7` (of `JOBQ_API_TOKENS_FILE`). */
  where: string
}

/** A bad entry: the variable, and a message naming the entry's position. */
interface TokenIssue {
  path: string
  message: string
}

/**
 * Parses token entries: `<name>:<scope>+<scope>[@<queue>|<queue>]:<secret>`, or a bare
 * `<secret>` (every scope, named `token-<n>` by its position among all entries). Returns the
 * tokens and a message per bad entry (unknown scope, empty or bad name, duplicate name or
 * secret, a secret with `:`, a secret under 16 characters), each naming the entry's position and
 * never quoting a secret.
 */
export function parseTokens(entries: readonly TokenEntry[]): {
  tokens: ApiToken[]
  errors: TokenIssue[]
} {
  const tokens: ApiToken[] = []
  const errors: TokenIssue[] = []
  entries.forEach((entry, i) => {
    const issue = (message: string) => errors.push({ path: entry.path, message })
    const parsed = parseEntry(entry.text, i + 1)
    if (typeof parsed === 'string') return void issue(`${entry.where}: ${parsed}`)
    const twin = tokens.find((t) => t.name === parsed.name || t.secret === parsed.secret)
    if (twin?.name === parsed.name) issue(`${entry.where}: the name "${parsed.name}" is used twice`)
    else if (twin) issue(`${entry.where} (${parsed.name}): the same token as ${twin.name}`)
    else tokens.push(parsed)
  })
  return { tokens, errors }
}

function parseEntry(text: string, position: number): ApiToken | string {
  const parts = text.split(':')
  if (parts.length === 1) return checkSecret(text, `token-${position}`) ?? bareToken(text, position)
  // A secret with `:` would split: say so without quoting any part, one of which is secret.
  if (parts.length !== 3) {
    return 'expected <name>:<scopes>:<token> or a bare token (a token may not contain ":")'
  }
  const [name, grant, secret] = parts as [string, string, string]
  if (!NAME.test(name)) return 'the name must be 1 to 64 letters, digits, ".", "_" or "-"'
  const [scopeList, queueList] = grant.split('@') as [string, string | undefined]
  const scopes = scopeList.split('+')
  const unknown = scopes.find((scope) => !(SCOPES as readonly string[]).includes(scope))
  if (unknown !== undefined) {
    return `(${name}) unknown scope "${unknown.slice(0, 32)}" (scopes: ${SCOPES.join(', ')})`
  }
  const queues = queueList?.split('|')
  if (queues?.some((queue) => !NAME.test(queue)) || grant.split('@').length > 2) {
    return `(${name}) expected queues as @<queue>|<queue> after the scopes`
  }
  return (
    checkSecret(secret, name) ?? {
      name,
      scopes: new Set(scopes as Scope[]),
      ...(queues && { queues: new Set(queues) }),
      secret,
    }
  )
}

function checkSecret(secret: string, name: string): string | undefined {
  if (secret.length >= MIN_SECRET_LENGTH) return undefined
  return `(${name}) each token must be at least ${MIN_SECRET_LENGTH} characters`
}
