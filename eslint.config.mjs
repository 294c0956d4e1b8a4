// ESLint 9 flat config for the TypeScript sources (npm run lint; npm test runs it too).
// Type-unaware on purpose: typescript-eslint's recommended rules without type information run in
// seconds, and `tsc -b` already type-checks. Formatting is Prettier's (.prettierrc.json); the rules
// added here are the few it leaves open.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // Build output, run products, downloaded data and vendored files: never linted.
    ignores: [
      '**/node_modules/**',
      'dist/**',
      'lib/dist/**',
      'reports/**',
      'results/**',
      'data/**',
      '.cache/**',
      'scratch/**',
      'environment/**',
    ],
  },
  {
    files: ['lib/src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    rules: {
      // Prettier wraps code at 100 columns but never comments; this catches those. Exempt: a line
      // holding a URL, a string, a template literal or a regular expression (a message split over
      // lines can no longer be found by searching for it; Prettier already put it on a line of its
      // own) and the first line of a test, which Prettier keeps whole however long the title.
      'max-len': [
        'error',
        {
          code: 100,
          tabWidth: 2,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          ignorePattern: '^\\s*(test|it|describe)\\(',
        },
      ],
      // `x == null` (null or undefined) is the one loose comparison the code uses on purpose.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      // Unused locals and parameters are tsc's job (noUnusedLocals, noUnusedParameters in
      // tsconfig.base.json); the ESLint rule would report each of them a second time.
      '@typescript-eslint/no-unused-vars': 'off',
      // require() is how the library loads what is optional or heavy only when asked for (the
      // WASM and WebGPU backends, tslab, package.json versions) and ESM-only packages.
      '@typescript-eslint/no-require-imports': 'off',
      // Notebooks, the CLI and the scripts print on purpose (no-console is not in the
      // recommended sets; stated here so nobody adds it).
      'no-console': 'off',
    },
  },
);
