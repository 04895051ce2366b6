// Issue 11, item 4: a file with CRLF or lone-CR line breaks is the same file as with LF, for the
// engine (layers, lines and columns of every location, directives, syntax repair) and for the
// language server (lenses, hovers, the input-directive edit). The LF reading is the reference:
// the line-break kind must change nothing but the bytes between lines.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyzeFile } from '../../server/src/engine/analyze';
import { formatJson } from '../../server/src/format/json';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = [
  ...readdirSync(join(ROOT, '../shared/fixtures/models')).filter((f) => f.endsWith('.py')).map((f) => join(ROOT, '../shared/fixtures/models', f)),
  ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.py')).map((f) => join(ROOT, 'examples', f)),
  ...readdirSync(join(ROOT, 'test/tfjs/models')).filter((f) => /\.(ts|js)$/.test(f)).slice(0, 4).map((f) => join(ROOT, 'test/tfjs/models', f)),
];

const withBreaks = (text: string, eol: string): string => text.replace(/\r\n|\r|\n/g, eol);

function reportOf(file: string, text: string): unknown {
  const report = analyzeFile({ file, text, readFile: () => null, timeLimitMs: 60_000 });
  return JSON.parse(formatJson(report));
}

for (const file of SOURCES) {
  test(`${file.slice(ROOT.length - 4)}: the same report with CRLF and lone-CR line breaks`, () => {
    const lf = withBreaks(readFileSync(file, 'utf8'), '\n');
    const expected = reportOf(file, lf);
    for (const eol of ['\r\n', '\r']) assert.deepEqual(reportOf(file, withBreaks(lf, eol)), expected, JSON.stringify(eol));
  });
}

const DIRECTIVE_MODEL = `import torch.nn as nn


# convlens: input=1,3,64,48
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2)

    def forward(self, x):
        y = self.conv(x
        return y
`;

test('a directive and an unclosed bracket read the same with any line break', () => {
  const lf = reportOf('net.py', DIRECTIVE_MODEL) as { models: { inputs: number[][]; inputSource: string }[]; diagnostics: { line: number; message: string }[] };
  // The directive was read (not the inferred 224×224), and the unclosed call repaired.
  assert.deepEqual(lf.models[0]?.inputs, [[1, 3, 64, 48]]);
  assert.equal(lf.models[0]?.inputSource, 'directive');
  assert.ok(lf.diagnostics.some((d) => d.line === 11 && /never closed/.test(d.message)), JSON.stringify(lf.diagnostics));
  for (const eol of ['\r\n', '\r']) assert.deepEqual(reportOf('net.py', withBreaks(DIRECTIVE_MODEL, eol)), lf, JSON.stringify(eol));
});

test("the language server's input-directive edit uses the file's own line break and finds a directive above the class", async () => {
  const { TextDocument } = await import('vscode-languageserver-textdocument');
  const { inputDirectiveEdit } = await import('../../server/src/lsp/inputDirective');
  for (const eol of ['\n', '\r\n', '\r']) {
    const text = withBreaks('import torch.nn as nn\n\nclass Net(nn.Module):\n    pass\n', eol);
    const doc = TextDocument.create('file:///net.py', 'python', 1, text);
    const edit = inputDirectiveEdit(doc, 2, [[1, 3, 32, 32]]);
    assert.deepEqual(edit.range, { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } });
    assert.equal(edit.newText, `# convlens: input=(1, 3, 32, 32)${eol}`);
    // With a directive already there, that line is replaced, without its line break.
    const withDirective = TextDocument.create('file:///net.py', 'python', 2, withBreaks('import torch.nn as nn\n# convlens: input=1,3,8,8\nclass Net(nn.Module):\n    pass\n', eol));
    const replaced = inputDirectiveEdit(withDirective, 2, [[1, 3, 32, 32]]);
    assert.deepEqual(replaced.range, { start: { line: 1, character: 0 }, end: { line: 1, character: '# convlens: input=1,3,8,8'.length } });
  }
});
