// Lint: type-check everything (strict), and keep src/core free of 'vscode' so the CLI and the unit tests
// can run it in plain Node (DESIGN.md, Architecture).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

let problems = 0;
const walk = d => readdirSync(d).flatMap(n => { const p = join(d, n); return statSync(p).isDirectory() ? walk(p) : [p]; });
const VSCODE_IMPORT = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;
for (const f of walk('src/core').filter(f => f.endsWith('.ts'))) {
  readFileSync(f, 'utf8').split('\n').forEach((line, i) => {
    if (VSCODE_IMPORT.test(line)) { console.error(`${f}:${i + 1}: src/core must not import 'vscode' (keep the core pure; put this in src/vscode or src/views)`); problems++; }
  });
}
try {
  execFileSync('npx', ['tsc', '-p', '.'], { stdio: 'inherit' });
} catch {
  problems++;
}
if (problems) { console.error(`lint: ${problems} problem(s)`); process.exit(1); }
console.log('lint: ok');
