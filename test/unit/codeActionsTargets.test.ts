// Which layer a quick fix edits, in process (see codeActions.test.ts): a model with a plain
// convolution before the uneven transposed one and a second, separately written uneven transposed
// convolution. Each warning's fix must edit its own call, keep torch's lengths, make torch's
// overlap even, and cure only its own warning (the other layer stays uneven in torch's table).
// Oracle: real PyTorch (test/golden/torch/mut_quickfix.json, scripts/golden/mut_quickfix.py).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeFile } from '../../server/src/engine/analyze';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { torchTransposed } from '../support/quickFixGolden';

const torch = torchTransposed;

const FILE = '/proj/two.py';
const URI = `file://${FILE}`;
const text = [
  'import torch.nn as nn',
  '',
  '',
  '# convlens: input=(1, 3, 8, 8)',
  'class Two(nn.Module):',
  '    def __init__(self):',
  '        super().__init__()',
  '        self.stem = nn.Conv2d(3, 8, kernel_size=3, padding=1)',
  '        self.up1 = nn.ConvTranspose2d(8, 8, kernel_size=3, stride=2, padding=1, output_padding=1)',
  '        self.up2 = nn.ConvTranspose2d(8, 4, kernel_size=5, stride=2, padding=2, output_padding=1)',
  '',
  '    def forward(self, x):',
  '        return self.up2(self.up1(self.stem(x)))',
  '',
].join('\n');

const LINES = text.split('\n');
const lineOf = (needle: string) => LINES.findIndex((l) => l.includes(needle));

test('each warning’s fixes edit its own call and cure only its own warning', () => {
  const analyse = (t: string) => analyzeFile({ file: FILE, text: t, readFile: () => null });
  const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  const uneven = computeDiagnostics(view, DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap');
  assert.equal(torch(3, 2, 1, 1).even, false);
  assert.equal(torch(5, 2, 2, 1).even, false);
  // (up2 also carries the warning about the stack up1 → up2 ending there.)
  assert.deepEqual([...new Set(uneven.map((d) => d.range.start.line))].sort(), [lineOf('self.up1'), lineOf('self.up2')]);
  for (const [name, k, p, op] of [['up1', 3, 1, 1], ['up2', 5, 2, 1]] as const) {
    const own = uneven.find((d) => d.range.start.line === lineOf(`self.${name}`))!;
    const here = uneven.filter((d) => d.range.start.line === lineOf(`self.${name}`));
    // The editor sends every diagnostic of the file (a "fix all" request): each fix lists only its own.
    const actions = computeCodeActions(view, { textDocument: { uri: URI }, range: own.range, context: { diagnostics: [own, ...uneven.filter((d) => d !== own)] } }, analyse).filter((a) =>
      /^(Use kernel_size=|Replace with resize)/.test(a.title),
    );
    const mine = actions.filter((a) => a.edit!.changes![URI]!.every((e) => e.range.start.line === lineOf(`self.${name}`)));
    assert.ok(mine.length >= 2, `${name}: ${actions.map((a) => a.title).join(' | ')}`);
    for (const a of mine) {
      assert.ok(a.diagnostics!.some((d) => d === own), a.title);
      assert.ok(a.diagnostics!.every((d) => here.includes(d)), a.title);
    }
    const kernel = mine.find((a) => a.title.startsWith('Use'))!;
    const edited = TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), kernel.edit!.changes![URI]!).split('\n')[lineOf(`self.${name}`)]!;
    const m = /kernel_size=(\d+), stride=2, padding=(\d+)(?:, output_padding=(\d+))?\)/.exec(edited)!;
    assert.ok(m, edited);
    const row = torch(Number(m[1]), 2, Number(m[2]), Number(m[3] ?? 0));
    assert.equal(row.even, true, edited);
    assert.deepEqual(row.lengths, torch(k, 2, p, op).lengths, edited);
    // Its edit leaves the other line as written.
    const other = name === 'up1' ? 'self.up2' : 'self.up1';
    const whole = TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), kernel.edit!.changes![URI]!).split('\n');
    assert.equal(whole[lineOf(other)], LINES[lineOf(other)]);
  }
});
