import path = require('node:path');
import { OUTCOMES_FILE } from '../../core/outcomes/load';
import { createOutcomesFile } from '../../core/usecases/outcomesFile';
import { printable } from '../../core/util/printable';
import { CliError, command, openRepo, REPO } from '../command';
import { flag, oneOf } from '../options';

/** `init [--from folders|codeowners] [--force]`: writes a first outcomes.yaml and says what it translated. */
export const init = command({
  name: 'init',
  summary: 'write outcomes.yaml: an outcome per top-level folder, or per CODEOWNERS owner (GitHub\'s meaning kept)',
  options: {
    repo: REPO,
    from: oneOf(['folders', 'codeowners'], 'folders: one outcome per top-level folder; codeowners: one per owner in .github/, the root or docs/ (the first found)', 'folders'),
    force: flag('write over an outcomes.yaml that exists'),
  },
  async run(o, _args, io) {
    const repo = await openRepo(o.repo);
    const r = await createOutcomesFile(repo.root, o.from, { repo, force: o.force });
    if ('refused' in r) throw new CliError(r.refused === 'exists' ? `${printable(path.join(repo.root, OUTCOMES_FILE))} exists; --force writes over it` : r.message, 2);
    for (const line of r.report) io.out(`${printable(line)}\n`);
    io.out(`wrote ${printable(r.path)}: ${r.outcomes} outcome${r.outcomes === 1 ? '' : 's'}\n`);
    if (r.codeowners) io.out(`${r.codeowners} exists: \`outcome-lens init --from codeowners --force\` makes one outcome per owner instead\n`);
    return 0;
  },
});
