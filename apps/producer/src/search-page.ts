import { Hono } from 'hono'
import { JOB_STATES } from '@jobq/queue-core'
import { SEARCH_SCRIPT } from './search-page-script.js'

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>jobq search</title>
  <link rel="stylesheet" href="/search/assets/search.css">
</head>
<body>
  <h1>Search jobs</h1>
  <p>By the fields a job declares searchable (<code>GET /v1/jobs</code>). <a href="/">Home</a> · <a href="/ui">Dashboard</a></p>
  <form id="token-form">
    <label>API token <input id="token" type="password" autocomplete="off" placeholder="none when auth is off"></label>
    <button type="submit">Use token</button>
    <small>kept in this tab only (sessionStorage)</small>
  </form>
  <form id="search-form">
    <label>Job <select id="job" name="name" required></select></label>
    <fieldset id="fields"><legend>Search fields</legend></fieldset>
    <label>State <select id="state" name="state"><option value="">any</option>${JOB_STATES.map((s) => `<option>${s}</option>`).join('')}</select></label>
    <label>From <input id="from" name="from" type="datetime-local" step="1"></label>
    <label>To <input id="to" name="to" type="datetime-local" step="1"></label>
    <label>Reason <input id="reason" name="reason" placeholder="substring of the failure reason"></label>
    <button type="submit">Search</button>
  </form>
  <p id="status" role="status"></p>
  <p id="error" role="alert"></p>
  <table id="results" hidden>
    <thead><tr><th>ID</th><th>State</th><th>Created</th><th>Data</th><th>Reason</th></tr></thead>
    <tbody></tbody>
  </table>
  <button id="more" type="button" hidden>More</button>
  <script src="/search/assets/search.js"></script>
</body>
</html>`

const STYLE = `body { font: 14px system-ui, sans-serif; margin: 1.5rem; }
form { margin-bottom: 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; }
fieldset { display: flex; gap: .5rem; border: 1px solid #ccc; }
label { display: flex; flex-direction: column; gap: .2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
td.data { font-family: monospace; max-width: 40rem; overflow-wrap: anywhere; }
#error { color: #b00; }`

/**
 * `GET /search`: a page that searches jobs by their declared fields through the API
 * (`/v1/registry` for the jobs and fields, `GET /v1/jobs` page by page), each match linked to
 * its dashboard page (`/ui/queue/<queue>/<id>`, bull-board's job route). Its script and style
 * are served from here (the page CSP allows only self). The page holds no data itself, so it is
 * open like `/docs`; the API calls carry the token the user enters, kept in sessionStorage.
 */
export function searchPage(): Hono {
  return new Hono()
    .get('/search', (c) => c.html(PAGE))
    .get('/search/assets/search.js', (c) =>
      c.body(SEARCH_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
    )
    .get('/search/assets/search.css', (c) =>
      c.body(STYLE, 200, { 'content-type': 'text/css; charset=utf-8' }),
    )
}
