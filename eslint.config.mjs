// Lint: habits the code must keep, checked with type information (DESIGN.md, "Architecture").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const GIT_ENGINE = ['child_process', 'node:child_process', 'simple-git'];
const requireOf = names => `CallExpression[callee.name='require'][arguments.0.value=/^(${names.join('|')})$/]`;

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tools/**', '.state/**', '.bench/**', '.demo/**', '.vscode-test/**', 'media/**', '**/*.mjs', '**/*.js'] },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise nobody awaits loses its error: await it, or say `void` where dropping it is meant.
      '@typescript-eslint/no-floating-promises': 'error',
      // `import x = require(...)` and lazy `require()` of a heavy module on first use are how this code loads modules.
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // git's output is framed by NUL and other control bytes, which the parsers match on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Every git process starts in src/core/git/runner.ts: nothing else in the product may reach git's engine.
    files: ['src/**/*.ts'],
    ignores: ['src/core/git/runner.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths: GIT_ENGINE.map(name => ({ name, message: 'start git through runGit (src/core/git/runner.ts)' })) }],
      'no-restricted-syntax': ['error', { selector: requireOf(GIT_ENGINE), message: 'start git through runGit (src/core/git/runner.ts)' }, {
        // VS Code renders a notification as markdown: a file name or git's text in it can be a live link.
        selector: "CallExpression[callee.property.name=/^show(Error|Warning|Information)Message$/][arguments.0.type=/^(TemplateLiteral|BinaryExpression)$/]",
        message: 'keep untrusted text out of notifications: a fixed message, the details in the log',
      }],
    },
  },
  {
    // The core is shared with the CLI and runs in plain Node: no VS Code in it.
    files: ['src/core/**/*.ts'],
    ignores: ['src/core/git/runner.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [
          ...GIT_ENGINE.map(name => ({ name, message: 'start git through runGit (src/core/git/runner.ts)' })),
          { name: 'vscode', message: 'src/core is pure: put VS Code code in src/vscode or src/views' },
        ],
      }],
      'no-restricted-syntax': ['error', { selector: requireOf([...GIT_ENGINE, 'vscode']), message: 'src/core is pure and starts git only through runGit' }],
    },
  },
  {
    files: ['src/core/git/runner.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'src/core is pure' }] }] },
  },
);
