// One lint setup for the monorepo: typescript-eslint's type-checked recommended rules.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

module.exports = tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      'clients/operations/src/generated/**',
      '**/test-results/**',
      '**/dist/**',
      '.data/**',
      '**/jest.*.js',
      '**/jest.config.js',
      'eslint.config.js',
      '**/babel.config.js',
      '**/metro.config.js',
      // A graphql-codegen plugin, loaded by codegen as CommonJS like the configs above.
      'clients/operations/persistedDocuments.cjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: __dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // react-native-web drops accessibilityState and accessibilityValue (only `disabled` survives),
    // so a checked option or a progress value would be invisible to the web export's screen
    // readers; the aria-* props reach both the native accessibility APIs and the DOM.
    files: ['clients/mobile/src/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'JSXAttribute[name.name=/^accessibility(State|Value)$/]',
          message:
            'Use the aria-* props (aria-checked, aria-selected, aria-busy, aria-valuenow…): react-native-web drops this one.',
        },
      ],
    },
  },
  {
    // Tests and benchmarks read GraphQL JSON responses, which are untyped by nature; they assert
    // exact values instead. Production code keeps the full type-checked rule set.
    files: ['**/test/**', '**/*.test.ts', '**/bench/**'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
