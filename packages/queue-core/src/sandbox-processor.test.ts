import { describe, expect, it } from 'vitest'
import { sandboxProcessorUrl } from './sandbox-processor.js'

describe('sandboxProcessorUrl', () => {
  it('names the queue on the processor file URL, from a path or a URL', () => {
    expect(sandboxProcessorUrl('/srv/my app/processor.js', 'big_file').href).toBe(
      'file:///srv/my%20app/processor.js?queue=big_file',
    )
    const url = new URL('file:///srv/processor.js')
    expect(sandboxProcessorUrl(url, 'default').href).toBe('file:///srv/processor.js?queue=default')
    expect(url.search).toBe('') // the caller's URL is left alone
  })
})
