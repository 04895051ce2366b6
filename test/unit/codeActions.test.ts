// The checkerboard quick fixes in process (computeCodeActions with the server's own diagnostics
// and re-analysis), so that mutation testing reaches lsp/codeActions.ts without a server build.
// Oracle: real PyTorch (scripts/golden/mut_quickfix.py → test/golden/torch/mut_quickfix.json):
// for every transposed convolution and resize-convolution an edit produces, torch's output
// lengths for two input lengths and whether all-ones weights give every interior output the same
// number of taps. A fix must keep torch's lengths and make torch's overlap even; a fix that no
// kernel size in torch's table could make must be refused.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import type { FileReport } from '../../server/src/engine/report';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { quickFixGolden, torchResize, torchTransposed } from '../support/quickFixGolden';

const golden = quickFixGolden;

const FILE = '/proj/model.py';
const URI = 'file:///proj/model.py';
const analyse = (text: string): FileReport => analyzeFile({ file: FILE, text, readFile: () => null });

function viewOf(text: string, edits: [] | null = []) {
  const report = analyse(text);
  const view = new AnalysisView(
    { uri: URI, path: FILE, version: 1, text, report, dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} },
    edits,
  );
  return { view, diagnostics: computeDiagnostics(view, DEFAULT_SETTINGS) };
}

let reanalysed = 0;
function actionsFor(text: string, pick: (d: Diagnostic) => boolean = (d) => d.code === 'uneven-overlap', opts: { only?: string[]; dropData?: boolean; edits?: [] | null } = {}) {
  const { view, diagnostics } = viewOf(text, 'edits' in opts ? (opts.edits ?? null) : []);
  const chosen = diagnostics.filter(pick).map((d) => (opts.dropData ? { ...d, data: undefined } : d));
  const range = chosen[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  const actions = computeCodeActions(view, { textDocument: { uri: URI }, range, context: { diagnostics: chosen, ...(opts.only ? { only: opts.only } : {}) } }, (t) => {
    reanalysed++;
    return t.includes('RAISE') ? null : analyse(t);
  });
  return { actions, diagnostics, chosen };
}

const overlapFixes = (actions: CodeAction[]) => actions.filter((a) => /^(Use kernel_size=|Replace with resize-convolution)/.test(a.title));
const apply = (text: string, a: CodeAction): string => TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), a.edit!.changes![URI]!);

/** kernel_size / padding / output_padding / stride of the first ConvTranspose call in `text`. */
function transposedArgs(text: string): { k: number; s: number; p: number; op: number } {
  const call = /ConvTranspose[123]d\(([^)]*)\)/.exec(text)![1]!;
  const num = (name: string, fallback: number) => {
    const m = new RegExp(`${name}\\s*=\\s*\\(?(\\d+)`).exec(call);
    return m ? Number(m[1]) : fallback;
  };
  return { k: num('kernel_size', NaN), s: num('stride', 1), p: num('padding', 0), op: num('output_padding', 0) };
}

const model = (layer: string, extra = '') =>
  [
    'import torch',
    'import torch.nn as nn',
    '',
    '',
    '# convlens: input=(1, 8, 8, 8)',
    'class Up(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.up = ${layer}`,
    extra,
    '',
    '    def forward(self, x):',
    '        return self.up(x)',
    '',
  ].join('\n');

describe('checkerboard quick fixes, checked against real PyTorch', () => {
  const original = model('nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)');

  test('the kernel fix keeps torch’s output lengths and makes torch’s overlap even', () => {
    const { actions, chosen } = actionsFor(original);
    assert.equal(chosen.length, 1);
    const before = torchTransposed(3, 2, 1, 1);
    assert.equal(before.even, false, 'torch: k=3, s=2 overlaps unevenly');
    const kernel = overlapFixes(actions).filter((a) => a.title.startsWith('Use kernel_size='));
    assert.equal(kernel.length, 1);
    const fix = kernel[0]!;
    assert.equal(fix.kind, CodeActionKind.QuickFix);
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics, chosen);
    const after = transposedArgs(apply(original, fix));
    const row = torchTransposed(after.k, after.s, after.p, after.op);
    assert.deepEqual(row.lengths, before.lengths);
    assert.equal(row.even, true);
    // The title names what the edit writes.
    assert.match(fix.title, new RegExp(`^Use kernel_size=${after.k} \\(padding=${after.p}, output_padding=${after.op}: same output shape, even overlap\\)`));
    // Parameters: in·out·k² weights (torch's numel), bias unchanged.
    const delta = 8 * 4 * (after.k * after.k - 9);
    assert.match(fix.title, new RegExp(`· \\+${delta} params, \\+[0-9.]+K MACs · same state_dict keys, new weight shapes$`));
  });

  test('the resize-convolution fix keeps torch’s output lengths; its keys move under .1', () => {
    const { actions, chosen } = actionsFor(original);
    const resize = overlapFixes(actions).filter((a) => a.title.startsWith('Replace with resize-convolution'));
    assert.equal(resize.length, 1);
    const fix = resize[0]!;
    assert.equal(fix.isPreferred, false);
    assert.deepEqual(fix.diagnostics, chosen);
    const edited = apply(original, fix);
    const m = /nn\.Sequential\(nn\.Upsample\(scale_factor=(\d+), mode='nearest'\), nn\.Conv2d\(8, 4, kernel_size=(\d+), padding=(\d+)\)\)/.exec(edited);
    assert.ok(m, edited);
    assert.deepEqual(torchResize(Number(m[1]), Number(m[2]), Number(m[3])).lengths, torchTransposed(3, 2, 1, 1).lengths);
    assert.match(fix.title, /^Replace with resize-convolution \(nearest ×2 \+ nn\.Conv2d\) · /);
    assert.match(fix.title, /state_dict keys move \(up\.weight → up\.1\.weight\)$/);
  });

  test('a call over several lines keeps one part per line, indented as written', () => {
    const text = model(['nn.ConvTranspose2d(', '            8,', '            4,', '            kernel_size=3,', '            stride=2,', '            padding=1,', '            output_padding=1,', '        )'].join('\n'));
    const { actions } = actionsFor(text);
    const resize = overlapFixes(actions).find((a) => a.title.startsWith('Replace'))!;
    const edited = apply(text, resize);
    assert.ok(edited.includes("self.up = nn.Sequential(\n            nn.Upsample(scale_factor=2, mode='nearest'),\n            nn.Conv2d(8, 4, kernel_size=3, padding=1),\n        )"), edited);
    const kernel = overlapFixes(actions).find((a) => a.title.startsWith('Use'))!;
    const after = transposedArgs(apply(text, kernel).replace(/\s+/g, ' '));
    const row = torchTransposed(after.k, after.s, after.p, after.op);
    assert.deepEqual(row.lengths, torchTransposed(3, 2, 1, 1).lengths);
    assert.equal(row.even, true);
  });

  test('positional arguments, groups and bias: both fixes keep torch’s lengths', () => {
    const text = model('nn.ConvTranspose2d(8, 4, 3, 2, 1, groups=2, bias=False)');
    const { actions } = actionsFor(text);
    const resize = overlapFixes(actions).find((a) => a.title.startsWith('Replace'));
    assert.ok(resize);
    const m = /nn\.Conv2d\(8, 4, kernel_size=(\d+), padding=(\d+), groups=2, bias=False\)/.exec(apply(text, resize));
    assert.ok(m, apply(text, resize));
    assert.deepEqual(torchResize(2, Number(m[1]), Number(m[2])).lengths, torchTransposed(3, 2, 1, 0).lengths);
    const kernel = overlapFixes(actions).find((a) => a.title.startsWith('Use'));
    assert.ok(kernel);
    const k = /ConvTranspose2d\(8, 4, (\d+), 2, (\d+), groups=2, bias=False(?:, output_padding=(\d+))?\)/.exec(apply(text, kernel));
    assert.ok(k, apply(text, kernel));
    const row = torchTransposed(Number(k[1]), 2, Number(k[2]), Number(k[3] ?? 0));
    assert.equal(row.even, true);
    assert.deepEqual(row.lengths, torchTransposed(3, 2, 1, 0).lengths);
  });

  test('one helper building stride 2 and stride 3 layers: the stride-2 fix breaks the stride-3 layer in torch, so no fix', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '',
      'def up(cin, cout, stride):',
      '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1)',
      '',
      '',
      '# convlens: input=(1, 8, 8, 8)',
      'class Up(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.a = up(8, 8, 2)',
      '        self.b = up(8, 8, 3)',
      '',
      '    def forward(self, x):',
      '        return self.b(self.a(x))',
      '',
    ].join('\n');
    // torch: every kernel-4 edit that fixes the stride-2 layer (same lengths, even) leaves the
    // stride-3 layer built by the same call uneven or changes its lengths.
    const stride2Fixes = golden.transposed.filter((r) => r.s === 2 && r.k === 4 && r.even && JSON.stringify(r.lengths) === JSON.stringify(torchTransposed(3, 2, 1, 0).lengths));
    assert.ok(stride2Fixes.length > 0);
    for (const f of stride2Fixes) {
      const r3 = golden.transposed.find((r) => r.s === 3 && r.k === 4 && r.p === f.p && r.op === f.op);
      assert.ok(!r3 || !r3.even || JSON.stringify(r3.lengths) !== JSON.stringify(torchTransposed(3, 3, 1, 0).lengths));
    }
    const { actions, chosen } = actionsFor(text);
    assert.ok(chosen.length >= 1);
    assert.deepEqual(overlapFixes(actions), []);
  });

  test('the same helper with stride 2 only: the fix is offered and cures the grouped warning', () => {
    const text = [
      'import torch.nn as nn',
      '',
      '',
      'def up(cin, cout, stride):',
      '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1, output_padding=1)',
      '',
      '',
      '# convlens: input=(1, 8, 8, 8)',
      'class Up(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.a = up(8, 8, 2)',
      '        self.b = up(8, 8, 2)',
      '',
      '    def forward(self, x):',
      '        return self.b(self.a(x))',
      '',
    ].join('\n');
    const { actions, chosen } = actionsFor(text);
    const kernel = overlapFixes(actions).find((a) => a.title.startsWith('Use'));
    assert.ok(kernel);
    assert.deepEqual(kernel.diagnostics, chosen);
    const after = transposedArgs(apply(text, kernel));
    assert.equal(torchTransposed(after.k, 2, after.p, after.op).even, true);
    assert.deepEqual(torchTransposed(after.k, 2, after.p, after.op).lengths, torchTransposed(3, 2, 1, 1).lengths);
  });

  test('an even layer (k=4, s=2 in torch’s table) gets no overlap fix, only the input-shape action', () => {
    assert.equal(torchTransposed(4, 2, 1, 0).even, true);
    const text = model('nn.ConvTranspose2d(8, 4, kernel_size=4, stride=2, padding=1)');
    const { actions, chosen } = actionsFor(text);
    assert.equal(chosen.length, 0);
    assert.deepEqual(overlapFixes(actions), []);
  });

  test('a client that drops diagnostic data gets no overlap fix (it could not say what the fix cures)', () => {
    const { actions } = actionsFor(original, undefined, { dropData: true });
    assert.deepEqual(overlapFixes(actions), []);
  });

  test('nothing while the text on screen is ahead of the analysis', () => {
    const { actions } = actionsFor(original, undefined, { edits: null });
    assert.deepEqual(actions, []);
  });

  test('a re-analysis that fails offers no fix', () => {
    const text = original.replace('return self.up(x)', 'return self.up(x)  # RAISE');
    const { actions } = actionsFor(text);
    assert.deepEqual(overlapFixes(actions), []);
  });

  test('"Set input shape here" on the class line writes the analysed input; not for a refactoring request', () => {
    const { view } = viewOf(original);
    const line = original.split('\n').indexOf('class Up(nn.Module):');
    const params = (only?: string[]) => ({
      textDocument: { uri: URI },
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      context: { diagnostics: [], ...(only ? { only } : {}) },
    });
    const actions = computeCodeActions(view, params(), () => null);
    assert.equal(actions.length, 1);
    assert.equal(actions[0]!.title, 'Set input shape here: (1, 8, 8, 8)');
    assert.equal(actions[0]!.kind, CodeActionKind.QuickFix);
    const edited = apply(original, actions[0]!);
    assert.ok(edited.includes('# convlens: input=(1, 8, 8, 8)\nclass Up'), edited);
    assert.deepEqual(computeCodeActions(view, params([CodeActionKind.Refactor]), () => null), []);
    assert.equal(computeCodeActions(view, params([CodeActionKind.QuickFix]), () => null).length, 1);
    // Inside the class (its forward), the same action; outside it (the imports), nothing.
    const body = original.split('\n').indexOf('        return self.up(x)');
    assert.equal(computeCodeActions(view, { ...params(), range: { start: { line: body, character: 8 }, end: { line: body, character: 8 } } }, () => null).length, 1);
    assert.deepEqual(computeCodeActions(view, { ...params(), range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } }, () => null), []);
  });

  test('a re-analysis is done once per edited text', () => {
    reanalysed = 0;
    actionsFor(original);
    assert.equal(reanalysed, 2);
  });
});
