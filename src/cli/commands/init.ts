import path = require('node:path');
import { OUTCOMES_FILE } from '../../core/outcomes/load';
import { createOutcomesFile } from '../../core/usecases/outcomesFile';
import { printable, quoted } from '../../core/util/printable';
import { CliError, Command, openRepo, str } from '../command';

/** `init [--from folders|codeowners] [--force]`: writes a first outcomes.yaml and says what it translated. */
export const init: Command = {
  name: 'init',
  usage: `[--repo DIR] [--from folders|codeowners] [--force]
                                                               write outcomes.yaml: an outcome per top-level folder,
                                                               or per CODEOWNERS owner (GitHub's meaning kept)`,
  options: { repo: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean' } },
  async run(v, _p, io) {
    const from = str(v, 'from') ?? 'folders';
    if (from !== 'folders' && from !== 'codeowners') throw new CliError(`--from must be folders or codeowners, not ${quoted(from)}`, 2);
    const repo = await openRepo(v);
    const r = await createOutcomesFile(repo.root, from, { repo, force: !!v.force });
    if ('refused' in r) throw new CliError(r.refused === 'exists' ? `${printable(path.join(repo.root, OUTCOMES_FILE))} exists; --force writes over it` : r.message, 2);
    for (const line of r.report) io.out(`${printable(line)}\n`);
    io.out(`wrote ${printable(r.path)}: ${r.outcomes} outcome${r.outcomes === 1 ? '' : 's'}\n`);
    if (r.codeowners) io.out(`${r.codeowners} exists: \`outcome-lens init --from codeowners --force\` makes one outcome per owner instead\n`);
    return 0;
  },
};
