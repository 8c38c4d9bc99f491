// @ts-check
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/.check/**',
      '**/*.mjs',
      '**/*.config.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // Queue code is all promises: a forgotten await loses errors (and jobs).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'bullmq', message: 'only @jobq/queue-core talks to BullMQ' },
            { name: 'ioredis', message: 'only @jobq/queue-core talks to Redis' },
          ],
          patterns: [
            {
              group: ['**/*.handler', '**/*.handler.js'],
              message: 'handlers are loaded lazily by the worker: use the definition’s handler()',
            },
          ],
        },
      ],
      // Configuration is read in one validated place per app (env.ts), never ad hoc.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read configuration in env.ts' },
      ],
    },
  },
  {
    // Functions a newcomer reads alone (issue 13): at most ~80 lines of code each. Tests are
    // scenarios, read top to bottom, and are left out.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.check.ts', '**/testing/**'],
    rules: {
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // queue-core wraps BullMQ; the benchmark runs plain BullMQ as its baseline.
    files: ['packages/queue-core/**', 'bench/**'],
    rules: {
      'no-restricted-imports': 'off',
    },
  },
  {
    // Scripts (the Python client's generator among them) pass the environment on to children.
    files: [
      '**/env.ts',
      '**/*.test.ts',
      '**/test/**',
      'scripts/**',
      '**/testing/**',
      '**/redis-server/**',
      'bench/**',
      'clients/*/generate/**',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  prettier,
)
