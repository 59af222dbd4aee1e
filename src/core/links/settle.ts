import { OutcomeMap, PatternEntry } from '../outcomes/model';
import { textRule } from '../outcomes/parse';
import { noteSaysNone } from '../git/outcomeNotes';
import type { RawCommit } from '../git/repo';

/**
 * Work that needs no outcome (DESIGN.md, additions of 2026-12-07): the rules that settle a commit without linking it,
 * and the evidence each ignored commit keeps (`ignoredBy` in `commits --json`, the hover, the text of `commits`).
 */

export const NOTE_EVIDENCE = 'note: needs no outcome';
/** outcomes.yaml needs no outcome by default: it describes the work, it is not work for an outcome. */
export const OUTCOMES_FILE_EVIDENCE = 'outcomes.yaml needs no outcome';
export const IGNORED_FILES_EVIDENCE = 'ignore: every file it changed needs no outcome';
export const NO_FILES_EVIDENCE = 'it changes no file';
/** The pattern that every ignore list starts with: a `!/outcomes.yaml` in `ignore` takes it back; an area that claims it wins as ever. */
export const OUTCOMES_FILE_PATTERN = '/outcomes.yaml';

interface Rule {
  entry: string;
  test: (s: string) => boolean;
}

/** `ignoreAuthors` and `ignoreSubjects` compiled once per outcomes.yaml. */
export class SettleRules {
  private readonly authors: Rule[];
  private readonly subjects: Rule[];
  /** Plain author entries, lower-cased: a Set lookup per commit rather than a loop. */
  private readonly authorTexts = new Map<string, string>();

  constructor(map: Pick<OutcomeMap, 'ignoreAuthors' | 'ignoreSubjects'>) {
    this.authors = [];
    for (const e of map.ignoreAuthors ?? []) {
      const r = textRule(e.pattern);
      if ('re' in r) this.authors.push({ entry: e.pattern, test: s => r.re.test(s) });
      else if ('text' in r && !this.authorTexts.has(r.text.toLowerCase())) this.authorTexts.set(r.text.toLowerCase(), e.pattern);
    }
    this.subjects = (map.ignoreSubjects ?? []).flatMap((e: PatternEntry): Rule[] => {
      const r = textRule(e.pattern);
      if ('re' in r) return [{ entry: e.pattern, test: s => r.re.test(s) }];
      if ('text' in r) return [{ entry: e.pattern, test: s => s.startsWith(r.text) }];
      return [];
    });
  }

  get empty(): boolean {
    return !this.authors.length && !this.subjects.length && !this.authorTexts.size;
  }

  /**
   * Why a commit with no trailer, note or ticket link needs no outcome, by its note or by a rule of outcomes.yaml,
   * or undefined. The note is the commit's own, so it speaks first.
   */
  why(c: Pick<RawCommit, 'author' | 'email' | 'subject'>, note: string | undefined): string | undefined {
    if (note && noteSaysNone(note)) return NOTE_EVIDENCE;
    if (this.authorTexts.size) {
      const hit = this.authorTexts.get(c.author.toLowerCase()) ?? this.authorTexts.get(c.email.toLowerCase());
      if (hit !== undefined) return `ignoreAuthors: ${hit}`;
    }
    for (const r of this.authors) if (r.test(c.author) || r.test(c.email)) return `ignoreAuthors: ${r.entry}`;
    for (const r of this.subjects) if (r.test(c.subject)) return `ignoreSubjects: ${r.entry}`;
    return undefined;
  }
}
