// The quick fixes' re-check, held to its contract with the engine's re-analysis of the edited text
// altered on purpose (fault injection): a fix is offered only when the re-analysis succeeds, adds
// no error, keeps every model's inputs and outputs and every layer's output, leaves the edited
// layers evenly overlapping, and no warning of the same kind on the rebuilt layer; an input
// directive only when the edited text runs on exactly that input with no shape error. The real
// re-analysis offers each fix (the first case of each group): which fixes torch accepts there is
// checked against real PyTorch in codeActions.test.ts and codeActionsRefusals.test.ts; here only
// the injected change decides. Other oracles: the brute-force tap counts of stacked transposed
// convolutions (all-ones weights and input, as codeActionsRefusals.test.ts), PyTorch's length
// formulas worked out in the test (Conv2d(k): n − k + 1; Linear takes its in_features) with a
// brute-force loop over the sizes 1–512.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { Diagnostic as ReportDiagnostic, FileReport } from '../../server/src/engine/report';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions, type Reanalyse } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { goodAndBadModels, sizesWhere } from '../support/lenetModel';
import { torchTransposed } from '../support/quickFixGolden';

const FILE = '/proj/reanalysis.py';
const URI = 'file:///proj/reanalysis.py';

const analyse = (text: string, o?: { validSizes?: { steps: number; timeLimits: number } }) =>
  analyzeFile({ file: FILE, text, readFile: () => null, ...(o?.validSizes ? { validSizesSteps: o.validSizes.steps, validSizesTimeMs: 600_000, validSizes: 'always' as const } : {}) });

function setup(text: string) {
  const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  return { view, diagnostics: computeDiagnostics(view, DEFAULT_SETTINGS) };
}

/** The engine's re-analysis of an edited text, changed by `alter` (the solve-every-size run is left alone). */
const altered = (alter: (r: FileReport) => FileReport | null): Reanalyse => (t, o) => {
  const r = analyse(t, o);
  return o?.validSizes ? r : alter(r);
};

const injected = (over: Partial<ReportDiagnostic>): ReportDiagnostic => ({ severity: 'error', code: 'shape-mismatch', message: 'injected', file: FILE, line: 1, column: 0, endLine: 1, endColumn: 1, ...over });
const withDiagnostic = (d: ReportDiagnostic) => (r: FileReport): FileReport => ({ ...r, diagnostics: [...r.diagnostics, d] });
const mapModels = (f: (m: FileReport['models'][number]) => FileReport['models'][number]) => (r: FileReport): FileReport => ({ ...r, models: r.models.map(f) });

const upModel = [
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

const KERNEL = 'Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)';
const RESIZE = 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)';

function overlapFixes(text: string, reanalyse: Reanalyse, requested?: (d: Diagnostic[]) => Diagnostic[]): CodeAction[] {
  const { view, diagnostics } = setup(text);
  const uneven = diagnostics.filter((d) => d.code === 'uneven-overlap');
  const asked = requested ? requested(uneven) : uneven;
  return computeCodeActions(view, { textDocument: { uri: URI }, range: uneven[0]!.range, context: { diagnostics: asked } }, reanalyse).filter((a) => !a.title.startsWith('Set input'));
}
const titles = (actions: CodeAction[]) => actions.map((a) => a.title.split(' · ')[0]);

describe('overlap fixes: the re-analysis of the edited text decides', () => {
  test('the real re-analysis: both fixes (torch: k=3, s=2, p=1, op=1 overlaps unevenly; k=4, p=1 keeps its lengths evenly)', () => {
    assert.equal(torchTransposed(3, 2, 1, 1).even, false);
    assert.deepEqual(torchTransposed(4, 2, 1, 0).lengths, torchTransposed(3, 2, 1, 1).lengths);
    assert.equal(torchTransposed(4, 2, 1, 0).even, true);
    assert.deepEqual(titles(overlapFixes(upModel, analyse)), [KERNEL, RESIZE]);
  });

  test('a re-analysis that fails: no fix', () => {
    assert.deepEqual(overlapFixes(upModel, altered(() => null)), []);
  });

  test('one more error than before: no fix; one more warning, or a hint: both fixes', () => {
    const before = setup(upModel).view.report.diagnostics;
    assert.ok(before.length >= 1 && before.every((d) => d.severity !== 'error'));
    assert.deepEqual(overlapFixes(upModel, altered(withDiagnostic(injected({ model: 'Up()' })))), []);
    assert.deepEqual(overlapFixes(upModel, altered(withDiagnostic(injected({ severity: 'warning', model: 'Up()' })))).map((a) => a.title.split(' · ')[0]), [KERNEL, RESIZE]);
    assert.deepEqual(titles(overlapFixes(upModel, altered(withDiagnostic(injected({ severity: 'hint', code: 'unknown' }))))), [KERNEL, RESIZE]);
  });

  test('an error the file had before, still there after: both fixes; a second one: none', () => {
    const text = upModel + '\n\n# convlens: input=(1, 8, 8, 8)\nclass Bad(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 4, 3)\n\n    def forward(self, x):\n        return self.conv(x)\n';
    const errors = setup(text).view.report.diagnostics.filter((d) => d.severity === 'error');
    // torch: Conv2d(3, …) on 8 channels raises (the engine says so at the call and for the model).
    assert.ok(errors.length >= 1 && errors.every((d) => d.model === 'Bad()'));
    assert.deepEqual(titles(overlapFixes(text, analyse)), [KERNEL, RESIZE]);
    assert.deepEqual(overlapFixes(text, altered(withDiagnostic(injected({ model: 'Bad()' })))), []);
  });

  test('a model missing, its output, its input or a layer’s output changed after the edit: no fix', () => {
    assert.deepEqual(overlapFixes(upModel, altered((r) => ({ ...r, models: [] }))), []);
    assert.deepEqual(overlapFixes(upModel, altered(mapModels((m) => ({ ...m, name: 'Other()' })))), []);
    assert.deepEqual(overlapFixes(upModel, altered(mapModels((m) => ({ ...m, outputs: [[1, 4, 16, 17]] })))), []);
    assert.deepEqual(overlapFixes(upModel, altered(mapModels((m) => ({ ...m, inputs: [[1, 8, 8, 9]] })))), []);
    // Only the rebuilt layer's output: 16×16 ((8 − 1)·2 − 2·1 + 3 + 1, torch's length formula) made 16×17.
    assert.equal((8 - 1) * 2 - 2 * 1 + 3 + 1, 16);
    const layerOut = mapModels((m) => ({ ...m, layers: m.layers.map((l) => (l.path === 'up' || l.path === 'up.1' ? { ...l, out: [[1, 4, 16, 17]] } : l)) }));
    assert.deepEqual(overlapFixes(upModel, altered(layerOut)), []);
  });

  test('the rebuilt layer still overlapping unevenly after the edit: no fix', () => {
    const uneven = mapModels((m) => ({ ...m, layers: m.layers.map((l) => (l.path === 'up' || l.path === 'up.1' ? { ...l, overlap: [[1, 2], [1, 2]] } : l)) }));
    assert.deepEqual(overlapFixes(upModel, altered(uneven)), []);
  });

  test('an overlap warning left on the rebuilt layer: not cured (no fix); another code there: cured', () => {
    const on = (code: ReportDiagnostic['code']) => (r: FileReport): FileReport => {
      const m = r.models[0]!;
      // The rebuilt layer: `up` (kernel fix) or `up.1` (resize), with its own (even) pattern.
      const layer = m.layers.find((l) => l.path === 'up.1') ?? m.layers.find((l) => l.path === 'up')!;
      return withDiagnostic(injected({ severity: 'warning', code, path: layer.path, model: m.name, pattern: layer.overlap }))(r);
    };
    assert.deepEqual(overlapFixes(upModel, altered(on('uneven-overlap'))), []);
    assert.deepEqual(titles(overlapFixes(upModel, altered(on('gridding')))), [KERNEL, RESIZE]);
  });
});

describe('which requested diagnostics a fix cures', () => {
  test('a diagnostic without data, or another model’s, beside the layer’s own: the own one only', () => {
    const fixes = overlapFixes(upModel, analyse, (u) => [...u, { ...u[0]!, data: undefined }, { ...u[0]!, data: { ...(u[0]!.data as object), model: 'Other()' } }]);
    assert.equal(fixes.length, 2);
    const { diagnostics } = setup(upModel);
    for (const f of fixes) assert.deepEqual(f.diagnostics, diagnostics.filter((d) => d.code === 'uneven-overlap'));
  });

  test('a group whose indices name a diagnostic the report does not have: the ones it has decide', () => {
    const fixes = overlapFixes(upModel, analyse, (u) => [{ ...u[0]!, data: { ...(u[0]!.data as object), indices: [0, 99] } }]);
    assert.deepEqual(titles(fixes), [KERNEL, RESIZE]);
  });

  test('stacked a → b: b’s kernel fix cures b’s own warning, not the compound one that a still causes', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '',
      '# convlens: input=(1, 8, 8, 8)',
      'class Up(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.a = nn.ConvTranspose2d(8, 8, kernel_size=3, stride=2, padding=1, output_padding=1)',
      '        self.b = nn.ConvTranspose2d(8, 4, kernel_size=3, stride=4)',
      '',
      '    def forward(self, x):',
      '        return self.b(self.a(x))',
      '',
    ].join('\n');
    // Brute force (all-ones weights): a (3, 2) then b (4, 4) reach outputs unequally (b reads one
    // input per output, so a's 1, 2 pattern goes through); b (4, 4) alone is even.
    assert.ok(new Set(stackedTaps([{ k: 3, s: 2 }, { k: 4, s: 4 }])).size > 1);
    assert.equal(new Set(stackedTaps([{ k: 4, s: 4 }])).size, 1);
    // torch: b's kernel-4 fix of (3, 4, 0, 0) keeps its lengths with padding 0 (k − s = 0 more, … + op 1).
    const { diagnostics } = setup(text);
    const uneven = diagnostics.filter((d) => d.code === 'uneven-overlap');
    const onB = uneven.filter((d) => (d.data as { path: string }).path === 'b');
    assert.equal(onB.length, 2);
    const own = onB.filter((d) => String(d.message).startsWith('ConvTranspose2d b'));
    assert.equal(own.length, 1);
    const bFixes = overlapFixes(text, analyse, () => onB).filter((a) => a.title.startsWith('Use kernel_size='));
    assert.equal(bFixes.length, 1, bFixes.map((a) => a.title).join('\n'));
    assert.deepEqual(bFixes[0]!.diagnostics, own);
    // b's own warning with a message the report no longer has (an older text): it stands for b's own overlap still.
    const renamed = own.map((d) => ({ ...d, message: 'something else' }));
    assert.deepEqual(overlapFixes(text, analyse, () => renamed).filter((a) => a.title.startsWith('Use kernel_size=')).map((a) => a.diagnostics), [renamed]);
    // Another model first with an even layer of the same name b: each warning is b's of its own model.
    const even = ['# convlens: input=(1, 8, 8, 8)', 'class Even(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.b = nn.ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=1)', '', '    def forward(self, x):', '        return self.b(x)', '', ''].join('\n');
    assert.equal(new Set(stackedTaps([{ k: 4, s: 2 }])).size, 1);
    const both = text.replace('# convlens: input=(1, 8, 8, 8)\nclass Up', `${even}# convlens: input=(1, 8, 8, 8)\nclass Up`);
    const ownInUp = (u: Diagnostic[]) => u.filter((d) => String(d.message).startsWith('ConvTranspose2d b') && (d.data as { model: string }).model === 'Up()');
    const fixesInUp = overlapFixes(both, analyse, ownInUp).filter((a) => a.title.startsWith('Use kernel_size='));
    assert.equal(fixesInUp.length, 1);
    assert.deepEqual(fixesInUp[0]!.diagnostics, ownInUp(setup(both).diagnostics));
  });
});

/** Taps per output position of stacked 1-D transposed convolutions, all-ones weights on an
 *  all-ones input (each output counts the paths that reach it), the borders left out. */
function stackedTaps(layers: { k: number; s: number }[], n = 40): number[] {
  let x = new Array<number>(n).fill(1);
  for (const { k, s } of layers) {
    const y = new Array<number>((x.length - 1) * s + k).fill(0);
    for (let i = 0; i < x.length; i++) for (let j = 0; j < k; j++) y[i * s + j]! += x[i]!;
    x = y;
  }
  return x.slice(x.length / 4, (3 * x.length) / 4);
}

describe('an input directive for a failing guess: offered only when the edited text runs on it', () => {
  // Conv2d(3, 4, 5) → Linear(4·28·28): torch runs it when n − 4 = 28 on H and W.
  const net = (name: string, linear = '4 * 28 * 28') =>
    [`class ${name}(nn.Module):`, '    def __init__(self):', '        super().__init__()', '        self.conv = nn.Conv2d(3, 4, 5)', `        self.fc = nn.Linear(${linear}, 10)`, '', '    def forward(self, x):', '        return self.fc(self.conv(x).flatten(1))', ''].join('\n');
  const text = ['import torch.nn as nn', '', '', net('Net')].join('\n');
  const valid = sizesWhere((n) => n - 4, 28);
  const fixTitle = `Set input 1×3×32×32 (Net() runs on H, W: exactly 32; the guessed 224×224 fails at fc (Linear ${4 * 28 * 28}→10))`;

  function inputFixes(t: string, reanalyse: Reanalyse, line = t.split('\n').findIndex((l) => l.includes('return self.fc('))): CodeAction[] {
    const { view, diagnostics } = setup(t);
    const guessed = diagnostics.filter((d) => String(d.message).includes('was a guess'));
    assert.ok(guessed.length >= 1);
    return computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line, character: 4 }, end: { line, character: 4 } }, context: { diagnostics: guessed } }, reanalyse);
  }

  test('the real re-analysis: the solved size', () => {
    assert.deepEqual(valid, [32]);
    assert.deepEqual(inputFixes(text, analyse).map((a) => a.title), [fixTitle]);
  });

  test('a re-analysis that fails, takes another input, or not from the directive: nothing', () => {
    assert.deepEqual(inputFixes(text, altered(() => null)), []);
    assert.deepEqual(inputFixes(text, altered(mapModels((m) => ({ ...m, inputs: [[1, 3, 33, 33]] })))), []);
    assert.deepEqual(inputFixes(text, altered(mapModels((m) => ({ ...m, inputSource: 'inferred' })))), []);
    assert.deepEqual(inputFixes(text, altered(mapModels((m) => ({ ...m, name: 'Other()' })))), []);
  });

  test('a shape or channel mismatch of this model in the edited text: nothing; of another model, or another warning: offered', () => {
    for (const code of ['shape-mismatch', 'channel-mismatch'] as const) {
      assert.deepEqual(inputFixes(text, altered(withDiagnostic(injected({ severity: 'warning', code, model: 'Net()' })))), [], code);
      assert.deepEqual(inputFixes(text, altered(withDiagnostic(injected({ severity: 'warning', code, model: 'Other()' })))).map((a) => a.title), [fixTitle], code);
    }
    assert.deepEqual(inputFixes(text, altered(withDiagnostic(injected({ severity: 'warning', code: 'unknown', model: 'Net()' })))).map((a) => a.title), [fixTitle]);
  });

  test('the every-size run failed, found no size, lists none or could not decide some, gave the guess itself or no guess: no solved size offered', () => {
    const solving = (alter: (m: FileReport['models'][number]) => FileReport['models'][number]): Reanalyse => (t, o) => {
      const r = analyse(t, o);
      return o?.validSizes && r ? mapModels(alter)(r) : r;
    };
    const noSizes = (m: FileReport['models'][number]) => {
      const { validInputSizes, ...rest } = m;
      assert.ok(validInputSizes);
      return rest;
    };
    assert.deepEqual(inputFixes(text, solving(noSizes)), []);
    assert.deepEqual(inputFixes(text, solving((m) => ({ ...m, validInputSizes: { ...m.validInputSizes!, square: { ...m.validInputSizes!.square, valid: [] } } }))), []);
    assert.deepEqual(inputFixes(text, solving((m) => ({ ...m, validInputSizes: { ...m.validInputSizes!, square: { ...m.validInputSizes!.square, valid: null } } }))), []);
    assert.deepEqual(inputFixes(text, solving((m) => ({ ...m, inputs: [[1, 3, 224, 224]] }))), []);
    assert.deepEqual(inputFixes(text, solving((m) => ({ ...m, inputSource: 'directive' }))), []);
    assert.deepEqual(inputFixes(text, (t, o) => (o?.validSizes ? null : analyse(t, o))), []);
  });

  test('a test() that calls the model with the solved size itself: offered once, as the test’s input', () => {
    const withTest = [text, '', 'def test():', '    net = Net()', '    y = net(torch.randn(1, 3, 32, 32))', ''].join('\n').replace('import torch.nn as nn', 'import torch\nimport torch.nn as nn');
    const defLine = withTest.split('\n').indexOf('def test():') + 1;
    assert.deepEqual(inputFixes(withTest, analyse).map((a) => a.title), [`Set input 1×3×32×32 (as test() on line ${defLine} calls Net)`]);
  });

  test('two failing classes: each title names the layer its own guess fails at', () => {
    // Net2: Linear(4·10·10) after the 5×5 conv fails at 224 (4·220·220 features) as Net does, at
    // its own fc; the first warning in the file is Net's.
    const two = ['import torch.nn as nn', '', '', net('Net'), '', net('Net2', '4 * 10 * 10')].join('\n');
    assert.deepEqual(sizesWhere((n) => n - 4, 10), [14]);
    const line = two.split('\n').findIndex((l, i) => i > two.split('\n').findIndex((x) => x.startsWith('class Net2')) && l.includes('return self.fc('));
    const got = inputFixes(two, analyse, line).map((a) => a.title);
    assert.ok(got.includes(`Set input 1×3×14×14 (Net2() runs on H, W: exactly 14; the guessed 224×224 fails at fc (Linear ${4 * 10 * 10}→10))`), got.join('\n'));
  });

  test('an nn.Sequential: the title names the child that fails (its Linear), not the first child called at the same place', () => {
    // torch: Conv2d(3, 4, 5) on 224 gives 220, Flatten 4·220·220 = 193600 features; Linear(3136)
    // raises; 3136 = 4·28·28 needs n − 4 = 28.
    assert.equal(4 * 220 * 220, 193600);
    const seq = [
      'import torch.nn as nn',
      '',
      '',
      'class Seq(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.net = nn.Sequential(nn.Conv2d(3, 4, 5), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 28 * 28, 10), nn.ReLU())',
      '',
      '    def forward(self, x):',
      '        return self.net(x)',
      '',
    ].join('\n');
    const got = inputFixes(seq, analyse, seq.split('\n').findIndex((l) => l.includes('return self.net(')));
    assert.deepEqual(got.map((a) => a.title), [`Set input 1×3×${valid[0]}×${valid[0]} (Seq() runs on H, W: exactly ${valid[0]}; the guessed 224×224 fails at net.3 (Linear 3136→10))`]);
  });
});

describe('two models of one class: one directive for the class line', () => {
  // A class line takes one `# convlens: input=` comment, and it applies to every model of the class.
  const netClass = ['import torch', 'import torch.nn as nn', '', '', 'class Net(nn.Module):', '    def __init__(self, c):', '        super().__init__()', '        self.conv = nn.Conv2d(c, 4, 3, padding=1)', '', '    def forward(self, x):', '        return self.conv(x)', '', '', 'if __name__ == "__main__":'];
  const classLine = netClass.indexOf('class Net(nn.Module):');
  const onClass = (main: string[]) => {
    const text = [...netClass, ...main.map((l) => `    ${l}`), ''].join('\n');
    const { view } = setup(text);
    const line = text.split('\n').indexOf('        return self.conv(x)');
    return computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line, character: 4 }, end: { line, character: 4 } }, context: { diagnostics: [] } }, analyse).map((a) => ({ title: a.title, edits: a.edit!.changes![URI] }));
  };
  const directive = (shape: string) => ({ title: `Set input shape here: (${shape})`, edits: [{ range: { start: { line: classLine, character: 0 }, end: { line: classLine, character: 0 } }, newText: `# convlens: input=(${shape})\n` }] });

  test('both called by the main block with their own inputs: the first one’s input only', () => {
    assert.deepEqual(onClass(['a = Net(3)', 'b = Net(5)', 'a(torch.randn(1, 3, 16, 16))', 'b(torch.randn(1, 5, 16, 16))']), [directive('1, 3, 16, 16')]);
  });

  test('the first one called on something unknown (its input a guess from Conv2d(5, …)), the second on a tensor: the guess only', () => {
    assert.deepEqual(onClass(['b = Net(5)', 'b(torch.load("batch.pt"))', 'a = Net(3)', 'a(torch.randn(1, 3, 16, 16))']), [directive('1, 5, 224, 224')]);
  });

  test('neither called (both inputs guesses, from Conv2d(5, …) and Conv2d(3, …)): the first one’s guess only', () => {
    assert.deepEqual(onClass(['b = Net(5)', 'a = Net(3)']), [directive('1, 5, 224, 224')]);
  });

  test('the same directive from both (the main block’s 1×3×224×224 and the other’s guess from Conv2d(3, …)): offered once', () => {
    assert.deepEqual(onClass(['a = Net(3)', 'b = Net(3)', 'a(torch.randn(1, 3, 224, 224))']), [directive('1, 3, 224, 224')]);
  });
});

describe('a model whose class is in another file', () => {
  test('gets no directive in this one, even where the line numbers of its class meet the cursor', () => {
    const other = 'import torch.nn as nn\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.conv = nn.Conv2d(3, 4, 3, padding=1)\n\n    def forward(self, x):\n        return self.conv(x)\n';
    const readFile = (p: string) => (p === '/proj/other.py' ? other : null);
    const text = 'import torch\nfrom other import Net\n\n\nclass Local(Net):\n    pass\n\n\nif __name__ == "__main__":\n    m = Net()\n    m(torch.randn(1, 3, 16, 16))\n    k = Local()\n    k(torch.randn(1, 3, 8, 8))\n';
    const main = (t: string) => analyzeFile({ file: FILE, text: t, readFile });
    const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text, report: main(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
    const at = (line: number) => computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line, character: 0 }, end: { line, character: 0 } }, context: { diagnostics: [] } }, main).map((a) => ({ title: a.title, edits: a.edit!.changes![URI] }));
    // other.py's `class Net` is on its line 3 (0-based), as this file's empty line 3.
    assert.equal(other.split('\n').indexOf('class Net(nn.Module):'), 3);
    assert.deepEqual(at(3), []);
    const localLine = text.split('\n').indexOf('class Local(Net):');
    assert.deepEqual(at(localLine), [{ title: 'Set input shape here: (1, 3, 8, 8)', edits: [{ range: { start: { line: localLine, character: 0 }, end: { line: localLine, character: 0 } }, newText: '# convlens: input=(1, 3, 8, 8)\n' }] }]);
  });
});

describe('which models a requested diagnostic names as its cause', () => {
  // Good: Conv2d(k=3, padding=1) keeps n, runs on its guess. Bad: Conv2d(k=5) gives n − 4, its Linear takes 4·28·28: n = 32 only.
  const two = goodAndBadModels();
  const inGood = two.split('\n').indexOf('        return self.conv(x)');
  const pinned = 'Set input shape here: (1, 3, 224, 224)';
  const badFix = `Set input 1×3×${sizesWhere((n) => n - 4, 28).join('')}×32 (Bad() runs on H, W: exactly 32; the guessed 224×224 fails at fc (Linear 3136→10))`;
  const request = (report: FileReport, requested: (all: Diagnostic[]) => Diagnostic[]) => {
    const view = new AnalysisView({ uri: URI, path: FILE, version: 1, text: two, report, dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
    const all = computeDiagnostics(view, DEFAULT_SETTINGS);
    return computeCodeActions(view, { textDocument: { uri: URI }, range: { start: { line: inGood, character: 4 }, end: { line: inGood, character: 4 } }, context: { diagnostics: requested(all) } }, analyse);
  };
  const isGuess = (d: Diagnostic) => String(d.message).includes('was a guess');
  const ofBad = (d: Diagnostic) => (d.data as { model?: string } | undefined)?.model === 'Bad()';

  test('Bad’s guessed warnings: Bad’s fix, carrying exactly them; Good’s pinned guess carries none', () => {
    let asked: Diagnostic[] = [];
    const got = request(analyse(two), (all) => (asked = all.filter((d) => isGuess(d) && ofBad(d))));
    assert.ok(asked.length >= 1);
    assert.deepEqual(got.map((a) => [a.title, a.diagnostics]), [[pinned, undefined], [badFix, asked]]);
  });

  test('Bad’s diagnostics that do not say its input was a guess, or say it without data: no fix for Bad', () => {
    // Bad's own warnings with the guess's note taken out of their text.
    const notGuess = (all: Diagnostic[]) => all.filter((d) => isGuess(d) && ofBad(d)).map((d) => ({ ...d, message: String(d.message).split('was a guess').join('was given') }));
    assert.ok(notGuess(computeDiagnostics(setup(two).view, DEFAULT_SETTINGS)).length >= 1);
    assert.deepEqual(request(analyse(two), notGuess).map((a) => a.title), [pinned]);
    assert.deepEqual(request(analyse(two), (all) => all.filter((d) => isGuess(d) && ofBad(d)).map((d) => ({ ...d, data: undefined }))).map((a) => a.title), [pinned]);
  });

  test('a note on Good that mentions the guess but is no warning (info, hint): Good still runs on it', () => {
    const report = analyse(two);
    for (const severity of ['info', 'hint'] as const) {
      const noted = { ...report, diagnostics: [...report.diagnostics, injected({ severity, code: 'unknown', model: 'Good()', message: 'the input 1×3×224×224 was a guess' })] };
      assert.deepEqual(request(noted, () => []).map((a) => a.title), [pinned], severity);
    }
  });
});

describe('arguments the fix cannot rewrite', () => {
  test('a transposed convolution built from *args or **kwargs: no overlap fix (which argument is which is not in the call’s text)', () => {
    const text = ['import torch.nn as nn', '', 'CFG = (8, 4, 3, 2, 1, 1)', 'KW = dict(stride=2, padding=1, output_padding=1)', '', '', '# convlens: input=(1, 8, 8, 8)', 'class Up(nn.Module):', '    def __init__(self):', '        super().__init__()', '        self.a = nn.ConvTranspose2d(*CFG)', '        self.b = nn.ConvTranspose2d(4, 4, 3, **KW)', '', '    def forward(self, x):', '        return self.b(self.a(x))', ''].join('\n');
    // Both k=3, s=2, p=1, op=1: uneven in torch.
    assert.equal(torchTransposed(3, 2, 1, 1).even, false);
    const { diagnostics } = setup(text);
    const uneven = diagnostics.filter((d) => d.code === 'uneven-overlap');
    assert.deepEqual(uneven.map((d) => (d.data as { path: string }).path), ['a', 'b', 'b']);
    assert.deepEqual(overlapFixes(text, analyse), []);
  });
});
