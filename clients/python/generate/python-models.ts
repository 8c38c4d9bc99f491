// Runs quicktype over the job schemas: stdlib dataclasses with from_dict/to_dict, Python 3.7+.
import { FetchingJSONSchemaStore, InputData, JSONSchemaInput, quicktype } from 'quicktype-core'
import type { JsonSchema } from './openapi-source.js'

/** The generated module, and the Python type quicktype gave each top-level name. */
export interface PythonModels {
  code: string
  /** e.g. `DemoSleepInput` → `DemoSleepInput`; `DemoEchoInput` → `Any` (not every name is a class). */
  typeOf: Map<string, string>
}

/** Generates one module holding every named schema; names must be PascalCase. */
export async function pythonModels(schemas: Map<string, JsonSchema>): Promise<PythonModels> {
  const input = new JSONSchemaInput(new FetchingJSONSchemaStore())
  for (const [name, schema] of schemas) {
    await input.addSource({ name, schema: JSON.stringify(schema) })
  }
  const inputData = new InputData()
  inputData.addInput(input)
  const { lines } = await quicktype({
    inputData,
    lang: 'python',
    // 3.7: dataclasses, and nothing newer than Debian 12's Python 3.11 needs.
    rendererOptions: { 'python-version': '3.7' },
  })
  const code = `${lines.join('\n').trimEnd()}\n`
  return { code, typeOf: topLevelTypes(code, [...schemas.keys()]) }
}

/**
 * quicktype names a top-level type after its source, but merges identical shapes and renders
 * non-objects as plain types (`Any`, `Dict[str, Any]`); its `<snake>_from_dict` function's
 * return annotation says what each name became.
 */
function topLevelTypes(code: string, names: string[]): Map<string, string> {
  const types = new Map<string, string>()
  for (const name of names) {
    const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
    const match = new RegExp(`^def ${snake}_from_dict\\(s: Any\\) -> (.+):$`, 'm').exec(code)
    if (!match) throw new Error(`quicktype emitted no ${snake}_from_dict for ${name}`)
    types.set(name, match[1]!)
  }
  return types
}
