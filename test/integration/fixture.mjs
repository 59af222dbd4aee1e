// The fixture repository the integration tests run against: outcomes, linked and unlinked work, an ignored
// vendor folder, an invalid trailer id, a note. Dates are fixed relative to today so that they fall inside
// the default 90-day history window whatever day the tests run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const OUTCOMES_YAML = `# Fixture outcomes (a comment that must survive edits)
version: 1
ignore:
  - vendor/
outcomes:
  - id: checkout-conversion
    title: Raise checkout conversion to 4%
    owner: "@payments"
    link: https://okr.example.com/objectives/42
    metrics:
      - name: Checkout conversion
        baseline: 3.1%
        target: 4%
        current: 3.4%
    areas:
      - services/checkout/
    tickets:
      - PAY-
  - id: search-latency
    title: Cut search p95 to 200 ms
    owner: "@search"
    areas:
      - services/search/
`;

export function makeFixture(dir, { commits = true } = {}) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const day = 86400_000;
  let n = 0;
  const env = () => {
    const d = new Date(Math.floor(Date.now() / day) * day - (30 - n) * day).toISOString();
    return { ...process.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
  };
  const git = (...args) => execFileSync('git', args, { cwd: dir, env: env(), encoding: 'utf8' });
  const write = (f, text = `// ${f}\nexport const x = 1;\n`) => { fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true }); fs.writeFileSync(path.join(dir, f), text); };
  const commit = (msg, author = 'Ada Lovelace <ada@example.com>') => { git('add', '-A'); git('commit', '-q', '--no-verify', `--author=${author}`, '-m', msg); n++; };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Fixture'); git('config', 'user.email', 'fixture@example.com'); git('config', 'commit.gpgsign', 'false');
  write('outcomes.yaml', OUTCOMES_YAML);
  write('README.md', '# Shop\n');
  commit('Initial commit');
  if (!commits) return dir;
  write('services/checkout/pay.ts', 'export function pay(amount: number) {\n  return amount;\n}\n');
  commit('Add payment step\n\nOutcome: checkout-conversion');
  write('services/search/query.ts');
  commit('Faster query parsing', 'Grace Hopper <grace@example.com>');
  write('libs/util/strings.ts'); write('libs/util/dates.ts'); write('tools/build.sh', 'echo build\n');
  commit('Add utilities <script>alert(1)</script>', 'Mallory **Bold** <m@example.com>');
  write('vendor/lib.js');
  commit('Vendor a library');
  write('docs/guide.md');
  commit('Write the guide\n\nOutcome: no-such-outcome');
  write('services/checkout/cart.ts');
  commit('Cart fixes for PAY-42');
  // Linked by its area; with `trailer: Tag` in outcomes.yaml, by its trailer too.
  write('services/search/rank.ts');
  commit('Rank search results\n\nTag: search-latency', 'Grace Hopper <grace@example.com>');
  return dir;
}

/**
 * The fixture with planning on top (the dashboard's suite and UI check): outcomes.yaml gains budgets (checkout 50%,
 * search 20%) and is then changed three more times, moving the key results: checkout conversion 3.4% (the fixture's)
 * -> 3.5% -> 3.7% -> 3.9%, search p95 310ms -> "measuring" (a text event) -> 260ms. outcomes.yaml joins `ignore`,
 * so these commits are ignored work and the fixture's counts stay: 4 linked, 3 unlinked.
 */
export const PLANNED_VALUES = [
  { daysAgo: 20, checkout: '3.5%', search: '310ms' },
  { daysAgo: 12, checkout: '3.7%', search: 'measuring' },
  { daysAgo: 5, checkout: '3.9%', search: '260ms' },
];

export function plannedOutcomes(checkout, search) {
  return OUTCOMES_YAML
    .replace('  - vendor/\n', '  - vendor/\n  - outcomes.yaml\n')
    .replace('    owner: "@payments"\n', '    owner: "@payments"\n    budget: 50%\n')
    .replace('current: 3.4%', `current: ${checkout}`)
    .replace('    owner: "@search"\n', `    owner: "@search"\n    budget: 20%\n    metrics:\n      - name: Search p95\n        baseline: 400ms\n        target: 200ms\n        current: ${search}\n`);
}

export function planFixture(dir) {
  const day = 86400_000;
  for (const v of PLANNED_VALUES) {
    const d = new Date(Math.floor(Date.now() / day) * day - v.daysAgo * day + 3600_000).toISOString();
    const env = { ...process.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
    fs.writeFileSync(path.join(dir, 'outcomes.yaml'), plannedOutcomes(v.checkout, v.search));
    execFileSync('git', ['commit', '-q', '--no-verify', '-a', '--author=Ada Lovelace <ada@example.com>', '-m', `Key results: checkout ${v.checkout}, search ${v.search}`], { cwd: dir, env });
  }
  return dir;
}

/**
 * A repository as a new user brings it (the walkthrough's check): work of the last weeks in a few folders, no
 * outcomes.yaml, no trailer, no note. Dates fixed relative to today, inside the default window.
 */
export function firstHourFixture(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const day = 86400_000;
  let n = 0;
  const git = (...args) => {
    const d = new Date(Math.floor(Date.now() / day) * day - (20 - n) * day).toISOString();
    return execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d, GIT_CONFIG_NOSYSTEM: '1', HOME: dir }, encoding: 'utf8' });
  };
  const commit = (file, msg) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), `// ${file}\nexport const x = ${n};\n`);
    git('add', '-A'); git('commit', '-q', '--no-verify', '--author=Ada Lovelace <ada@example.com>', '-m', msg); n++;
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Fixture'); git('config', 'user.email', 'fixture@example.com'); git('config', 'commit.gpgsign', 'false');
  commit('README.md', 'Initial commit');
  commit('checkout/pay.ts', 'Add payment step');
  commit('search/query.ts', 'Faster query parsing');
  commit('libs/strings.ts', 'Add utilities');
  return dir;
}

/**
 * The demo repository (npm run demo): the fixture with planning, so that it shows every feature the README
 * advertises: budgets with a drift past the threshold (checkout: 22% of the effort, budget 50%; search 44%, budget
 * 20%), a key result with four points, and an unlinked folder with a suggestion (libs/ranking/ changed with
 * services/search/ in 2 of 2 commits).
 */
export function demoFixture(dir) {
  planFixture(makeFixture(dir));
  const day = 86400_000;
  const work = [
    { daysAgo: 3, files: ['services/search/rank.ts', 'libs/ranking/score.ts'], msg: 'Score results by recency' },
    { daysAgo: 2, files: ['services/search/query.ts', 'libs/ranking/boost.ts'], msg: 'Boost exact matches' },
  ];
  for (const w of work) {
    const d = new Date(Math.floor(Date.now() / day) * day - w.daysAgo * day + 7200_000).toISOString();
    for (const f of w.files) { fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true }); fs.appendFileSync(path.join(dir, f), `// ${w.msg}\n`); }
    const env = { ...process.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d, GIT_CONFIG_NOSYSTEM: '1', HOME: dir };
    execFileSync('git', ['add', '-A'], { cwd: dir, env });
    execFileSync('git', ['commit', '-q', '--no-verify', '--author=Ada Lovelace <ada@example.com>', '-m', w.msg], { cwd: dir, env });
  }
  return dir;
}

// (last: it uses every builder above)
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const dir = path.resolve(process.argv[2] || '.state/fixture');
  console.log(process.argv.includes('--demo') ? demoFixture(dir) : makeFixture(dir));
}

/**
 * A folder move on top of the fixture (the renames pass): a search plugin made in plugins/search/ (no outcome's area
 * then), changed there, then moved with `git mv` into services/search/plugin/ (search-latency's area today): the
 * rename rule links all three to search-latency. Dated 3 to 1 days ago, after the fixture's commits.
 */
export function renamesFixture(dir) {
  const day = 86400_000;
  const at = daysAgo => { const d = new Date(Math.floor(Date.now() / day) * day - daysAgo * day + 3600_000).toISOString(); return { ...process.env, GIT_AUTHOR_DATE: d, GIT_COMMITTER_DATE: d, GIT_CONFIG_NOSYSTEM: '1', HOME: dir }; };
  const git = (daysAgo, ...args) => execFileSync('git', args, { cwd: dir, env: at(daysAgo), encoding: 'utf8' });
  fs.mkdirSync(path.join(dir, 'plugins/search'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'plugins/search/index.ts'), 'export const plugin = 1;\nexport const version = 1;\n');
  git(3, 'add', '-A'); git(3, 'commit', '-q', '--no-verify', '--author=Ada Lovelace <ada@example.com>', '-m', 'Add the search plugin');
  fs.writeFileSync(path.join(dir, 'plugins/search/index.ts'), 'export const plugin = 1;\nexport const version = 2;\n');
  git(2, 'add', '-A'); git(2, 'commit', '-q', '--no-verify', '--author=Ada Lovelace <ada@example.com>', '-m', 'Bump the search plugin');
  fs.mkdirSync(path.join(dir, 'services/search'), { recursive: true });
  git(1, 'mv', 'plugins/search', 'services/search/plugin');
  git(1, 'commit', '-q', '--no-verify', '--author=Ada Lovelace <ada@example.com>', '-m', 'Move the search plugin into services/search');
}
