import { allocate } from '../links/allocation';
import { isMerge, type CommitLink, type Linker } from '../links/link';
import { mdText } from './markdown';

/** Unlinked commits, and files per outcome, listed before "and N more": the summary must fit a pull-request comment. */
export const LIST_MAX = 10;

export interface PrSummaryInput {
  linker: Linker;
  /** The range's commits, newest first, as `commits --range` lists them. */
  links: readonly CommitLink[];
  range: string;
}

const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** GitHub links a bare commit id in a comment to the commit. */
const short = (sha: string) => sha.slice(0, 10);

function listed(items: readonly string[], more: (n: number) => string): string[] {
  const out = items.slice(0, LIST_MAX).map(s => `- ${s}`);
  if (items.length > LIST_MAX) out.push(`- ${more(items.length - LIST_MAX)}`);
  return out;
}

/**
 * What a branch serves, as Markdown for a pull-request comment or a job summary (`report --range A..B --format md`):
 * per outcome the commits linked to it and the changed files its areas claim, the unlinked commits (at most
 * LIST_MAX, with the total), commits naming unknown outcomes, and the alignment share as `report` computes it.
 * Merge commits are left out (the merge rule: their work is in the commits they bring). Every untrusted string is
 * escaped for Markdown.
 */
export function renderPrSummary({ linker, links, range }: PrSummaryInput): string {
  const map = linker.map;
  const counted = links.filter(l => !isMerge(l.commit));
  const a = allocate(counted, map.outcomes.map(o => o.id), 'week');
  const commitsOf = new Map<string, number>();
  const filesOf = new Map<string, Set<string>>();
  const unclaimed = new Set<string>();
  for (const l of counted) {
    for (const id of l.outcomes) commitsOf.set(id, (commitsOf.get(id) ?? 0) + 1);
    for (const f of l.commit.files) {
      const fl = linker.file(f);
      for (const id of fl.outcomes) (filesOf.get(id) ?? filesOf.set(id, new Set()).get(id)!).add(f);
      if (!fl.outcomes.length && !fl.ignored) unclaimed.add(f);
    }
  }
  const unlinked = counted.filter(l => l.status === 'unlinked');
  const ignored = counted.filter(l => l.status === 'ignored').length;
  const needing = counted.length - ignored;
  const out = [`## Outcome Lens: ${mdText(range)}`, ''];
  if (!counted.length) {
    out.push(`No commits in this range${links.length ? ' other than merges' : ''}.`);
    return out.join('\n') + '\n';
  }
  out.push(`**${plural(counted.length, 'commit')}** (merges left out)${ignored ? `, ${ignored} of them needing no outcome (only ignored files)` : ''}. `
    + `**Alignment: ${pct(a.alignment)}**: ${needing - unlinked.length} of the ${plural(needing, 'commit')} that need an outcome ${needing - unlinked.length === 1 ? 'serves' : 'serve'} one.`, '');
  const touched = map.outcomes.filter(o => commitsOf.has(o.id) || filesOf.has(o.id));
  out.push('| Outcome | Commits | Files changed |', '| --- | ---: | ---: |');
  for (const o of touched) out.push(`| ${mdText(o.title)} (\`${o.id}\`) | ${commitsOf.get(o.id) ?? 0} | ${filesOf.get(o.id)?.size ?? 0} |`);
  if (unlinked.length || unclaimed.size) out.push(`| No outcome | ${unlinked.length} | ${unclaimed.size} |`);
  if (!touched.length && !unlinked.length && !unclaimed.size) out.push('| No outcome touched | 0 | 0 |');
  const fileLists = [...touched.filter(o => filesOf.has(o.id)).map(o => [`\`${o.id}\``, [...filesOf.get(o.id)!].sort()] as const),
    ...(unclaimed.size ? [['no outcome', [...unclaimed].sort()] as const] : [])];
  if (fileLists.length) {
    out.push('', '<details><summary>Files changed, by outcome</summary>', '');
    for (const [name, files] of fileLists) {
      out.push(`**${name}**`, '', ...listed(files.map(mdText), n => `and ${plural(n, 'more file')}`), '');
    }
    out.push('</details>');
  }
  if (unlinked.length) {
    out.push('', `### ${plural(unlinked.length, 'unlinked commit')}`, '',
      ...listed(unlinked.map(l => `${short(l.commit.sha)} ${mdText(l.commit.author)}: ${mdText(l.commit.subject)}`),
        n => `and ${n} more: \`outcome-lens commits --unlinked\` with the same \`--range\` lists them all`),
      '', `Link a commit with an \`${map.trailer}: <id>\` trailer, a note under \`refs/notes/outcomes\`, or an area in \`outcomes.yaml\`.`);
  }
  const invalid = counted.filter(l => l.invalid.length);
  if (invalid.length) {
    out.push('', `### ${plural(invalid.length, 'commit')} naming an outcome that outcomes.yaml does not define`, '',
      ...listed(invalid.map(l => `${short(l.commit.sha)} names ${l.invalid.map(i => `"${mdText(i)}"`).join(', ')}`), n => `and ${n} more`));
  }
  return out.join('\n') + '\n';
}
