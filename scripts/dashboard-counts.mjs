// The dashboard's first paint, timed in one process the way the history worker runs it (modules already loaded, no
// process start): the history service reads the window, links it and makes the dashboard's report; no line counts.
// usage: node scripts/dashboard-counts.mjs REPO SINCE   -> prints {"ms": N, "commits": N}
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
require('../test/unit/register.js'); // loads the TypeScript sources (the same code the extension bundles)
const { RepoHistory } = require('../src/core/history/service.ts');
const { GitRepo } = require('../src/core/git/repo.ts');
const { readOutcomesFile } = require('../src/core/usecases/outcomesFile.ts');
const [repoDir, since] = process.argv.slice(2);
const repo = await GitRepo.find(repoDir);
const map = readOutcomesFile(repo.root).result.map;
await repo.tips(); // warm: simple-git loaded, as in a running worker
const days = (Date.now() - Date.parse(since)) / 86400_000;
const t0 = performance.now();
const service = new RepoHistory(repo.root, {}, map, days);
await service.refresh();
const a = await service.report({ days, bucket: 'week', measure: 'commits', lines: false, defaulted: false, driftThreshold: 0.1, repoName: 'bench' });
console.log(JSON.stringify({ ms: performance.now() - t0, commits: a.commits }));
