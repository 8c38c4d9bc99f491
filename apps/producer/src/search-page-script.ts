// The search page's script (`search-page.ts`), served as /search/assets/search.js: plain ES2020
// for the browser, no framework. Every value from the API reaches the page through
// `textContent` or an attribute, never as HTML, so a job's data cannot inject markup.
export const SEARCH_SCRIPT = String.raw`'use strict'
;(() => {
  const TOKEN_KEY = 'jobq.token'
  const $ = (id) => document.getElementById(id)
  const jobs = new Map()
  let query = null

  const headers = () => {
    const token = sessionStorage.getItem(TOKEN_KEY)
    return token ? { authorization: 'Bearer ' + token } : {}
  }
  const say = (id, text) => { $(id).textContent = text }

  async function api(path) {
    const res = await fetch(path, { headers: { accept: 'application/json', ...headers() } })
    const body = await res.json().catch(() => ({}))
    if (res.status === 401) throw new Error('401: enter a valid API token above')
    if (!res.ok) throw new Error(res.status + ': ' + (body.detail || body.title || res.statusText))
    return body
  }

  async function loadRegistry() {
    say('error', '')
    const registry = await api('/v1/registry')
    const select = $('job')
    select.replaceChildren()
    jobs.clear()
    for (const job of registry.jobs) {
      if (!job.search || job.search.length === 0) continue
      jobs.set(job.name, job)
      select.append(new Option(job.name + ' (' + job.queue + ')', job.name))
    }
    if (jobs.size === 0) say('status', 'no job declares search fields')
    renderFields()
  }

  function renderFields() {
    const box = $('fields')
    box.querySelectorAll('label').forEach((label) => label.remove())
    const job = jobs.get($('job').value)
    for (const field of job ? job.search : []) {
      const label = document.createElement('label')
      label.textContent = field
      const input = document.createElement('input')
      input.name = 'field:' + field
      input.dataset.field = field
      label.append(input)
      box.append(label)
    }
  }

  const iso = (local) => (local ? new Date(local).toISOString() : '')

  function queryOfForm() {
    const params = new URLSearchParams({ name: $('job').value, limit: '50' })
    for (const input of $('fields').querySelectorAll('input[data-field]')) {
      if (input.value.trim()) params.set(input.dataset.field, input.value.trim())
    }
    const extra = { state: $('state').value, from: iso($('from').value), to: iso($('to').value), reason: $('reason').value.trim() }
    for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value)
    return params
  }

  function cell(row, text, className) {
    const td = row.insertCell()
    td.textContent = text
    if (className) td.className = className
    return td
  }

  function addRows(page) {
    const body = $('results').tBodies[0]
    for (const job of page.jobs) {
      const row = body.insertRow()
      const link = document.createElement('a')
      link.href = '/ui/queue/' + encodeURIComponent(job.queue) + '/' + encodeURIComponent(job.id)
      link.textContent = job.id
      row.insertCell().append(link)
      cell(row, job.state)
      cell(row, job.createdAt || '')
      cell(row, JSON.stringify(job.data), 'data')
      cell(row, job.failedReason || '')
    }
    $('results').hidden = body.rows.length === 0
  }

  async function run(cursor) {
    say('error', '')
    const params = new URLSearchParams(query)
    if (cursor) params.set('cursor', cursor)
    say('status', 'searching…')
    const page = await api('/v1/jobs?' + params)
    if (!cursor) $('results').tBodies[0].replaceChildren()
    addRows(page)
    const shown = $('results').tBodies[0].rows.length
    say('status', shown + (shown === 1 ? ' job' : ' jobs') + (page.nextCursor ? ', more may match' : ''))
    const more = $('more')
    more.hidden = !page.nextCursor
    more.dataset.cursor = page.nextCursor || ''
  }

  const report = (err) => { say('status', ''); say('error', err.message) }

  $('token').value = sessionStorage.getItem(TOKEN_KEY) || ''
  $('token-form').addEventListener('submit', (event) => {
    event.preventDefault()
    const token = $('token').value.trim()
    if (token) sessionStorage.setItem(TOKEN_KEY, token)
    else sessionStorage.removeItem(TOKEN_KEY)
    loadRegistry().catch(report)
  })
  $('job').addEventListener('change', renderFields)
  $('search-form').addEventListener('submit', (event) => {
    event.preventDefault()
    query = queryOfForm()
    run().catch(report)
  })
  $('more').addEventListener('click', () => run($('more').dataset.cursor).catch(report))
  loadRegistry().catch(report)
})()
`
