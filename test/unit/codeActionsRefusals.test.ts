// Quick fixes that must be refused, and the exact edits, titles and cured diagnostics of those
// offered (in process, as codeActions.test.ts). Oracles: real PyTorch —
// test/golden/torch/mut_quickfix.json (scripts/golden/mut_quickfix.py: output lengths and even
// overlap of transposed and resize convolutions) and test/golden/torch/ca_quickfix_refusals.json
// (scripts/golden/ca_quickfix_refusals.py: the output_size values torch accepts, whether
// nn.Sequential takes output_size= or has kernel_size, which output_padding torch accepts, Conv1d
// lengths) — brute-force tap counts of stacked transposed convolutions, and the length formula
// out = (in − 1)·s − 2p + k + op worked out by hand where a test says so. Expected edit
// positions are found in the test's own text with indexOf.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { quickFixGolden, torchResize, torchTransposed } from '../support/quickFixGolden';

const refusals = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', 'ca_quickfix_refusals.json'), 'utf8')) as {
  outputSize: { k: number; s: number; p: number; n: number; accepted: number[] }[];
  sequentialOutputSize: boolean;
  sequentialKernelSize: boolean;
  outputPadding: { s: number; op: number; ok: boolean }[];
  conv: { k: number; n: number; length: number }[];
  transposedPaddingModes: Record<string, boolean>;
};

const FILE = '/proj/refuse.py';
const URI = 'file:///proj/refuse.py';
const analyse = (text: string) => analyzeFile({ file: FILE, text, readFile: () => null });

function setup(text: string, version = 1) {
  const view = new AnalysisView({ uri: URI, path: FILE, version, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  return { view, diagnostics: computeDiagnostics(view, DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap') };
}

let reanalysed = 0;
function fixes(view: AnalysisView, requested: Diagnostic[]): CodeAction[] {
  const range = requested[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return computeCodeActions(view, { textDocument: { uri: URI }, range, context: { diagnostics: requested } }, (t) => {
    reanalysed++;
    return analyse(t);
  }).filter((a) => /^(Use kernel_size=|Replace with resize-convolution)/.test(a.title));
}

const edits = (a: CodeAction): TextEdit[] => a.edit!.changes![URI]!;
const apply = (text: string, a: CodeAction) => TextDocument.applyEdits(TextDocument.create(URI, 'python', 0, text), edits(a));

/** The LSP range of the `nth` occurrence of `needle` in `text` (0-based lines and characters). */
function rangeOf(text: string, needle: string, nth = 0, length = needle.length) {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, needle);
  const doc = TextDocument.create(URI, 'python', 0, text);
  return { start: doc.positionAt(at), end: doc.positionAt(at + length) };
}

const model = (cls: string, layer: string, forward = 'return self.up(x)', extra = '') =>
  [`# convlens: input=(1, 8, 8, 8)`, `class ${cls}(nn.Module):`, '    def __init__(self):', '        super().__init__()', `        self.up = ${layer}`, ...(extra ? [extra] : []), '', '    def forward(self, x):', `        ${forward}`, ''].join('\n');
const file = (...models: string[]) => ['import torch.nn as nn', '', '', models.join('\n\n')].join('\n');

/** torch's rows with kernel K and stride s that overlap evenly and keep ConvTranspose(k, s, p,
 *  op)'s lengths: the (p, op) a kernel-K fix may write. */
const torchKernelFixes = (k: number, s: number, p: number, op: number, K: number) =>
  quickFixGolden.transposed.filter((r) => r.k === K && r.s === s && r.even && JSON.stringify(r.lengths) === JSON.stringify(torchTransposed(k, s, p, op).lengths));

/** Taps per output position of stacked 1-D transposed convolutions with all-ones weights on an
 *  all-ones input (each output counts the paths that reach it), the borders left out. */
function stackedTaps(layers: { k: number; s: number }[], n = 40): number[] {
  let x = new Array<number>(n).fill(1);
  for (const { k, s } of layers) {
    const y = new Array<number>((x.length - 1) * s + k).fill(0);
    for (let i = 0; i < x.length; i++) for (let j = 0; j < k; j++) y[i * s + j]! += x[i]!;
    x = y;
  }
  const border = layers.reduce((b, l) => b * l.s + l.k, 0);
  return x.slice(border, x.length - border);
}

describe('quick fixes: exact edits and titles, checked against real PyTorch', () => {
  test('two classes each with self.up: each warning gets the fixes of its own class’s call and cures only itself', () => {
    const text = file(
      model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)'),
      model('B', 'nn.ConvTranspose2d(8, 4, kernel_size=5, stride=2, padding=2, output_padding=1)'),
    );
    const { view, diagnostics } = setup(text);
    assert.equal(diagnostics.length, 2);
    // torch: k=3,p=1,op=1 → k=4 needs 2p − op = 2 (lengths 2n): p=1, op=0; k=5,p=2,op=1 → k=6 needs 2p − op = 4: p=2, op=0.
    assert.deepEqual(torchKernelFixes(3, 2, 1, 1, 4).map((r) => [r.p, r.op]), [[1, 0]]);
    assert.deepEqual(torchKernelFixes(5, 2, 2, 1, 6).map((r) => [r.p, r.op]), [[2, 0]]);
    assert.equal(torchTransposed(3, 2, 1, 1).even, false);
    assert.equal(torchTransposed(5, 2, 2, 1).even, false);
    // Both warnings requested: each class's two fixes, each curing exactly its own warning.
    const all = fixes(view, diagnostics);
    assert.equal(all.length, 4, all.map((a) => a.title).join('\n'));
    assert.deepEqual(all.map((a) => a.diagnostics), [[diagnostics[0]], [diagnostics[0]], [diagnostics[1]], [diagnostics[1]]]);
    for (const [i, k, K, P, cls] of [[0, 3, 4, 1, 'A'], [1, 5, 6, 2, 'B']] as const) {
      const d = diagnostics[i]!;
      assert.equal((d.data as { model: string }).model, `${cls}()`);
      const mine = fixes(view, [d]);
      assert.equal(mine.length, 2, mine.map((a) => a.title).join('\n'));
      const [mk, mr] = mine as [CodeAction, CodeAction];
      assert.deepEqual(mk.diagnostics, [d]);
      assert.deepEqual(mr.diagnostics, [d]);
      assert.equal(mk.isPreferred, true);
      assert.equal(mr.isPreferred, false);
      assert.deepEqual(edits(mk), [
        { range: rangeOf(text, `${k}, stride=2`, 0, 1), newText: String(K) },
        { range: rangeOf(text, ', output_padding=1', i), newText: '' },
      ]);
      // Parameters: in·out·(K² − k²) more weights (torch's ConvTranspose2d weight is [in, out, k, k]).
      const delta = 8 * 4 * (K * K - k * k);
      assert.match(mk.title, new RegExp(`^Use kernel_size=${K} \\(padding=${P}, output_padding=0: same output shape, even overlap\\) · \\+${delta} params, \\+[0-9.]+K MACs · same state_dict keys, new weight shapes$`));
      const after = apply(text, mk);
      assert.equal(after.split('\n').filter((l, j) => l !== text.split('\n')[j]).length, 1, 'one line changes');
    }
  });

  test('padding absent and still 0 stays absent, a keyword output_padding that becomes 0 is removed; the exact resize text', () => {
    const layer = 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, output_padding=1)';
    const text = file(model('A', layer));
    const { view, diagnostics } = setup(text);
    // torch: k=3, p=0, op=1 gives 2n+2; k=4 with 2p − op = 0: p=0, op=0 (padding absent stays absent, output_padding goes).
    assert.deepEqual(torchKernelFixes(3, 2, 0, 1, 4).map((r) => [r.p, r.op]), [[0, 0]]);
    const [kernel, resize] = fixes(view, diagnostics) as [CodeAction, CodeAction];
    assert.equal(kernel.title.split(' · ')[0], 'Use kernel_size=4 (padding=0, output_padding=0: same output shape, even overlap)');
    assert.deepEqual(edits(kernel), [
      { range: rangeOf(text, '3, stride', 0, 1), newText: '4' },
      { range: rangeOf(text, ', output_padding=1'), newText: '' },
    ]);
    // Resize: nearest ×2 then a 3×3 convolution with 2P = k + op − s − 2p + K − 1 = 3 + 1 − 2 − 0 + 2 = 4, P = 2.
    assert.deepEqual(torchResize(2, 3, 2).lengths, torchTransposed(3, 2, 0, 1).lengths);
    assert.deepEqual(edits(resize), [{ range: rangeOf(text, layer), newText: "nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(8, 4, kernel_size=3, padding=2))" }]);
    // Conv2d weight [4, 8, 3, 3] + bias 4 = ConvTranspose2d weight [8, 4, 3, 3] + bias 4.
    assert.equal(resize.title.split(' · ')[0], 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)');
    assert.match(resize.title, / · params unchanged, \+[0-9.]+K MACs · state_dict keys move \(up\.weight → up\.1\.weight\)$/);
  });

  test('positional output_padding is rewritten, not removed; a padding already right is left as written', () => {
    const layer = 'nn.ConvTranspose2d(8, 4, 3, 2, 1, 1)';
    const text = file(model('A', layer));
    const { view, diagnostics } = setup(text);
    const [kernel] = fixes(view, diagnostics) as [CodeAction];
    // torch: k=3, p=1, op=1 → k=4, p=1, op=0 (see above): padding 1 stays, output_padding 1 → 0.
    assert.deepEqual(edits(kernel), [
      { range: rangeOf(text, '3, 2, 1, 1', 0, 1), newText: '4' },
      { range: { start: { ...rangeOf(text, '1)').start }, end: rangeOf(text, '1)', 0, 1).end }, newText: '0' },
    ]);
  });

  test('a call over several lines with the first argument beside the parenthesis: resize parts indented one level deeper', () => {
    const layer = 'nn.ConvTranspose2d(8, 4,\n                                     kernel_size=3, stride=2, padding=1)';
    const text = file(model('A', layer));
    const { view, diagnostics } = setup(text);
    const resize = fixes(view, diagnostics).find((a) => a.title.startsWith('Replace'))!;
    // torch: k=3, p=1, op=0 → 2n − 1; nearest ×2 and k=4, P=1: 2n + 2 − 3 = 2n − 1.
    assert.deepEqual(torchResize(2, 4, 1).lengths, torchTransposed(3, 2, 1, 0).lengths);
    assert.deepEqual(edits(resize), [
      { range: rangeOf(text, layer), newText: "nn.Sequential(\n            nn.Upsample(scale_factor=2, mode='nearest'),\n            nn.Conv2d(8, 4, kernel_size=4, padding=1),\n        )" },
    ]);
  });

  test('padding_mode=\'zeros\' (the only mode torch allows a transposed convolution) keeps the resize fix', () => {
    for (const mode of ["'zeros'", '"zeros"']) {
      const text = file(model('A', `nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1, padding_mode=${mode})`));
      const { view, diagnostics } = setup(text);
      const titles = fixes(view, diagnostics).map((a) => a.title.split(' · ')[0]);
      assert.deepEqual(titles, ['Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)', 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)']);
    }
  });

  test('padding_mode passed through a helper’s variable (bound to \'zeros\', the only mode torch builds a transposed convolution with): both fixes', () => {
    assert.deepEqual(refusals.transposedPaddingModes, { zeros: true, reflect: false, replicate: false, circular: false });
    const text = ['import torch.nn as nn', '', '', "def up(cin, cout, mode='zeros'):", '    return nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1, padding_mode=mode)', '', '', model('A', 'up(8, 4)')].join('\n');
    const { view, diagnostics } = setup(text);
    assert.equal(diagnostics.length, 1);
    const [kernel, resize] = fixes(view, diagnostics) as [CodeAction, CodeAction];
    assert.equal(kernel.title.split(' · ')[0], 'Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)');
    // torch: (3, 2, 1, 1) → nearest ×2 + 3×3 conv with 2P = 3 + 1 − 2 − 2 + 2 = 2, P = 1 (Conv2d pads with zeros by default).
    assert.deepEqual(torchResize(2, 3, 1).lengths, torchTransposed(3, 2, 1, 1).lengths);
    assert.deepEqual(edits(resize), [{ range: rangeOf(text, 'nn.ConvTranspose2d(cin, cout, 3, stride=2, padding=1, output_padding=1, padding_mode=mode)'), newText: "nn.Sequential(nn.Upsample(scale_factor=2, mode='nearest'), nn.Conv2d(cin, cout, kernel_size=3, padding=1))" }]);
  });

  test('dilation 2 on one axis: neither fix (kernel divisibility and resize assume dilation 1)', () => {
    const text = file(model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, dilation=(1, 2), padding=1)'));
    const { view, diagnostics } = setup(text);
    assert.ok(diagnostics.length >= 1);
    assert.deepEqual(fixes(view, diagnostics), []);
  });

  test('a stale diagnostic (an older analysed version) is matched by its layer and message', () => {
    const text = file(model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)'));
    const old = setup(text, 1).diagnostics;
    const { view } = setup(text, 2);
    const got = fixes(view, old);
    assert.equal(got.length, 2);
    for (const a of got) assert.deepEqual(a.diagnostics, old);
    // Its message no longer names what the report says: it stands for its own layer still.
    const edited = old.map((d) => ({ ...d, message: 'something else' }));
    assert.deepEqual(fixes(view, edited).map((a) => a.diagnostics), [edited, edited]);
  });

  test('each edited text is analysed once, also over two requests', () => {
    const text = file(model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)'));
    const { view, diagnostics } = setup(text);
    reanalysed = 0;
    fixes(view, diagnostics);
    assert.equal(reanalysed, 2);
    fixes(view, diagnostics);
    assert.equal(reanalysed, 2);
  });

  test('an error elsewhere in the file before the edit does not stop the fix', () => {
    const text = file(
      model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)'),
      model('Bad', 'nn.Conv2d(3, 4, 3)'),
    );
    const { view, diagnostics } = setup(text);
    assert.ok(view.report.diagnostics.some((d) => d.severity === 'error' && d.model === 'Bad()'), 'torch: Conv2d(3, …) on 8 channels fails');
    assert.equal(fixes(view, diagnostics).length, 2);
  });
});

describe('quick fixes that must be refused (real PyTorch)', () => {
  const helper = (s1: number, s2: number, op = 0) =>
    [
      'import torch.nn as nn',
      '',
      '',
      'def up(cin, cout, stride):',
      `    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1${op ? `, output_padding=${op}` : ''})`,
      '',
      '',
      model('Up', 'up(8, 8, 2)', 'return self.b(self.up(x))', `        self.b = up(8, 8, ${s2})`).replace('up(8, 8, 2)', `up(8, 8, ${s1})`),
    ].join('\n');

  test('one helper with strides 2 and 3, only the stride-2 warning requested: no fix (it would leave the stride-3 layer uneven)', () => {
    const text = helper(2, 3);
    const { view, diagnostics } = setup(text);
    const own = diagnostics.filter((d) => (d.data as { path: string }).path === 'up');
    assert.equal(own.length, 1);
    // torch: the one kernel-4 fix of (3, 2, 1, 0) is p=2, op=1; on the stride-3 layer (4, 3, 2, 1) is uneven.
    assert.deepEqual(torchKernelFixes(3, 2, 1, 0, 4).map((r) => [r.p, r.op]), [[2, 1]]);
    assert.equal(torchTransposed(4, 3, 2, 1).even, false);
    // The resize fix (nearest ×2) of the stride-3 layer: torch's lengths differ from (3, 3, 1, 0)'s.
    for (const r of quickFixGolden.resize.filter((r) => r.s === 2)) assert.notDeepEqual(r.lengths, torchTransposed(3, 3, 1, 0).lengths);
    assert.deepEqual(fixes(view, own), []);
    assert.deepEqual(fixes(view, diagnostics), []);
  });

  test('one helper with strides 2 and 4: the kernel fix cures all three warnings; resize would change the later layer’s shape', () => {
    const text = helper(2, 4);
    const { view, diagnostics } = setup(text);
    // a's own, b's own, and the stack a → b ending at b.
    assert.deepEqual(diagnostics.map((d) => (d.data as { path: string }).path), ['up', 'b', 'b']);
    assert.deepEqual(torchKernelFixes(3, 2, 1, 0, 4).map((r) => [r.p, r.op]), [[2, 1]]);
    // The same edit on the stride-4 layer: even in torch, and its lengths kept (p=3, op=3 would do too).
    assert.deepEqual(torchKernelFixes(3, 4, 1, 0, 4).map((r) => [r.p, r.op]), [[2, 1], [3, 3]]);
    // Brute force: kernel 4 stride 2 then kernel 4 stride 4 reach every output equally; 3/2 then 3/4 do not.
    assert.equal(new Set(stackedTaps([{ k: 4, s: 2 }, { k: 4, s: 4 }])).size, 1);
    assert.ok(new Set(stackedTaps([{ k: 3, s: 2 }, { k: 3, s: 4 }])).size > 1);
    for (const r of quickFixGolden.resize.filter((r) => r.s === 2)) assert.notDeepEqual(r.lengths, torchTransposed(3, 4, 1, 0).lengths);
    const got = fixes(view, diagnostics);
    assert.equal(got.length, 1, got.map((a) => a.title).join('\n'));
    const [kernel] = got as [CodeAction];
    assert.deepEqual(kernel.diagnostics, diagnostics);
    assert.deepEqual(edits(kernel), [
      { range: rangeOf(text, '3, stride=stride', 0, 1), newText: '4' },
      { range: rangeOf(text, '1)', 0, 1), newText: '2' },
      { range: { start: rangeOf(text, '1)', 0, 1).end, end: rangeOf(text, '1)', 0, 1).end }, newText: ', output_padding=1' },
    ]);
    // 8·8·(16 − 9) more weights per layer, two layers.
    assert.match(kernel.title, new RegExp(`^Use kernel_size=4 \\(padding=2, output_padding=1: same output shape, even overlap\\) · \\+${2 * 8 * 8 * 7} params, `));
  });

  test('one helper with strides 2 and 1: no fix (output_padding 1 is not allowed with stride 1; resize would double the stride-1 layer)', () => {
    const text = helper(2, 1);
    const { view, diagnostics } = setup(text);
    assert.ok(diagnostics.length >= 1);
    assert.deepEqual(torchKernelFixes(3, 2, 1, 0, 4).map((r) => [r.p, r.op]), [[2, 1]]);
    assert.equal(refusals.outputPadding.find((r) => r.s === 1 && r.op === 1)!.ok, false);
    assert.equal(refusals.outputPadding.find((r) => r.s === 2 && r.op === 1)!.ok, true);
    // Stride 1, k=3, p=1 keeps the length n; nearest ×2 then any conv in torch's table changes it.
    assert.deepEqual(torchTransposed(3, 1, 1, 0).lengths, [7, 8]);
    for (const r of quickFixGolden.resize.filter((r) => r.s === 2)) assert.notDeepEqual(r.lengths, [7, 8]);
    assert.deepEqual(fixes(view, diagnostics), []);
  });

  test('a layer called with output_size=: the kernel fix torch accepts is offered; resize is not (Sequential takes no output_size)', () => {
    const text = file(model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1)', 'return self.up(x, output_size=(16, 16))'));
    const { view, diagnostics } = setup(text);
    assert.equal(refusals.sequentialOutputSize, false);
    const accepted = (k: number, p: number) => refusals.outputSize.find((r) => r.k === k && r.p === p)!.accepted;
    assert.ok(accepted(3, 1).includes(16));
    // output_size 16 makes op = 16 − ((8 − 1)·2 − 2 + 3) = 1, so k=4 needs 2p − op = 2·1 − 1 + 1 = 2: p=1, op=0.
    assert.ok(accepted(4, 1).includes(16));
    const got = fixes(view, diagnostics);
    assert.deepEqual(got.map((a) => a.title.split(' · ')[0]), ['Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)']);
    assert.deepEqual(edits(got[0]!), [{ range: rangeOf(text, '3, stride', 0, 1), newText: '4' }]);
  });

  test('a layer called with output_size 15 and 16: no kernel of the stride accepts both in torch, so no fix', () => {
    const text = file(model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1)', 'return self.up(x, output_size=(15, 15)), self.up(x, output_size=(16, 16))'));
    const { view, diagnostics } = setup(text);
    const acc = (k: number, p: number) => refusals.outputSize.find((r) => r.k === k && r.p === p)!.accepted;
    assert.ok(acc(3, 1).includes(15) && acc(3, 1).includes(16));
    for (const K of [2, 4, 6, 8]) for (let p = 0; p <= 4; p++) assert.ok(!(acc(K, p).includes(15) && acc(K, p).includes(16)), `k=${K} p=${p}`);
    const own = diagnostics.filter((d) => String(d.message).startsWith('ConvTranspose2d up'));
    assert.equal(own.length, 1);
    assert.deepEqual(fixes(view, own), []);
  });

  test('a later layer built with this layer’s kernel_size: the kernel fix would change its shape, resize would remove the attribute', () => {
    const text = file(model('A', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)', 'return self.post(self.up(x))', '        self.post = nn.Conv2d(4, 4, kernel_size=self.up.kernel_size)'));
    const { view, diagnostics } = setup(text);
    assert.equal(diagnostics.length, 1);
    // up's output is 16 (2·8); post with kernel 3 gives 14, with any even kernel torch gives another length.
    const conv = (k: number) => refusals.conv.find((r) => r.k === k)!.length;
    for (const K of [2, 4, 6, 8]) assert.notEqual(conv(K), conv(3));
    assert.equal(refusals.sequentialKernelSize, false);
    assert.deepEqual(fixes(view, diagnostics), []);
  });
});
