// ESLint (typescript-eslint's recommended rules) over the TypeScript and scripts of the
// repository. assembly/ is AssemblyScript (decorators TypeScript does not parse): asc checks it.
// The generated client types are left as openapi-typescript writes them.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'assembly/**', 'src/http/client/openapi-types.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // `_` marks what is unused on purpose; a rest sibling drops the fields it names.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // A `let` assigned once but read by a closure before that (the host's keeper) stays a let.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
);
