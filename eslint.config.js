import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', 'data/', 'coverage/'] },
  js.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-console': ['error', { allow: ['warn', 'error'] }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['src/cli.ts', 'bench/**', 'examples/**', 'bin/**'], rules: { 'no-console': 'off' } },
  // Tests read JSON answers loosely; the assertions are the types.
  { files: ['test/**'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
