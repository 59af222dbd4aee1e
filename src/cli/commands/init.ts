import { promises as fs } from 'node:fs';
import path = require('node:path');
import { findCodeowners, initOutcomes } from '../../core/outcomes/init';
import { OUTCOMES_FILE } from '../../core/outcomes/load';
import { parseOutcomes } from '../../core/outcomes/parse';
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
    const file = path.join(repo.root, OUTCOMES_FILE);
    if (!v.force && await fs.stat(file).then(() => true, () => false)) throw new CliError(`${printable(file)} exists; --force writes over it`, 2);
    const codeowners = await findCodeowners(repo.root);
    if (from === 'codeowners' && !codeowners) throw new CliError('no CODEOWNERS file: GitHub reads .github/CODEOWNERS, CODEOWNERS or docs/CODEOWNERS', 2);
    const r = await initOutcomes(repo, from);
    // What is written must be a file the rest of the tool can use; anything else is a bug here.
    const parsed = parseOutcomes(r.text);
    if (!parsed.map) throw new Error(`the written outcomes.yaml would have errors: ${parsed.diagnostics.find(d => d.severity === 'error')?.message}`);
    await fs.writeFile(file, r.text);
    for (const line of r.report) io.out(`${printable(line)}\n`);
    io.out(`wrote ${printable(file)}: ${r.outcomes} outcome${r.outcomes === 1 ? '' : 's'}\n`);
    if (from === 'folders' && codeowners) io.out(`${codeowners.source} exists: \`outcome-lens init --from codeowners --force\` makes one outcome per owner instead\n`);
    return 0;
  },
};
