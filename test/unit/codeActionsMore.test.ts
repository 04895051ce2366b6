// More input-shape quick fixes in process (see codeActionsInput.test.ts), aimed at what mutation
// testing of lsp/codeActions.ts left alive: a 3-D model's axis names, two classes (one failing
// its guess, one running on it), the cursor on a class-level line, requests that must get nothing
// (another tool's diagnostic, a `only` filter, a view behind the screen). Oracles: PyTorch's documented length
// formulas worked out in the test (Conv3d(k): n − k + 1 per axis; Linear takes its in_features),
// with a brute-force loop over the sizes 1–512 the engine checks.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionTriggerKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { goodAndBadModels, lenetWithTest, sizesWhere } from '../support/lenetModel';
import { torchResize, torchTransposed } from '../support/quickFixGolden';

const FILE = '/proj/guess3.py';
const URI = 'file:///proj/guess3.py';

// The clock is not what is tested: a bound no loaded machine reaches.
const analyse = (text: string, o?: { validSizes?: { steps: number; timeLimits: number } }) =>
  analyzeFile({ file: FILE, text, readFile: () => null, ...(o?.validSizes ? { validSizesSteps: o.validSizes.steps, validSizesTimeMs: 600_000, validSizes: 'always' as const } : {}) });

function setup(text: string) {
  const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  const diagnostics = computeDiagnostics(view, DEFAULT_SETTINGS);
  const calls: { sizes: boolean }[] = [];
  const actions = (line: number, requested: Diagnostic[], triggerKind = CodeActionTriggerKind.Invoked): CodeAction[] =>
    computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line, character: 4 }, end: { line, character: 4 } }, context: { diagnostics: requested, triggerKind } }, (t, o) => {
      calls.push({ sizes: !!o?.validSizes });
      return analyse(t, o);
    });
  return { view, guessed: diagnostics.filter((d) => String(d.message).includes('was a guess')), actions, calls };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));
const apply = (text: string, a: CodeAction) => TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), a.edit!.changes![URI]!);

describe('input-shape quick fixes: more cases', () => {
  test('a 3-D model names its axes D, H, W and writes a rank-5 input', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '',
      'class N3(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.conv = nn.Conv3d(2, 4, 3)',
      '        self.fc = nn.Linear(4 * 6 * 6 * 6, 10)',
      '',
      '    def forward(self, x):',
      '        return self.fc(self.conv(x).flatten(1))',
      '',
    ].join('\n');
    // Conv3d(k=3): n − 2 per axis; Linear takes 4·6·6·6, so n − 2 = 6 on every axis.
    const valid: number[] = [];
    for (let n = 1; n <= 512; n++) if (4 * (n - 2) ** 3 === 4 * 6 * 6 * 6) valid.push(n);
    assert.deepEqual(valid, [8]);
    const { guessed, actions } = setup(text);
    const got = actions(lineOf(text, 'return self.fc('), guessed);
    assert.deepEqual(got.map((a) => a.title), ['Set input 1×2×8×8×8 (N3() runs on D, H, W: exactly 8; the guessed 224×224×224 fails at fc (Linear 864→10))']);
    assert.equal(got[0]!.isPreferred, true);
    assert.equal(apply(text, got[0]!).split('\n')[lineOf(text, 'class N3(')], '# convlens: input=(1, 2, 8, 8, 8)');
  });

  const two = goodAndBadModels(['    scale = 2', '']);
  // Good first: each model's own solved size and warnings must be looked up by its name.
  // Bad: Conv2d(k=5) gives n − 4, Linear takes 4·28·28: n = 32 only. Good: Conv2d(k=3, padding=1) keeps n, runs on any size.
  const badValid: number[] = [];
  for (let n = 1; n <= 512; n++) if (4 * (n - 4) ** 2 === 4 * 28 * 28) badValid.push(n);
  const badFix = 'Set input 1×3×32×32 (Bad() runs on H, W: exactly 32; the guessed 224×224 fails at fc (Linear 3136→10))';

  test('two guessed classes: the failing one gets its solved size, the one that runs gets its guess pinned, each on its own class', () => {
    assert.deepEqual(badValid, [32]);
    const { view, guessed, actions } = setup(two);
    assert.ok(guessed.length >= 1 && guessed.every((d) => (d.data as { model?: string }).model === 'Bad()'), JSON.stringify(guessed.map((d) => d.data)));
    const good = view.report.models.find((m) => m.name === 'Good()')!;
    const pinned = `Set input shape here: (${good.inputs[0]!.join(', ')})`;
    // On Good's class-level line, nothing requested: Good's pinned guess only (it runs on it).
    const classLevel = actions(lineOf(two, 'scale = 2'), []);
    assert.deepEqual(classLevel.map((a) => a.title), [pinned]);
    assert.equal(classLevel[0]!.isPreferred, false);
    assert.equal(apply(two, classLevel[0]!).split('\n')[lineOf(two, 'class Good(')], `# convlens: input=(${good.inputs[0]!.join(', ')})`);
    // In Good's forward with Bad's warnings requested: Good's (here) and Bad's fix (caused), in the file's order.
    const both = actions(lineOf(two, 'return self.conv(x)'), guessed);
    assert.deepEqual(both.map((a) => a.title), [pinned, badFix]);
    assert.deepEqual(both.map((a) => a.isPreferred), [false, true]);
    assert.equal(apply(two, both[1]!).split('\n')[lineOf(two, 'class Bad(')], '# convlens: input=(1, 3, 32, 32)');
    // Bad's warnings from another tool (same text, another source): not Bad's cause, so Good's only.
    const foreign = guessed.map((d) => ({ ...d, source: 'pylint' }));
    assert.deepEqual(actions(lineOf(two, 'return self.conv(x)'), foreign).map((a) => a.title), [pinned]);
  });
});

describe('an input the file\'s own test() passes but the model does not run on', () => {
  test('is not offered (the edited text fails); the solved size is, preferred', () => {
    const text = lenetWithTest(64);
    // torch: Conv2d(k=5) then MaxPool2d(2) give ⌊(n − 4)/2⌋; Linear wants 14, which 64 misses (30),
    // so test() itself would fail; the sizes that give 14, by brute force, are what is offered.
    const pooled = (n: number): number => Math.floor((n - 4) / 2);
    assert.notEqual(pooled(64), 14);
    const valid = sizesWhere(pooled, 14);
    const { view, guessed, actions } = setup(text);
    assert.deepEqual(view.report.models[0]!.callerInput?.shapes, [[2, 3, 64, 64]]);
    const got = actions(lineOf(text, 'return self.fc('), guessed);
    assert.deepEqual(got.map((a) => a.title), [`Set input 1×3×${valid[0]}×${valid[0]} (Net() runs on H, W: ${valid.join(' or ')}; the guessed 224×224 fails at fc (Linear 784→10))`]);
    assert.equal(got[0]!.isPreferred, true);
  });
});

describe('requests that get no quick fix', () => {
  const up = [
    'import torch.nn as nn',
    '',
    '',
    '# convlens: input=(1, 8, 8, 8)',
    'class Up(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.up = nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)',
    '',
    '    def forward(self, x):',
    '        return self.up(x)',
    '',
  ].join('\n');
  const analyseUp = (t: string) => analyzeFile({ file: FILE, text: t, readFile: () => null });
  const viewOf = (edits: [] | null) => new AnalysisView({ uri: URI, path: FILE, version: 1, text: up, report: analyseUp(up), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, edits);
  const uneven = computeDiagnostics(viewOf([]), DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap');
  const classLine = lineOf(up, 'class Up(');
  const request = (view: AnalysisView, diagnostics: Diagnostic[], only?: string[]) =>
    computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line: classLine, character: 0 }, end: { line: classLine, character: 0 } }, context: { diagnostics, ...(only ? { only } : {}) } }, analyseUp).map((a) => a.title.split(' · ')[0]);
  const overlapTitles = ['Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)', 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)'];
  const inputTitle = 'Set input shape here: (1, 8, 8, 8)';

  test('the analysed text behind the screen: nothing, even for its own diagnostics on the class line', () => {
    assert.equal(uneven.length, 1);
    // (torch: k=3, s=2, p=1, op=1 overlaps unevenly and k=4, p=1, op=0 keeps its lengths: codeActions.test.ts.)
    assert.deepEqual(request(viewOf([]), uneven), [...overlapTitles, inputTitle]);
    assert.deepEqual(request(viewOf(null), uneven), []);
  });

  test('another tool’s diagnostic, or another code, gets no overlap fix', () => {
    assert.deepEqual(request(viewOf([]), uneven.map((d) => ({ ...d, source: 'pylint' }))), [inputTitle]);
    assert.deepEqual(request(viewOf([]), uneven.map((d) => ({ ...d, code: 'shape-mismatch' }))), [inputTitle]);
  });

  test('a `only` filter: the input fix for quick fixes or the empty kind among others, not for refactorings alone', () => {
    assert.deepEqual(request(viewOf([]), [], ['refactor', 'quickfix']), [inputTitle]);
    assert.deepEqual(request(viewOf([]), [], ['']), [inputTitle]);
    assert.deepEqual(request(viewOf([]), [], ['refactor']), []);
  });

  test('a ConvTranspose2d imported by its bare name gets the kernel fix; not resize, whose Sequential/Upsample/Conv2d the file never imports', () => {
    const bare = up.replace('import torch.nn as nn\n', 'import torch.nn as nn\nfrom torch.nn import ConvTranspose2d\n').replace('nn.ConvTranspose2d(', 'ConvTranspose2d(');
    const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text: bare, report: analyseUp(bare), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
    const diagnostics = computeDiagnostics(view, DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap');
    assert.equal(diagnostics.length, 1);
    const got = computeCodeActions(view, { textDocument: { uri: URI }, range: diagnostics[0]!.range, context: { diagnostics } }, analyseUp).filter((a) => !a.title.startsWith('Set input'));
    // The resize edit would write a bare `Sequential(Upsample(…), Conv2d(…))`: names this file never
    // binds (Python raises NameError), so only the kernel fix is offered.
    assert.deepEqual(got.map((a) => a.title.split(' · ')[0]), [overlapTitles[0]]);
    const edited = TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, bare), got[0]!.edit!.changes![URI]!);
    assert.ok(edited.includes('self.up = ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=1)\n'), edited);
    // Weights in·out·k²: 8·4·(16 − 9) = 224 more; MACs one per weight per input position (8·8):
    // 224·64 = 14336, written 14.3K.
    assert.equal(got[0]!.title, `${overlapTitles[0]} · +${8 * 4 * (16 - 9)} params, +14.3K MACs · same state_dict keys, new weight shapes`);
    assert.equal(8 * 4 * (16 - 9) * 64, 14336);
  });

  test('per-axis kernels (3, 4): padding written where one axis needs it, kept where it is already right (real PyTorch lengths)', () => {
    const fixesOf = (layer: string) => {
      const text = up.replace('nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)', layer);
      const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text, report: analyseUp(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
      const diagnostics = computeDiagnostics(view, DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap');
      assert.equal(diagnostics.length, 1);
      const got = computeCodeActions(view, { textDocument: { uri: URI }, range: diagnostics[0]!.range, context: { diagnostics } }, analyseUp).filter((a) => !a.title.startsWith('Set input'));
      return got.map((a) => ({ title: a.title, line: TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), a.edit!.changes![URI]!).split('\n')[lineOf(text, 'self.up =')]!.trim() }));
    };
    // torch: the kernel-3 axis keeps its lengths with kernel 4 at (p, op) = (1, 1) from (0, 0) and
    // (2, 1) from (1, 0); the kernel-4 axis is even already and keeps (0, 0) and (1, 0).
    for (const [p, P] of [[0, 1], [1, 2]] as const) {
      assert.deepEqual(torchTransposed(4, 2, P, 1).lengths, torchTransposed(3, 2, p, 0).lengths);
      assert.equal(torchTransposed(4, 2, P, 1).even, true);
      assert.equal(torchTransposed(3, 2, p, 0).even, false);
    }
    // Weights 8·4·(4·4 − 3·4) = 128 more; MACs 128·8·8 = 8192, written 8.19K.
    const tail = ': same output shape, even overlap) · +128 params, +8.19K MACs · same state_dict keys, new weight shapes';
    assert.equal(8 * 4 * (16 - 12) * 64, 8192);
    const absent = fixesOf('nn.ConvTranspose2d(8, 4, kernel_size=(3, 4), stride=2)');
    assert.deepEqual(absent[0], { title: `Use kernel_size=4 (padding=(1, 0), output_padding=(1, 0)${tail}`, line: 'self.up = nn.ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=(1, 0), output_padding=(1, 0))' });
    const given = fixesOf('nn.ConvTranspose2d(8, 4, kernel_size=(3, 4), stride=2, padding=(1, 1))');
    assert.deepEqual(given[0], { title: `Use kernel_size=4 (padding=(2, 1), output_padding=(1, 0)${tail}`, line: 'self.up = nn.ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=(2, 1), output_padding=(1, 0))' });
    // Resize: torch's nearest ×2 then Conv1d(4, padding 2) and Conv1d(3, padding 2) keep the (3, 0, 0) and (4, 0, 0) lengths.
    assert.deepEqual(torchResize(2, 4, 2).lengths, torchTransposed(3, 2, 0, 0).lengths);
    assert.deepEqual(torchResize(2, 3, 2).lengths, torchTransposed(4, 2, 0, 0).lengths);
    assert.equal(absent[1]!.line, "self.up = nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(8, 4, kernel_size=(4, 3), padding=2))");
  });
});
