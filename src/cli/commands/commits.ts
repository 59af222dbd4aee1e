import { CommitLink, Linker } from '../../core/links/link';
import { unlinkedCommitAnnotation } from '../../core/report/githubAnnotations';
import { printable } from '../../core/util/printable';
import { command, commitJson, explainEmpty, linkedHistory, ListFormat, listWriter, NO_CACHE, openRepo, RANGE, REPO, repoLinker, UNTIL } from '../command';
import { date, flag, oneOf, whole } from '../options';

const FORMATS = ['text', 'json', 'github'] as const;

function textLine(c: CommitLink): string {
  // An area link by a file that moved since says so: the commit changed it under its old path (README, "Renames and moves").
  const links = c.links.map(l => `${l.outcome}(${l.via}${l.renamedFrom === undefined ? '' : `, renamed from ${printable(l.renamedFrom)}`})`).join(' ');
  const invalid = c.invalid.length ? '  invalid: ' + c.invalid.map(printable).join(',') : '';
  const why = c.ignoredBy ? `  (${c.ignoredBy})` : '';
  return `${c.commit.sha.slice(0, 10)} ${c.commit.date.slice(0, 10)} ${c.status.padEnd(8)} ${printable(c.commit.subject)}${links ? '  -> ' + links : ''}${invalid}${why}`;
}

/** A commit in each format: adding one to FORMATS without a row here does not compile. */
const rows = (linker: Linker): Record<(typeof FORMATS)[number], ListFormat<CommitLink>> => ({
  text: { row: textLine },
  json: { row: commitJson, json: true },
  github: { row: c => unlinkedCommitAnnotation(c, linker) },
});

export const commits = command({
  name: 'commits',
  summary: 'commits with their links',
  description: 'Newest first; without --since, --max-count or --range, the whole history',
  options: {
    repo: REPO,
    since: date('start', 'the window\'s start'),
    until: UNTIL,
    maxCount: whole('at most N commits, the newest', 0),
    range: RANGE,
    unlinked: flag('only the unlinked commits (exit 1 when there is one: a CI gate)'),
    format: oneOf(FORMATS, 'text: a line per commit; json: [{"sha", "author", "email", "date", "subject", "links", "invalid", "replaced", "status", "ignoredBy"}]; '
      + 'github: a GitHub Actions warning per unlinked commit', 'text'),
    noCache: NO_CACHE,
  },
  async run(o, _args, io) {
    const q = { since: o.since, until: o.until, maxCount: o.maxCount, range: o.range };
    const repo = await openRepo(o.repo);
    const linker = await repoLinker(repo, io);
    const out = listWriter(io, rows(linker)[o.format]);
    let read = 0;
    // Written a part at a time as the history is linked: for json, the same bytes as one JSON array.
    await linkedHistory(repo, linker, q, o.noCache, part => {
      read += part.length;
      // github: annotations are for the commits a pull request must fix, whatever --unlinked says.
      out.write(o.unlinked || o.format === 'github' ? part.filter(c => c.status === 'unlinked') : part);
    });
    const shown = out.end();
    if (!read) await explainEmpty(repo, q, io);
    return o.unlinked && shown ? 1 : 0;
  },
});
