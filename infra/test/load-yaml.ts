import { parseAllDocuments } from 'yaml'

/**
 * Parses YAML strictly: duplicate keys and syntax errors throw (a duplicated key silently wins in
 * most tools, so it is the typo these checks most need to catch). Merge keys (`<<:`) resolve.
 */
export function parseYaml(text: string, where: string): unknown[] {
  return parseAllDocuments(text, { uniqueKeys: true, merge: true })
    .map((doc) => {
      if (doc.errors.length)
        throw new Error(`${where}: ${doc.errors.map((e) => e.message).join('; ')}`)
      return doc.toJS({ maxAliasCount: 100 }) as unknown
    })
    .filter((doc) => doc !== null)
}
