import { FileLink, Linker } from '../../core/links/link';
import { areaAttribution } from '../../core/patterns/areaAdds';
import { printable } from '../../core/util/printable';
import { command, ListFormat, listWriter, openRepo, REPO, repoLinker } from '../command';
import { flag, oneOf } from '../options';

const FORMATS = ['text', 'json'] as const;

/**
 * A file with, for `--json`, which area of each of its outcomes adds it (the line that adds it after the negations,
 * see areaAdds), as the JSON of `[{"outcome", "pattern", "line"}]` without its brackets: each area's JSON is made
 * once, not once per file.
 */
type FileRow = FileLink & { areasJson?: string };

/** A file in each format: adding one to FORMATS without a row here does not compile. */
const ROWS: Record<(typeof FORMATS)[number], ListFormat<FileRow>> = {
  text: { row: f => `${printable(f.path)}\t${f.outcomes.length ? f.outcomes.join(',') : f.ignored ? '(ignored)' : '(unlinked)'}` },
  json: { row: f => `{"path":${JSON.stringify(f.path)},"outcomes":${JSON.stringify(f.outcomes)},"ignored":${f.ignored},"areas":[${f.areasJson ?? ''}]}`, json: true },
};

/** Each file of a part with the area of each outcome that adds it: counted per area, the numbers of the Outcomes view. */
function withAreas(linker: Linker, part: FileRow[], gitlinks: ReadonlySet<string> | undefined): FileRow[] {
  // (a submodule is matched as the folder it is, as in the whole list: see walkDirectories)
  const paths = Object.assign(part.map(f => f.path), gitlinks ? { gitlinks } : {});
  const areas: (string[] | undefined)[] = new Array(part.length);
  for (const o of linker.map.outcomes) {
    if (!o.areas.length) continue;
    const json = o.areas.map(a => JSON.stringify({ outcome: o.id, pattern: a.pattern, line: a.range.line }));
    // (which files the outcome claims is known from the classification: only its own files are matched again)
    const claimed = new Uint8Array(part.length);
    part.forEach((f, k) => { if (f.outcomes.includes(o.id)) claimed[k] = 1; });
    areaAttribution(o.areas.map(a => a.pattern), paths, linker.options, claimed).forEach((i, k) => { if (i >= 0) (areas[k] ??= []).push(json[i]); });
  }
  part.forEach((f, k) => { f.areasJson = areas[k]?.join(','); });
  return part;
}

/** Every tracked file with its outcomes, in git's order (byte order, as the contract asks). */
export const files = command({
  name: 'files',
  summary: 'every tracked file with its outcomes',
  options: {
    repo: REPO,
    unlinked: flag('only the files no outcome claims and the ignore list leaves (exit 1 when there is one)'),
    format: oneOf(FORMATS, 'text: a line per file, its outcomes after a tab; json: [{"path", "outcomes", "ignored", "areas": [{"outcome", "pattern", "line"}]}]', 'text'),
  },
  async run(o, _args, io) {
    const repo = await openRepo(o.repo);
    // The two git processes (ls-files, config) run at once, and outcomes.yaml is parsed meanwhile.
    const [list, linker] = await Promise.all([repo.trackedFiles(), repoLinker(repo, io)]);
    const out = listWriter(io, ROWS[o.format]);
    // Written a part at a time: a file is classified as it is written, 100k of them are never held twice.
    for (let i = 0; i < list.length; i += 5000) {
      const part = linker.classifyAll(list, i, Math.min(list.length, i + 5000));
      const shown = o.unlinked ? part.filter(f => f.status === 'unlinked') : part;
      out.write(o.format === 'json' ? withAreas(linker, shown, (list as { gitlinks?: ReadonlySet<string> }).gitlinks) : shown);
    }
    const shown = out.end();
    return o.unlinked && shown ? 1 : 0;
  },
});
