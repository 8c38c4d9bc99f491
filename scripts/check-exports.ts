/**
 * Fails when a package entry of jobq exports a name no other workspace imports: knip checks
 * unused files, dependencies and exports inside each package, but it reads workspace imports
 * through `dist/`, so it cannot see which entry exports other packages use. This check reads the
 * source (TypeScript's parser, no type checking): every `export` of each entry below, against
 * every `import … from '<package>'` in the other workspaces' source and tests.
 *
 * Usage: `tsx scripts/check-exports.ts` (run by `pnpm lint`). Exit 1 with the unused names.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import ts from 'typescript'

const root = new URL('..', import.meta.url).pathname

/** Package entries whose exports must each be used by another workspace. */
const ENTRIES: Record<string, string> = {
  '@jobq/queue-core': 'packages/queue-core/src/index.ts',
  '@jobq/queue-core/dashboard': 'packages/queue-core/src/dashboard.ts',
}

const AUTHOR_API = "the job author's API (README 'Add a job'): what a definition or handler names"
const ANSWERS = "what an operation takes or answers: the adapters' and the client's types"
const THROWN =
  'what an operation throws (its docstring names it): a caller embedding the operations tells them apart; the adapters read them through problemOf'
const DECLARED =
  "named by the declarations the apps emit (an inferred type's parts must be exported)"

/** Exports kept without an importer today, each with its reason. */
const KEPT: Record<string, string> = {
  ...Object.fromEntries(
    [
      'HandlerContext',
      'JobDefinition',
      'QueueDefinition',
      'JobSchedule',
      'JobGroup',
      'JobDefaults',
      'ChildJob',
      'ChildOutcome',
      'Registry',
      'JobsByName',
      'PermanentJobError',
      'JobTimeoutError',
      'JobqError',
      'CANCELLED_REASON',
      'OlderVersion',
      'OlderVersions',
    ].map((name) => [name, AUTHOR_API]),
  ),
  ...Object.fromEntries(
    [
      'CancelOutcome',
      'CleanOutcome',
      'QueueActionOutcome',
      'RequeueOutcome',
      'RetryOutcome',
      'JobWatch',
      'ListJobsOptions',
      'ListGroupsOptions',
      'OperationsOptions',
      'BulkItem',
      'ParsedItem',
      'ErrorProblem',
      'WorkerOptions',
      'RunningWorker',
      'JobFinishedEvent',
      'WorkerState',
    ].map((name) => [name, ANSWERS]),
  ),
  ...Object.fromEntries(
    [
      'BackendUnavailableError',
      'toBackendError',
      'JobConflictError',
      'JobNotFoundError',
      'UnknownQueueError',
    ].map((name) => [name, THROWN]),
  ),
  ...Object.fromEntries(
    [
      'HostPort',
      'RedisEnv',
      'RedisConnectionOptions',
      'RedisRole',
      'RedisTlsOptions',
      'SandboxJob',
      'SandboxProcessor',
      'SandboxProcessorOptions',
    ].map((name) => [name, DECLARED]),
  ),
}

const SKIP = new Set(['node_modules', 'dist', '.turbo', '.jobq', '.venv', '__pycache__'])

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return []
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return /\.(ts|tsx|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : []
  })
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true)
}

/** The names an entry exports (`export { a, b } from`, `export function`, `export const`, …). */
function exportedNames(file: string): string[] {
  const names: string[] = []
  for (const node of parse(file).statements) {
    if (ts.isExportDeclaration(node) && node.exportClause && ts.isNamedExports(node.exportClause)) {
      names.push(...node.exportClause.elements.map((element) => element.name.text))
    } else if (ts.canHaveModifiers(node)) {
      const exported = ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      const name = (node as { name?: ts.Identifier }).name
      if (exported && name) names.push(name.text)
    }
  }
  return names
}

/** Per module specifier, the names imported from it (and re-exported from it) in `file`. */
function importsOf(file: string, into: Map<string, Set<string>>): void {
  for (const node of parse(file).statements) {
    const isImport = ts.isImportDeclaration(node)
    if (!isImport && !ts.isExportDeclaration(node)) continue
    const from = node.moduleSpecifier
    if (!from || !ts.isStringLiteral(from)) continue
    const used = into.get(from.text) ?? new Set<string>()
    into.set(from.text, used)
    const bindings = isImport ? node.importClause?.namedBindings : node.exportClause
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) used.add((element.propertyName ?? element.name).text)
    } else if (bindings && ts.isNamedExports(bindings)) {
      for (const element of bindings.elements) used.add((element.propertyName ?? element.name).text)
    } else if (bindings) used.add('*')
  }
}

const unused: string[] = []
for (const [specifier, entry] of Object.entries(ENTRIES)) {
  const packageDir = entry.slice(0, entry.indexOf('/src/'))
  const imports = new Map<string, Set<string>>()
  for (const file of sourceFiles(root)) {
    if (!relative(root, file).startsWith(`${packageDir}/`)) importsOf(file, imports)
  }
  const used = imports.get(specifier) ?? new Set<string>()
  if (used.has('*')) continue
  for (const name of exportedNames(join(root, entry))) {
    if (!used.has(name) && !KEPT[name]) unused.push(`${specifier}: ${name} (${entry})`)
  }
}

if (unused.length) {
  console.error(`exports no other workspace imports (remove them, or keep one in KEPT with why):`)
  for (const line of unused) console.error(`  ${line}`)
  process.exit(1)
}
console.log(`check-exports: every export of ${Object.keys(ENTRIES).join(', ')} is used`)
