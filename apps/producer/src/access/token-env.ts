import { readFileSync } from 'node:fs'
import { ConfigError } from '@jobq/queue-core'
import type { ApiToken } from './scopes.js'
import { parseTokens, type TokenEntry } from './token-config.js'

/**
 * The tokens of `JOBQ_API_TOKENS` (comma-separated entries) and of `JOBQ_API_TOKENS_FILE` (one
 * entry per line; blank lines and `#` comments skipped), together. Throws `ConfigError` naming
 * each bad entry by its position, and an unreadable file by its path; never quotes a secret.
 */
export function loadTokens(list: readonly string[], file: string | undefined): ApiToken[] {
  const entries: TokenEntry[] = list.map((text, i) => ({
    text,
    path: 'JOBQ_API_TOKENS',
    where: `entry ${i + 1}`,
  }))
  if (file !== undefined) {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable'
      throw new ConfigError([{ path: 'JOBQ_API_TOKENS_FILE', message: `${file}: ${reason}` }])
    }
    text.split('\n').forEach((line, i) => {
      const entry = line.trim()
      if (!entry || entry.startsWith('#')) return
      entries.push({ text: entry, path: 'JOBQ_API_TOKENS_FILE', where: `line ${i + 1}` })
    })
  }
  const { tokens, errors } = parseTokens(entries)
  if (errors.length) throw new ConfigError(errors)
  return tokens
}
