import { defineProject } from 'vitest/config'
import { sharedConfig } from '../vitest.shared.js'

export default defineProject(sharedConfig('infra'))
