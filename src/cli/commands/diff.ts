import { formatDiagnostic } from '../../core/outcomes/model';
import { DIFF_FORMATS, renderOutcomesDiff } from '../../core/report/outcomesDiff';
import { diffOutcomes, DiffSideError } from '../../core/usecases/diffOutcomes';
import { CliError, command, openRepo, OUT, REPO, writeAnswer } from '../command';
import { oneOf, UsageError } from '../options';

/** What a change to outcomes.yaml means (DESIGN.md, `outcome-lens diff`). */
export const diff = command({
  name: 'diff',
  summary: 'what a change to outcomes.yaml means: renames, budgets, key results, files that change hands',
  description: 'A..B compares commit A with commit B, A...B their merge base with B (as a pull request shows it), A alone commit A with the '
    + 'working tree; without one, the merge base of HEAD with the default branch (origin/HEAD, main or master) with the working tree',
  args: '[A..B]',
  options: {
    repo: REPO,
    format: oneOf(DIFF_FORMATS, 'text: lines for a terminal; md: for a pull request comment or job summary; json: the whole diff', 'text'),
    out: OUT,
  },
  async run(o, args, io) {
    if (args.length > 1) throw new UsageError(`takes one A..B, not ${args.length} arguments`);
    const repo = await openRepo(o.repo);
    try {
      const d = await diffOutcomes(repo, { spec: args[0] });
      return await writeAnswer(renderOutcomesDiff(o.format, d), o.out, io);
    } catch (e) {
      if (!(e instanceof DiffSideError)) throw e;
      for (const x of e.diagnostics) if (x.severity === 'error') io.err(formatDiagnostic(e.file, x));
      throw new CliError(`${e.file} has errors; the diff needs both sides to parse`, 1);
    }
  },
});
