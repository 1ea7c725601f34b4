import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'migrations/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
        // node:crypto is pure computation (the audit chain's SHA-256), not the outside world.
        { patterns: [{ regex: '^(?!\\./|node:crypto$)', message: 'src/domain imports only src/domain: no Slack, database, network or clock.' }] },
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
            { group: ['**/slack/**', '@slack/*'], message: 'Services speak data: Slack words and calls live in src/slack, behind the ports of src/services/ports.ts.' },
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
