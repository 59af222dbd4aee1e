// Lint: habits the code must keep, checked with type information (DESIGN.md, "Architecture").
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import fs from 'node:fs';

const GIT_ENGINE = ['child_process', 'node:child_process', 'simple-git'];
const requireOf = names => `CallExpression[callee.name='require'][arguments.0.value=/^(${names.join('|')})$/]`;
const ENGINE_PATHS = GIT_ENGINE.map(name => ({ name, message: 'start git through runGit (src/core/git/runner.ts)' }));

// src/core's folders, lowest first: a folder may import only the folders before it, so no two import each other.
const CORE_LAYERS = ['util', 'patterns', 'message', 'git', 'outcomes', 'links', 'keyresults', 'report', 'usecases', 'history'];
const hasCode = dir => fs.readdirSync(new URL(`src/core/${dir}`, import.meta.url), { recursive: true }).some(f => String(f).endsWith('.ts'));
const unplaced = fs.readdirSync(new URL('src/core', import.meta.url), { withFileTypes: true }).filter(d => d.isDirectory() && !CORE_LAYERS.includes(d.name) && hasCode(d.name));
// A new folder has no place until someone gives it one: lint stops rather than let it import anything.
if (unplaced.length) throw new Error(`eslint.config.mjs: put src/core/${unplaced[0].name}/ in CORE_LAYERS, after the folders it imports`);

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
      '@typescript-eslint/no-restricted-imports': ['error', { paths: ENGINE_PATHS }],
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
          ...ENGINE_PATHS,
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
  // The folder layering of src/core (CORE_LAYERS), type imports included, and nothing from outside src/core but package.json.
  ...CORE_LAYERS.map((folder, i, all) => ({
    files: [`src/core/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: `^\\.\\./${i ? `(?!(${all.slice(0, i).join('|')})/)` : ''}[^./][^/]*/`, message: `src/core/${folder}/ may import from ${i ? all.slice(0, i).join(', ') : 'no other folder'} only (CORE_LAYERS in eslint.config.mjs)` },
        { regex: '^\\.\\./\\.\\./(?!\\.\\./package\\.json$)', message: 'src/core imports nothing from outside src/core' },
      ] }],
    },
  })),
  {
    // No module may import itself back through others (the core's folders are layered above; this is per file, everywhere).
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.d.ts', '.js', '.json'] })],
      // the rule reads each imported file's own imports: .ts files are parsed as TypeScript
      'import-x/extensions': ['.ts', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
    },
    rules: { 'import-x/no-cycle': 'error' },
  },
  {
    // Settings are heard in one place, src/vscode/settings.ts, with one configuration listener for every view.
    files: ['src/**/*.ts'],
    ignores: ['src/vscode/settings.ts'],
    rules: {
      'no-restricted-properties': ['error',
        { property: 'onDidChangeConfiguration', message: 'listen through Settings.onDidChange (src/vscode/settings.ts)' },
        { property: 'getConfiguration', message: 'read settings through Settings (src/vscode/settings.ts)' }],
    },
  },
  {
    // The extension host never starts git (the history worker, src/worker.ts, does): from src/core/git it takes types only.
    files: ['src/views/**/*.ts', 'src/vscode/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: ENGINE_PATHS,
        patterns: [{ regex: '(^|/)core/git(/|$)', allowTypeImports: true, message: 'the extension host never starts git: `import type` from src/core/git, and ask the history worker' }],
      }],
    },
  },
  {
    // The dashboard webview's script runs in a browser; the project service types it with src/webview/tsconfig.json
    // (DOM, no Node), and it reaches the extension only through the typed messages.
    files: ['src/webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^(?!\\./|\\.\\./core/report/dashboardMessages$|\\.\\./core/outcomes/formMessages$|@vscode-elements/elements/dist/)', message: 'a webview imports only its own files, its messages (src/core/report/dashboardMessages.ts, src/core/outcomes/formMessages.ts) and @vscode-elements components' }] }],
      'no-restricted-globals': ['error', 'require', 'process', 'Buffer', '__dirname', '__filename', 'module', 'global'],
    },
  },
);
