// The input-shape quick fixes in process (computeCodeActions with the engine as re-analysis), so
// that mutation testing reaches them without a server: a model analysed on a guessed input that
// fails gets the input the file's own test() passes and the size it runs on; a guess that runs is
// offered pinned. Oracles: the test() call written in the file (what CPython would pass), and the
// sizes the model runs on from a brute-force loop over 1–512 with PyTorch's documented length
// formulas (Conv: n − k + 1, MaxPool2d(2): ⌊n/2⌋); the size chosen from them by the documented
// rule (the run nearest the guess, in it the size divisible by the highest power of 2).

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { lenetWithTest, sizesWhere } from '../support/lenetModel';

const FILE = '/proj/guess.py';
const URI = 'file:///proj/guess.py';

// The clock is not what is tested: a bound no loaded machine reaches.
const analyse = (text: string, o?: { validSizes?: { steps: number; timeLimits: number } }) =>
  analyzeFile({ file: FILE, text, readFile: () => null, ...(o?.validSizes ? { validSizesSteps: o.validSizes.steps, validSizesTimeMs: 600_000, validSizes: 'always' as const } : {}) });

let reanalysed: { text: string; sizes: boolean }[] = [];
function setup(text: string) {
  const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  const diagnostics = computeDiagnostics(view, DEFAULT_SETTINGS);
  const actions = (line: number, requested: Diagnostic[], triggerKind?: CodeActionTriggerKind, only?: string[]): CodeAction[] =>
    computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line, character: 4 }, end: { line, character: 4 } }, context: { diagnostics: requested, ...(triggerKind ? { triggerKind } : {}), ...(only ? { only } : {}) } }, (t, o) => {
      reanalysed.push({ text: t, sizes: !!o?.validSizes });
      return analyse(t, o);
    });
  return { view, diagnostics, guessed: diagnostics.filter((d) => String(d.message).includes('was a guess')), actions };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
const apply = (text: string, a: CodeAction) => TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), a.edit!.changes![URI]!);

const twos = (n: number): number => (n % 2 ? 0 : 1 + twos(n / 2));

const lenet = lenetWithTest(32);

describe('input-shape quick fixes for a guessed input', () => {
  // Net runs where ⌊(n − 4)/2⌋ = 14 on both axes (Linear takes 4·14·14).
  const valid = sizesWhere((n) => Math.floor((n - 5 + 1) / 2), 14);
  const size = valid.reduce((best, n) => (twos(n) > twos(best) ? n : best));
  const fromTest = 'Set input 2×3×32×32 (as test() on line 17 calls Net)';
  const solved = `Set input 1×3×${size}×${size} (Net() runs on H, W: ${valid[0]} or ${valid[1]}; the guessed 224×224 fails at fc (Linear 784→10))`;

  test('the light bulb’s own request offers test()’s input only; asked for, the solved size too, never the guess', () => {
    assert.deepEqual(valid, [32, 33]);
    assert.equal(size, 32);
    assert.equal(lineOf(lenet, 'def test():') + 1, 17, 'test(), defined on line 17, calls Net');
    const { guessed, actions } = setup(lenet);
    assert.ok(guessed.length >= 1);
    const classLine = lineOf(lenet, 'class Net(');
    const fcLine = lineOf(lenet, 'return self.fc(');
    reanalysed = [];
    const automatic = actions(fcLine, guessed.filter((d) => d.range.start.line === fcLine), CodeActionTriggerKind.Automatic);
    assert.deepEqual(automatic.map((a) => a.title), [fromTest]);
    assert.ok(!reanalysed.some((r) => r.sizes), 'no size search on the light bulb’s own request');
    const invoked = actions(fcLine, guessed, CodeActionTriggerKind.Invoked);
    assert.deepEqual(invoked.map((a) => a.title), [fromTest, solved]);
    assert.deepEqual(invoked.map((a) => a.isPreferred), [true, false]);
    assert.deepEqual(invoked.map((a) => a.kind), [CodeActionKind.QuickFix, CodeActionKind.QuickFix]);
    for (const a of invoked) assert.deepEqual(a.diagnostics, guessed);
    assert.equal(reanalysed.filter((r) => r.sizes).length, 1, 'every size checked once');
    // Each edit writes the directive right above the class line.
    const inputs = ['(2, 3, 32, 32)', `(1, 3, ${size}, ${size})`];
    invoked.forEach((a, i) => {
      const lines = apply(lenet, a).split('\n');
      assert.equal(lines[classLine], `# convlens: input=${inputs[i]}`);
      assert.equal(lines[classLine + 1], 'class Net(nn.Module):');
    });
    // Again on the class line, with no diagnostic: the same two; nothing analysed again.
    const count = reanalysed.length;
    assert.deepEqual(actions(classLine, []).map((a) => a.title), [fromTest, solved]);
    assert.equal(reanalysed.length, count);
    // A refactoring request gets none.
    assert.deepEqual(actions(classLine, [], undefined, [CodeActionKind.Refactor]), []);
  });

  test('without test(): the solved size only; a 1-D model names its axis L', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '',
      'class Net1(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv1d(3, 4, 5)',
      '        self.fc = nn.Linear(4 * 12, 10)',
      '',
      '    def forward(self, x):',
      '        return self.fc(self.conv(x).flatten(1))',
      '',
    ].join('\n');
    // Conv1d(k=5): n − 4 = 12.
    const valid1 = sizesWhere((n) => n - 4, 12);
    assert.deepEqual(valid1, [16]);
    const { guessed, actions } = setup(text);
    const got = actions(lineOf(text, 'return self.fc('), guessed, CodeActionTriggerKind.Invoked);
    assert.deepEqual(got.map((a) => a.title), ['Set input 1×3×16 (Net1() runs on L: exactly 16; the guessed 224 fails at fc (Linear 48→10))']);
    assert.equal(got[0]!.isPreferred, true);
    assert.equal(apply(text, got[0]!).split('\n')[lineOf(text, 'class Net1(')], '# convlens: input=(1, 3, 16)');
  });

  test('a guess the model runs on is offered pinned, not preferred, and only on its class', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '',
      'class Fcn(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(3, 4, 3, padding=1)',
      '',
      '    def forward(self, x):',
      '        return self.conv(x)',
      '',
    ].join('\n');
    const { guessed, actions } = setup(text);
    assert.deepEqual(guessed, []);
    reanalysed = [];
    const got = actions(lineOf(text, 'return self.conv'), []);
    assert.equal(got.length, 1);
    assert.match(got[0]!.title, /^Set input shape here: \(1, 3, \d+, \d+\)$/);
    assert.equal(got[0]!.isPreferred, false);
    assert.equal(got[0]!.diagnostics, undefined);
    assert.deepEqual(reanalysed, [], 'the guess ran already: nothing to check');
    assert.deepEqual(actions(0, []), []);
  });
});
