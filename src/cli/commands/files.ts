import { FileLink, Linker } from '../../core/links/link';
import { areaAttribution, positiveLines } from '../../core/patterns/areaAdds';
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
  // Per outcome, each area's JSON (made once) and, when its list has one positive line, that line's: every file the
  // outcome claims is then added by that line, and needs no matching (see areaAttribution).
  const byId = new Map<string, { json: string[]; only?: string; of?: Int32Array }>();
  const several: { o: (typeof linker.map.outcomes)[number]; claimed: Uint8Array }[] = [];
  for (const o of linker.map.outcomes) {
    if (!o.areas.length) continue;
    const json = o.areas.map(a => JSON.stringify({ outcome: o.id, pattern: a.pattern, line: a.range.line }));
    const positive = positiveLines(o.areas.map(a => a.pattern));
    byId.set(o.id, { json, only: positive.length === 1 ? json[positive[0]] : undefined });
    if (positive.length > 1) several.push({ o, claimed: new Uint8Array(part.length) });
  }
  if (several.length) {
    // (which files an outcome claims is known from the classification: only its own files are matched again)
    const index = new Map(several.map((s, n) => [s.o.id, n]));
    part.forEach((f, k) => { for (const id of f.outcomes) { const n = index.get(id); if (n !== undefined) several[n].claimed[k] = 1; } });
    const paths = Object.assign(part.map(f => f.path), gitlinks ? { gitlinks } : {});
    for (const { o, claimed } of several) byId.get(o.id)!.of = areaAttribution(o.areas.map(a => a.pattern), paths, linker.options, claimed);
  }
  // Files under the same folders share one outcomes array (see Linker): when each of its outcomes has one positive
  // line, its JSON is made once for all of them.
  const shared = new Map<readonly string[], string>();
  part.forEach((f, k) => {
    const memo = shared.get(f.outcomes);
    if (memo !== undefined) { f.areasJson = memo; return; }
    let json = '', fixed = true;
    for (const id of f.outcomes) {
      const a = byId.get(id);
      if (!a) continue;
      const i = a.of?.[k] ?? -1;
      const one = a.only ?? (i >= 0 ? a.json[i] : undefined);
      if (!a.only) fixed = false;
      if (one !== undefined) json += json ? `,${one}` : one;
    }
    f.areasJson = json || undefined;
    if (fixed) shared.set(f.outcomes, json);
  });
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
