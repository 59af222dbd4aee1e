// Acceptance check: on a synthetic repository (default 20,000 commits), `outcome-lens commits --json` agrees
// with git's own trailer output for every commit: same commits in the same order, and each commit's trailer
// links plus invalid ids are exactly the ids in `git log --format=%(trailers:key=Outcome,valueonly,unfold)`.
// usage: node scripts/verify-synth.mjs [--commits N]   (npm run verify:synth)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, synthRepo } from './synth.mjs';

const i = process.argv.indexOf('--commits');
const commits = i > 0 ? Number(process.argv[i + 1]) : 20000;
const repo = synthRepo(commits, 5000);
const big = { maxBuffer: 1 << 30, encoding: 'utf8' };
const ours = JSON.parse(execFileSync('node', [join(ROOT, 'dist/cli.js'), 'commits', '--json', '--repo', repo], big));
const gitOut = execFileSync('git', ['-C', repo, 'log', '--no-notes', '--format=%H%x00%(trailers:key=Outcome,valueonly,unfold)%x1e'], big);
const theirs = gitOut.split('\x1e').map(s => s.replace(/^\n/, '')).filter(Boolean).map(rec => {
  const [sha, values] = rec.split('\0');
  const ids = [];
  for (const v of values.split('\n')) for (const p of v.split(',')) { const id = p.trim(); if (id && !ids.includes(id)) ids.push(id); }
  return { sha, ids };
});
let agree = 0, disagree = 0, withTrailer = 0;
if (ours.length !== theirs.length) { console.error(`commit count differs: ours ${ours.length}, git ${theirs.length}`); disagree++; }
for (let k = 0; k < Math.min(ours.length, theirs.length); k++) {
  const o = ours[k], t = theirs[k];
  const ids = [...o.links.filter(l => l.via === 'trailer').map(l => l.outcome), ...o.invalid];
  const same = o.sha === t.sha && ids.length === t.ids.length && t.ids.every(id => ids.includes(id));
  if (t.ids.length) withTrailer++;
  if (same) agree++;
  else { disagree++; if (disagree < 10) console.error(`differs at ${k}: ours ${o.sha} ${JSON.stringify(ids)}, git ${t.sha} ${JSON.stringify(t.ids)}`); }
}
console.log(`verify-synth: ${ours.length} commits compared (${withTrailer} with an Outcome trailer)`);
console.log(`${agree} passed, ${disagree} failed`);
process.exit(disagree ? 1 : 0);
