import { loadOutcomes, OUTCOMES_FILE } from '../../core/outcomes/load';
import { formatDiagnostic } from '../../core/outcomes/model';
import { patternDiagnostics } from '../../core/outcomes/patternCheck';
import { Linker } from '../../core/links/link';
import { renderSarif } from '../../core/report/sarif';
import { quoted } from '../../core/util/printable';
import { CliError, Command, formatOf, linkedHistory, openRepo } from '../command';

const FORMATS = ['text', 'json', 'sarif'];

export const check: Command = {
  name: 'check',
  usage: `[--repo DIR] [--format text|json|sarif] [--json]
                                                               validate outcomes.yaml and links`,
  options: { repo: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' }, 'no-cache': { type: 'boolean' } },
  async run(v, _p, io) {
    const format = formatOf(v, FORMATS);
    const repo = await openRepo(v);
    const tracked = repo.trackedFiles();
    tracked.catch(() => undefined); // awaited below, where a failure is reported
    const loaded = await loadOutcomes(repo.root);
    if (!loaded.exists) throw new CliError(`no ${OUTCOMES_FILE} at ${repo.root}`, 2);
    const diags = [...loaded.result.diagnostics];
    const invalid: { sha: string; ids: string[] }[] = [];
    if (loaded.result.map) {
      diags.push(...await patternDiagnostics(loaded.result.map, await tracked));
      const linker = new Linker(loaded.result.map);
      await linkedHistory(repo, linker, {}, v, part => { for (const c of part) if (c.invalid.length) invalid.push({ sha: c.commit.sha, ids: c.invalid }); });
    } else await tracked; // a git failure is exit 2 whatever the file says
    diags.sort((a, b) => a.line - b.line || a.column - b.column);
    const errors = diags.filter(d => d.severity === 'error').length;
    if (format === 'json') io.out(JSON.stringify({ file: OUTCOMES_FILE, errors, warnings: diags.length - errors, diagnostics: diags, invalidLinks: invalid }, null, 2) + '\n');
    else if (format === 'sarif') io.out(renderSarif({ file: OUTCOMES_FILE, diagnostics: diags, invalidLinks: invalid }));
    else {
      for (const d of diags) io.err(formatDiagnostic(OUTCOMES_FILE, d));
      for (const i of invalid) io.err(`${i.sha.slice(0, 12)}: warning: invalid link: ${i.ids.map(quoted).join(', ')} ${i.ids.length > 1 ? 'are not outcome ids' : 'is not an outcome id'} in ${OUTCOMES_FILE}`);
      io.out(`${OUTCOMES_FILE}: ${errors} error(s), ${diags.length - errors} warning(s), ${invalid.length} commit(s) with invalid links\n`);
    }
    return errors ? 1 : 0;
  },
};
