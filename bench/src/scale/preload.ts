// `node --import <this> app.js`: installs hooks.ts before the app loads its registry.
import { register } from 'node:module'

register('./hooks.js', import.meta.url)
