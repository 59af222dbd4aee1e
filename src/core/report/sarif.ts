import type { Diagnostic, Severity } from '../outcomes/model';

/** Where code scanning links the tool and its rules: the repository package.json names. */
const INFO_URI = 'https://example.invalid/outcome-lens';

/**
 * Every kind of problem `check` reports, by the `code` its diagnostics carry: SARIF's rule ids, stable across
 * versions so that code scanning keeps an alert open (or closes it) rather than seeing a new one each run.
 */
export const RULES: Record<string, { level: Severity; text: string }> = {
  'yaml-syntax': { level: 'error', text: 'outcomes.yaml is not valid YAML' },
  'yaml-warning': { level: 'warning', text: 'YAML that is valid but probably not meant' },
  'duplicate-key': { level: 'error', text: 'A key appears twice in one mapping' },
  'not-utf8': { level: 'error', text: 'outcomes.yaml is not UTF-8' },
  'not-a-file': { level: 'error', text: 'outcomes.yaml is not a regular file' },
  'too-large': { level: 'error', text: 'outcomes.yaml is larger than 1 MiB' },
  unreadable: { level: 'error', text: 'outcomes.yaml cannot be read' },
  'too-many-problems': { level: 'error', text: 'More problems than are shown' },
  'empty-file': { level: 'error', text: 'outcomes.yaml is empty' },
  'not-a-mapping': { level: 'error', text: 'outcomes.yaml is not a mapping' },
  'alias-expansion': { level: 'error', text: 'Too many YAML aliases expanded' },
  'missing-version': { level: 'error', text: 'No `version: 1`' },
  'bad-version': { level: 'error', text: 'An unknown file format version' },
  'bad-trailer-key': { level: 'error', text: 'The trailer key is not a git trailer key' },
  'missing-outcomes': { level: 'error', text: 'No `outcomes:` list' },
  'wrong-type': { level: 'error', text: 'A value of the wrong type' },
  'missing-id': { level: 'error', text: 'An outcome without an id' },
  'bad-id': { level: 'error', text: 'A malformed outcome id' },
  'duplicate-id': { level: 'error', text: 'Two outcomes with one id' },
  'missing-title': { level: 'error', text: 'An outcome without a title' },
  'empty-title': { level: 'error', text: 'An empty title' },
  'unknown-status': { level: 'error', text: 'An unknown status' },
  'bad-link': { level: 'error', text: 'A link that is not http(s)' },
  'missing-key-result-name': { level: 'error', text: 'A key result without a name' },
  'empty-pattern': { level: 'error', text: 'An empty pattern or ticket prefix' },
  'bad-key': { level: 'error', text: 'A key that is not a plain name' },
  'unknown-key': { level: 'warning', text: 'An unknown key (ignored)' },
  'no-areas-or-tickets': { level: 'warning', text: 'An outcome with neither areas nor tickets' },
  'comment-pattern': { level: 'warning', text: 'A pattern that is a comment in .gitignore syntax' },
  'pattern-matches-nothing': { level: 'warning', text: 'A pattern that matches no tracked file' },
  'pattern-shadowed': { level: 'warning', text: 'A pattern shadowed by the ones above it' },
  'negation-no-effect': { level: 'warning', text: 'A negation that takes nothing away' },
  'invalid-link': { level: 'warning', text: 'A commit trailer or note names an id outcomes.yaml does not define' },
  /** A diagnostic without a code (none should be): still a result, never dropped. */
  other: { level: 'warning', text: 'A problem in outcomes.yaml' },
};

export interface SarifInput {
  /** outcomes.yaml's path relative to the repository root, with `/`. */
  file: string;
  diagnostics: readonly Diagnostic[];
  invalidLinks: readonly { sha: string; ids: string[] }[];
}

const ruleOf = (d: Diagnostic) => (d.code && RULES[d.code] ? d.code : 'other');

/**
 * `check --format sarif`: SARIF 2.1.0 with one run, one result per diagnostic at its region, and one per commit
 * whose trailer or note names an unknown id, at file level (the commit is in the message; SARIF allows a location
 * without a region). The rules listed are the ones the results use.
 */
export function renderSarif({ file, diagnostics, invalidLinks }: SarifInput): string {
  const used = [...new Set([...diagnostics.map(ruleOf), ...(invalidLinks.length ? ['invalid-link'] : [])])].sort();
  const index = new Map(used.map((id, i) => [id, i]));
  // Relative to the repository root, which is where code scanning resolves it.
  const artifact = { uri: file };
  const results = [
    ...diagnostics.map(d => ({
      ruleId: ruleOf(d), ruleIndex: index.get(ruleOf(d))!, level: d.severity, message: { text: d.message },
      locations: [{ physicalLocation: { artifactLocation: artifact, region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn } } }],
    })),
    ...invalidLinks.map(i => ({
      ruleId: 'invalid-link', ruleIndex: index.get('invalid-link')!, level: 'warning' as const,
      message: { text: `commit ${i.sha} names ${i.ids.map(x => JSON.stringify(x)).join(', ')}, which ${i.ids.length > 1 ? 'are not outcome ids' : 'is not an outcome id'} in ${file}` },
      locations: [{ physicalLocation: { artifactLocation: artifact } }],
      // One alert per commit and id, however often the run is repeated.
      partialFingerprints: { invalidLink: `${i.sha}:${i.ids.join(',')}` },
    })),
  ];
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'Outcome Lens', informationUri: INFO_URI,
          rules: used.map(id => ({ id, name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()), shortDescription: { text: RULES[id].text }, defaultConfiguration: { level: RULES[id].level }, helpUri: INFO_URI })),
        },
      },
      results,
    }],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}
