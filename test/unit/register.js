// Lets mocha load the TypeScript tests directly: esbuild transpiles each .ts file on require (no type-check here;
// `npm run lint` type-checks). Also isolates git from the developer's own configuration.
const { transformSync } = require('esbuild');
const fs = require('fs');
const os = require('os');
const path = require('path');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: 'ts', format: 'cjs', sourcefile: filename, sourcemap: 'inline', target: 'node20',
  });
  module._compile(code, filename);
};

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ol-home-'));
process.env.HOME = home;
process.env.XDG_CONFIG_HOME = path.join(home, '.config');
// The CLI's caches (history, parses, compiled code) go to the throw-away home too.
process.env.XDG_CACHE_HOME = path.join(home, '.cache');
delete process.env.OUTCOME_LENS_CACHE_DIR;
process.env.GIT_CONFIG_NOSYSTEM = '1';
process.env.TZ = 'UTC';

// Tests call the core directly, as the CLI and the worker do after stating trust: the runner refuses until told.
// The same file the tests import (src/core/git/runner.ts), so the same module instance is configured.
require(path.resolve(__dirname, '../../src/core/git/runner.ts')).configureGit({ trusted: () => true });
