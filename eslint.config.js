import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'migrations/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // Type-aware rules on the code that ships (src/, db/): promises awaited, no `any` leaking through, no needless
  // assertions. Tests and benches keep the syntactic rules: they poke at payloads on purpose, and linting them with
  // types would double the time of `npm test`.
  ...tseslint.configs.recommendedTypeChecked.map((config) => ({ ...config, files: ['src/**/*.ts', 'db/**/*.ts'] })),
  {
    files: ['src/**/*.ts', 'db/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // The Store is async at its interface so that a PostgreSQL store fits; the SQLite one answers synchronously.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  // The layers (docs/ARCHITECTURE.md): the domain is pure and imports only itself; the use-cases and what runs
  // them without a person (scheduler, record) never reach for Slack, which sits above them behind ports.
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'src/domain imports only src/domain: no Slack, database, network or clock.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/services/**/*.ts', 'src/scheduler/**/*.ts', 'src/record/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/slack/**', '@slack/*'],
              message:
                'Services speak data: Slack words and calls live in src/slack, behind the ports of src/services/ports.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/cli.ts', 'src/cli/**', 'bench/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
);
