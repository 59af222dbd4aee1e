import type { CommitLink, Linker } from '../links/link';
import { printable } from '../util/printable';

/**
 * GitHub Actions workflow commands (`::warning file=...,title=...::message`), escaped as the runner unescapes them:
 * in the message `%`, CR and LF; in a property also `:` and `,`, which would otherwise end the property. Other
 * control characters are neutralised like every other line the CLI prints (see printable).
 */
export function escapeData(s: string): string {
  return printable(s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A'));
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Whether a path can be named in a `file=` property exactly: the runner splits properties only at `,`, `=` and `::`
 * and unescapes `%25 %0D %0A %3A %2C`, so a TAB (harmless in a log) is written as it is; any other control
 * character would reach the log raw or be neutralised into a name no file has (see printable).
 */
export function nameableFile(path: string): boolean {
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(path);
}

/** A path as the value of a `file=` property: escaped as the runner unescapes it, a TAB kept (see nameableFile). */
export function escapeFile(path: string): string {
  return path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** One workflow command: `::<kind> k=v,k=v::message`. */
export function workflowCommand(kind: 'error' | 'warning' | 'notice', props: Record<string, string | undefined>, message: string): string {
  const p = Object.entries(props).filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${k === 'file' && nameableFile(v!) ? escapeFile(v!) : escapeProperty(v!)}`).join(',');
  return `::${kind}${p ? ' ' + p : ''}::${escapeData(message)}`;
}

/**
 * The annotation of an unlinked commit, on the first file it changed that no outcome claims (so it shows on that
 * file in the pull request's diff), saying how to link it.
 */
export function unlinkedCommitAnnotation(c: CommitLink, linker: Linker): string {
  const m = c.commit;
  // (a path no `file=` can name exactly is passed over: an annotation on no file beats one on a file that is not there)
  const file = m.files.find(f => { const l = linker.file(f); return !l.outcomes.length && !l.ignored && nameableFile(f); });
  const invalid = c.invalid.length ? ` Its ${linker.trailerKey} trailer or note names ${c.invalid.map(i => JSON.stringify(i)).join(', ')}, which outcomes.yaml does not define.` : '';
  return workflowCommand('warning', { file, title: 'Unlinked commit' },
    `${m.sha.slice(0, 10)} "${m.subject}" by ${m.author} serves no outcome in outcomes.yaml.${invalid} Link it with an "${linker.trailerKey}: <id>" trailer, a note under refs/notes/outcomes, or an area in outcomes.yaml.`);
}
