// `node --import ./forbid-handlers.mjs app.js`: any handler module the app loads ends the process.
import { register } from 'node:module'

register('./forbid-handlers-hook.mjs', import.meta.url)
