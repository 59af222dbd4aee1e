import { OUTCOMES_FILE } from '../../core/outcomes/load';
import { Diagnostic, firstDiagnostics, formatDiagnostic } from '../../core/outcomes/model';
import { patternDiagnostics } from '../../core/outcomes/patternCheck';
import { Linker } from '../../core/links/link';
import { renderSarif } from '../../core/report/sarif';
import { quoted } from '../../core/util/printable';
import { command, Io, linkedHistory, NO_CACHE, openRepo, readOutcomes, REPO } from '../command';
import { oneOf } from '../options';

const FORMATS = ['text', 'json', 'sarif'] as const;
const MAX_SHOWN = 100;
const NOTES = new Set(['too-many-problems', 'patterns-not-checked']);

/** What check found, as each format writes it. */
interface Found {
  diags: Diagnostic[];
  /** For SARIF: every problem, the parser's note replaced by those it stands for; `unlisted`: those it did not keep. */
  every: Diagnostic[];
  unlisted: number;
  errors: number;
  warnings: number;
  invalid: { sha: string; ids: string[] }[];
}

/** Every format check has: adding one to FORMATS without writing it here does not compile. */
const WRITE: Record<(typeof FORMATS)[number], (f: Found, io: Io) => void> = {
  // every problem, as the text output promises; `unlisted`: those past what the parser keeps (code scanning's limit)
  json: (f, io) => io.out(JSON.stringify({ file: OUTCOMES_FILE, errors: f.errors, warnings: f.warnings, diagnostics: f.every, ...(f.unlisted ? { unlisted: f.unlisted } : {}), invalidLinks: f.invalid }, null, 2) + '\n'),
  sarif: (f, io) => io.out(renderSarif({ file: OUTCOMES_FILE, diagnostics: f.every, invalidLinks: f.invalid, unlisted: f.unlisted })),
  text: ({ diags, errors, warnings, invalid }, io) => {
    // a file of 10,000 outcomes can have 10,000 warnings: the log gets the first 100 (errors first), --json all
    // what says that problems are left out or not looked for is always shown
    const first = firstDiagnostics(diags.filter(d => !NOTES.has(d.code ?? '')), MAX_SHOWN);
    for (const d of [...first.shown, ...diags.filter(d => NOTES.has(d.code ?? ''))]) io.err(formatDiagnostic(OUTCOMES_FILE, d));
    if (first.hidden) io.err(`${OUTCOMES_FILE}: ${first.hidden} more problem(s) not shown; --format json lists them all`);
    for (const i of invalid) io.err(`${i.sha.slice(0, 12)}: error: invalid link: ${i.ids.map(quoted).join(', ')} ${i.ids.length > 1 ? 'are not outcome ids' : 'is not an outcome id'} in ${OUTCOMES_FILE}`);
    io.out(`${OUTCOMES_FILE}: ${errors} error(s), ${warnings} warning(s), ${invalid.length} commit(s) with invalid links\n`);
  },
};

export const check = command({
  name: 'check',
  summary: 'validate outcomes.yaml and links',
  description: 'Exit 1 when outcomes.yaml has errors or a commit names an unknown outcome that no note settles; warnings are listed',
  options: {
    repo: REPO,
    format: oneOf(FORMATS, 'text: problems on stderr, a count on stdout; json: every problem; sarif: SARIF 2.1.0 for code scanning', 'text'),
    noCache: NO_CACHE,
  },
  async run(o, _args, io) {
    const repo = await openRepo(o.repo);
    const tracked = repo.trackedFiles();
    tracked.catch(() => undefined); // awaited below, where a failure is reported
    const result = readOutcomes(repo);
    const diags = [...result.diagnostics];
    const invalid: Found['invalid'] = [];
    if (result.map) {
      const linker = await Linker.forRepo(result.map, repo);
      diags.push(...await patternDiagnostics(result.map, await tracked, undefined, linker.options));
      await linkedHistory(repo, linker, {}, o.noCache, part => { for (const c of part) if (c.invalid.length) invalid.push({ sha: c.commit.sha, ids: c.invalid }); });
    } else await tracked; // a git failure is exit 2 whatever the file says
    const byPlace = (a: Diagnostic, b: Diagnostic) => a.line - b.line || a.column - b.column;
    diags.sort(byPlace);
    // the counts are of every problem, also those the parser's list leaves out (its note stands for them)
    const problems = diags.filter(d => d.code !== 'too-many-problems');
    const hidden = result.hidden ?? { errors: 0, warnings: 0 };
    const errors = problems.filter(d => d.severity === 'error').length + hidden.errors;
    const warnings = problems.length - (errors - hidden.errors) + hidden.warnings;
    const every = [...problems, ...result.rest ?? []].sort(byPlace);
    const unlisted = hidden.errors + hidden.warnings - (result.rest?.length ?? 0);
    WRITE[o.format]({ diags, every, unlisted, errors, warnings, invalid }, io);
    // an unsettled invalid link fails CI as an error does (DESIGN.md, "Invalid links"); a note settles it
    return errors || invalid.length ? 1 : 0;
  },
});
