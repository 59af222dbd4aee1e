import * as assert from 'node:assert/strict';
import { TempRepo } from './helpers/repo';
import { cli } from './helpers/cli';
import { printable, quoted } from '../../src/core/util/printable';
import { mdText } from '../../src/core/report/markdown';
import { escapeData, escapeProperty, workflowCommand } from '../../src/core/report/githubAnnotations';
import { renderPrSummary, LIST_MAX } from '../../src/core/report/prSummary';
import { Linker, CommitLink } from '../../src/core/links/link';
import { parseOutcomes } from '../../src/core/outcomes/parse';
import type { RawCommit } from '../../src/core/git/repo';

/** Markdown that would render as a link, an image, HTML or a mention if it were live (code spans are literal). */
const LIVE_RE = /(^|[^\\])\[[^\]]*(^|[^\\])\]\(|(^|[^\\])!\[|<[a-z/]|(^|[^\\])@[a-z]/i;
/** No untrusted text is live: outside code spans and the summary's own <details> block, nothing matches LIVE_RE. */
function assertLiteral(md: string): void {
  for (const line of md.split('\n')) {
    assert.doesNotMatch(line.replace(/`[^`]*`/g, '').replace(/^<details><summary>[^<]*<\/summary>$|^<\/details>$/, ''), LIVE_RE, line);
  }
}

describe('untrusted text, wherever it is printed', () => {
  it('printable: every C0, DEL and C1 control as JSON writes it; other text unchanged', () => {
    assert.equal(printable('plain ünïcødé 日本 "q" \\ ok'), 'plain ünïcødé 日本 "q" \\ ok');
    assert.equal(printable('a\u001b[31mb\u001b]8;;https://x\u0007c\td\ne\u007f\u009b'), 'a\\u001b[31mb\\u001b]8;;https://x\\u0007c\\td\\ne\\u007f\\u009b');
    assert.equal(quoted('id"\u009d'), '"id\\"\\u009d"');
  });

  it('mdText: link, image, HTML, emphasis, math, mentions, references and table pipes are literal', () => {
    assert.equal(mdText('[Sign in](https:evil.example)'), '\\[Sign in\\]\\(https:evil.example\\)');
    assert.equal(mdText('![x](http://e/x.png)'), '\\!\\[x\\]\\(http://e/x.png\\)');
    assert.equal(mdText('<img src=x onerror=alert(1)> & co'), '&lt;img src=x onerror=alert\\(1\\)&gt; &amp; co');
    assert.equal(mdText('**bold** _it_ `code` ~~s~~ $x$ | @team #12'), '\\*\\*bold\\*\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~ \\$x\\$ \\| \\@team \\#12');
    assert.equal(mdText('- item'), '\\- item', 'a list marker where the text starts a block');
    assert.equal(mdText('1. first'), '1\\. first');
    assert.equal(mdText('two\nlines\r\n\u001b[2J'), 'two lines \\\\u001b\\[2J');
    assert.equal(mdText('Raise checkout conversion to 4% (v1.2-beta)'), 'Raise checkout conversion to 4% \\(v1.2-beta\\)');
    for (const s of ['[a](b)', '![a](b)', '<b>x</b>', '@someone', 'x [a](b) y']) assert.doesNotMatch(mdText(s), LIVE_RE, s);
  });

  it('GitHub workflow commands: %, CR and LF in the message; also : and , in properties', () => {
    assert.equal(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
    assert.equal(escapeProperty('a,b:c%\n'), 'a%2Cb%3Ac%25%0A');
    assert.equal(workflowCommand('warning', { file: 'x,y.ts', title: 'T: t', line: undefined }, 'm::n\u001b'), '::warning file=x%2Cy.ts,title=T%3A t::m::n\\u001b');
  });

  it('the Markdown report escapes outcome titles, key results and folder names', function () {
    this.timeout(60_000);
    const repo = new TempRepo();
    try {
      repo.write('outcomes.yaml', [
        'version: 1', 'outcomes:', '  - id: a', '    title: "[Sign in](https:evil.example) <b>now</b>"', '    areas: [src/]',
        '    metrics:', '      - { name: "![pixel](https://evil.example/p.png)", baseline: "1", target: "[2](x)", current: "1|5" }', '',
      ].join('\n')).write('src/a.ts').commit('Linked\n');
      repo.write('[docs](https:evil.example)/x.md').commit('Unlinked\n');
      const r = cli(['report', '--all', '--format', 'md', '--no-lines', '--repo', repo.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.stdout.includes('| \\[Sign in\\]\\(https:evil.example\\) &lt;b&gt;now&lt;/b&gt; (`a`) |'), r.stdout);
      assert.ok(r.stdout.includes('| a | \\!\\[pixel\\]\\(https://evil.example/p.png\\) | 1 | 1\\|5 | \\[2\\]\\(x\\) |'), r.stdout);
      assert.ok(r.stdout.includes('| \\[docs\\]\\(https:evil.example\\) | 1 |'), r.stdout);
      assertLiteral(r.stdout);
    } finally {
      repo.rm();
    }
  });
});

describe('the pull-request summary (renderPrSummary)', () => {
  const map = parseOutcomes('version: 1\noutcomes:\n  - id: a\n    title: "A [x](y)"\n    areas: [src/]\n').map!;
  const linker = new Linker(map);
  let n = 0;
  const raw = (subject: string, files: string[], author = 'Dev'): RawCommit => ({
    sha: (++n).toString(16).padStart(4, '0').padEnd(40, '0'), parents: ['f'.repeat(40)], author, email: 'd@x', date: '2024-01-01T00:00:00Z', committed: '2024-01-01T00:00:00Z',
    subject, message: `${subject}\n`, trailers: [], files,
  });

  it('lists at most LIST_MAX unlinked commits, with the total, and escapes subjects and authors', () => {
    const links: CommitLink[] = [linker.commit(raw('linked', ['src/a.ts']))];
    for (let i = 0; i < LIST_MAX + 3; i++) links.push(linker.commit(raw(`chore ${i} [x](y)`, [`docs/${i}.md`], '@evil <b>')));
    const md = renderPrSummary({ linker, links, range: 'main..HEAD' });
    assert.match(md, new RegExp(`^### ${LIST_MAX + 3} unlinked commits$`, 'm'));
    const items = md.split('\n').filter(l => /^- [0-9a-f]{10} /.test(l));
    assert.equal(items.length, LIST_MAX);
    assert.match(md, /^- and 3 more: `outcome-lens commits --unlinked` with the same `--range` lists them all$/m);
    assert.equal(items[0], '- 0002000000 \\@evil &lt;b&gt;: chore 0 \\[x\\]\\(y\\)');
    assert.match(md, /^\| A \\\[x\\\]\\\(y\\\) \(`a`\) \| 1 \| 1 \|$/m);
    assert.match(md, /\*\*Alignment: 7\.1%\*\*: 1 of the 14 commits that need an outcome serves one\./);
    assertLiteral(md);
  });

  it('an empty range says so', () => {
    assert.match(renderPrSummary({ linker, links: [], range: 'main..HEAD' }), /^No commits in this range\.$/m);
  });
});
