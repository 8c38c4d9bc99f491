// A module loader hook. Instead of a handler module's code, the process gets code that reports the
// load and exits 86, so a test sees it whether or not the caller swallows import errors.
export async function load(url, context, nextLoad) {
  if (/\.handler\.[cm]?[jt]s$/.test(new URL(url).pathname)) {
    return {
      format: 'module',
      shortCircuit: true,
      source: `process.stderr.write(${JSON.stringify(`handler module loaded: ${url}\n`)}); process.exit(86)`,
    }
  }
  return nextLoad(url, context)
}
