// The dashboard's first paint, timed in one process the way the extension host runs it (modules already
// loaded, no process start): window commits read by name only, linked, allocated; no line counts.
// usage: node scripts/dashboard-counts.mjs REPO SINCE   -> prints {"ms": N, "commits": N}
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
require('../test/unit/register.js'); // loads the TypeScript sources (the same code the extension bundles)
const { GitRepo } = require('../src/core/git/repo.ts');
const { loadOutcomes } = require('../src/core/outcomes/load.ts');
const { Linker } = require('../src/core/links/link.ts');
const { allocate } = require('../src/core/links/allocation.ts');
const [repoDir, since] = process.argv.slice(2);
const repo = await GitRepo.find(repoDir);
const map = (await loadOutcomes(repo.root)).result.map;
await repo.revList({ maxCount: 1 }); // warm: simple-git loaded, as in a running host
const t0 = performance.now();
const [shas, tips] = await Promise.all([repo.revList({ since }), repo.tips()]);
const linker = new Linker(map);
const links = (await repo.readCommits(shas, linker.trailerKey, undefined, undefined, tips.notes ?? null)).map(c => linker.commit(c));
const a = allocate(links, map.outcomes.map(o => o.id), 'week', { since });
console.log(JSON.stringify({ ms: performance.now() - t0, commits: a.commits }));
