// More quick-fix cases in process (see codeActionsRefusals.test.ts): a layer made in another
// file, an output that reads the layer's kernel_size, a functional call after a multi-line
// resize, diagnostics from an older analysed version. Oracles: real PyTorch
// (test/golden/torch/mut_quickfix.json via test/support/quickFixGolden.ts), Python's slicing
// (y[..., :m] keeps min(m, length) items) and the length formula written out where used.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodeAction, Diagnostic } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { quickFixGolden, torchTransposed } from '../support/quickFixGolden';

const FILE = '/proj/main.py';
const URI = 'file:///proj/main.py';

function setup(text: string, files: Record<string, string> = {}, version = 1) {
  const analyse = (t: string) => analyzeFile({ file: FILE, text: t, readFile: (p) => files[p] ?? null });
  const view = new AnalysisView({ uri: URI, path: FILE, version, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  let reanalysed = 0;
  const fixes = (requested: Diagnostic[]): CodeAction[] =>
    computeCodeActions(view, { textDocument: { uri: URI }, range: requested[0]!.range, context: { diagnostics: requested } }, (t) => {
      reanalysed++;
      return analyse(t);
    }).filter((a) => /^(Use kernel_size=|Replace with resize-convolution)/.test(a.title));
  return { view, diagnostics: computeDiagnostics(view, DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap'), fixes, reanalysed: () => reanalysed };
}

const cls = (init: string[], forward: string[]) =>
  ['# convlens: input=(1, 8, 8, 8)', 'class Up(nn.Module):', '    def __init__(self):', '        super().__init__()', ...init.map((l) => `        ${l}`), '', '    def forward(self, x):', ...forward.map((l) => `        ${l}`), ''];

describe('quick fixes: more cases', () => {
  test('a layer made by a helper in another file: no fix in this file, nothing re-analysed', () => {
    const call = '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=2, padding=1)';
    const blocks = ['import torch.nn as nn', '', '', 'def up(cin, cout):', call, ''].join('\n');
    // This file has the same call at the same line and column (its own helper, used by nothing).
    const text = ['import torch.nn as nn', 'from blocks import up', '', 'def mine(cin, cout):', call, '', '', ...cls(['self.up = up(8, 4)'], ['return self.up(x)'])].join('\n');
    const { diagnostics, fixes, reanalysed } = setup(text, { '/proj/blocks.py': blocks });
    assert.equal(diagnostics.length, 1, 'the imported helper’s layer overlaps unevenly');
    assert.deepEqual(fixes(diagnostics), []);
    assert.equal(reanalysed(), 0);
  });

  test('an output cropped to a multiple of the layer’s kernel_size: the kernel fix would change the model’s output, so no fix', () => {
    const text = ['import torch.nn as nn', '', '', ...cls(['self.up = nn.ConvTranspose2d(8, 4, 3, 2, 1, 1)'], ['y = self.up(x)', 'return y[:, :, : 4 * self.up.kernel_size[0]]'])].join('\n');
    const { view, diagnostics, fixes } = setup(text);
    // torch: (3, 2, 1, 1) gives 16 rows from 8; y[:, :, :12] keeps 12 of them; with kernel 4, :16 keeps 16.
    assert.deepEqual(torchTransposed(3, 2, 1, 1).lengths, [14, 16]);
    assert.equal(Math.min(16, 4 * 3), 12);
    assert.equal(Math.min(16, 4 * 4), 16);
    assert.deepEqual(view.report.models[0]!.outputs, [[1, 4, 12, 16]]);
    assert.equal(diagnostics.length, 1);
    assert.deepEqual(fixes(diagnostics).map((a) => a.title.split(' · ')[0]), []);
  });

  test('a multi-line resize-convolution moves the lines below; the functional call after it is still the same', () => {
    const text = ['import torch.nn as nn', 'import torch.nn.functional as F', '', '', ...cls(['self.up = nn.ConvTranspose2d(', '    8, 4, kernel_size=3, stride=2, padding=1, output_padding=1', ')'], ['return F.relu(self.up(x))'])].join('\n');
    const { diagnostics, fixes } = setup(text);
    const titles = fixes(diagnostics).map((a) => a.title.split(' · ')[0]);
    assert.deepEqual(titles, ['Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)', 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)']);
  });

  test('a grouped diagnostic from an older version is matched by its message, not by indices into the new report', () => {
    const helper = ['import torch.nn as nn', '', '', 'def up(cin, cout, stride):', '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1, output_padding=1)', '', ''];
    const v1 = [...helper, ...cls(['self.first = up(8, 8, 2)', 'self.second = up(8, 8, 2)'], ['return self.second(self.first(x))'])].join('\n');
    // Version 2 adds a separately written uneven layer first: its warning comes first in the report.
    const v2 = [...helper, ...cls(['self.c = nn.ConvTranspose2d(8, 8, kernel_size=5, stride=2, padding=2, output_padding=1)', 'self.first = up(8, 8, 2)', 'self.second = up(8, 8, 2)'], ['return self.second(self.first(self.c(x)))'])].join('\n');
    const old = setup(v1).diagnostics;
    const own = old.filter((d) => (d.data as { paths?: string[] }).paths?.length === 2);
    assert.equal(own.length, 1, JSON.stringify(old.map((d) => d.data)));
    const { fixes } = setup(v2, {}, 2);
    // torch: (3, 2, 1, 1) → kernel 4 with p=1, op=0 keeps the lengths and is even.
    assert.equal(torchTransposed(4, 2, 1, 0).even, true);
    assert.deepEqual(torchTransposed(4, 2, 1, 0).lengths, torchTransposed(3, 2, 1, 1).lengths);
    const got = fixes(own);
    assert.deepEqual(got.map((a) => a.title.split(' · ')[0]), ['Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)', 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)']);
    for (const a of got) assert.deepEqual(a.diagnostics, own);
  });

  test('a functional call padded by the layer’s kernel_size: the kernel fix would change its shape (the model’s output stays), so no fix', () => {
    const text = ['import torch.nn as nn', 'import torch.nn.functional as F', '', '', ...cls(['self.up = nn.ConvTranspose2d(8, 4, 3, 2, 1, 1)'], ['z = F.pad(self.up(x), [self.up.kernel_size[0]] * 4)', 'return z[:, :, :8, :8]'])].join('\n');
    const { view, diagnostics, fixes } = setup(text);
    // torch: 16 rows from 8 ((3, 2, 1, 1)); F.pad adds k on each side: 16 + 2·3 = 22, with kernel 4: 24.
    assert.deepEqual(torchTransposed(3, 2, 1, 1).lengths, [14, 16]);
    assert.deepEqual(view.report.models[0]!.layers.map((l) => l.out), [[[1, 4, 16, 16]], [[1, 4, 16 + 2 * 3, 16 + 2 * 3]]]);
    assert.deepEqual(view.report.models[0]!.outputs, [[1, 4, 8, 8]]);
    assert.deepEqual(fixes(diagnostics), []);
  });

  test('fixing the last of two stacked layers cures its own warning, not the stack’s (brute force: the stack stays uneven)', () => {
    const text = ['import torch.nn as nn', '', '', ...cls(['self.up1 = nn.ConvTranspose2d(8, 8, kernel_size=3, stride=2, padding=1, output_padding=1)', 'self.up2 = nn.ConvTranspose2d(8, 4, kernel_size=5, stride=2, padding=2, output_padding=1)'], ['return self.up2(self.up1(x))'])].join('\n');
    const { diagnostics, fixes } = setup(text);
    const at = (p: string) => diagnostics.filter((d) => (d.data as { path: string }).path === p);
    const [own2, stack2] = [at('up2').find((d) => String(d.message).startsWith('ConvTranspose2d up2'))!, at('up2').find((d) => String(d.message).startsWith('The 2 stacked'))!];
    assert.ok(own2 && stack2 && at('up1').length === 1);
    // torch: (5, 2, 2, 1) → kernel 6, p=2, op=0 keeps the lengths, even.
    assert.equal(torchTransposed(6, 2, 2, 0).even, true);
    assert.deepEqual(torchTransposed(6, 2, 2, 0).lengths, torchTransposed(5, 2, 2, 1).lengths);
    // Kernel 3 stride 2 then kernel 6 stride 2 with all-ones weights: outputs still reached unequally.
    const taps = (k1: number, k2: number) => {
      const x = new Array<number>(30).fill(1);
      const y = new Array<number>(29 * 2 + k1).fill(0);
      x.forEach((v, i) => { for (let j = 0; j < k1; j++) y[i * 2 + j]! += v; });
      const z = new Array<number>((y.length - 1) * 2 + k2).fill(0);
      y.forEach((v, i) => { for (let j = 0; j < k2; j++) z[i * 2 + j]! += v; });
      return new Set(z.slice(20, z.length - 20)).size;
    };
    assert.ok(taps(3, 6) > 1);
    assert.ok(taps(3, 5) > 1);
    const got = fixes(diagnostics).filter((a) => a.title.startsWith('Use kernel_size=6'));
    assert.equal(got.length, 1);
    assert.deepEqual(got[0]!.diagnostics, [own2]);
  });

  test('a resize that takes weights off says so with a minus sign (hand count of torch’s weights)', () => {
    const text = ['import torch.nn as nn', '', '', ...cls(['self.up = nn.ConvTranspose2d(8, 4, kernel_size=5, stride=2, padding=2, output_padding=1)'], ['return self.up(x)'])].join('\n');
    const { diagnostics, fixes } = setup(text);
    const resize = fixes(diagnostics).find((a) => a.title.startsWith('Replace'))!;
    // δ = k + op − s − 2p = 5 + 1 − 2 − 4 = 0, so a 3×3 conv with 2P = δ + 3 − 1 = 2: Conv2d(8, 4, 3, padding=1).
    // ConvTranspose2d weight 8·4·5·5 = 800, Conv2d weight 4·8·3·3 = 288 (biases 4 both): −512.
    assert.match(resize.title, /nn\.Conv2d\) · −512 params, \+[0-9.]+K MACs · state_dict keys move \(up\.weight → up\.1\.weight\)$/);
  });

  test('a later layer’s shape would change but the model’s output not (adaptive pool after it): no resize fix', () => {
    const helper = ['import torch.nn as nn', '', '', 'def up(cin, cout, stride):', '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1)', '', ''];
    const text = [...helper, ...cls(['self.first = up(8, 8, 2)', 'self.second = up(8, 8, 4)', 'self.pool = nn.AdaptiveAvgPool2d(4)'], ['return self.pool(self.second(self.first(x)))'])].join('\n');
    const { view, diagnostics, fixes } = setup(text);
    assert.deepEqual(view.report.models[0]!.outputs, [[1, 8, 4, 4]]);
    // torch: nearest ×2 + any conv of the table never gives (3, 4, 1, 0)'s lengths for the stride-4 layer.
    for (const r of quickFixGolden.resize.filter((r) => r.s === 2)) assert.notDeepEqual(r.lengths, torchTransposed(3, 4, 1, 0).lengths);
    assert.deepEqual(fixes(diagnostics).map((a) => a.title.split(' · ')[0]), ['Use kernel_size=4 (padding=2, output_padding=1: same output shape, even overlap)']);
  });

  test('a grouped diagnostic of the analysed version stands for every layer of the group', () => {
    const helper = ['import torch.nn as nn', '', '', 'def up(cin, cout, stride):', '    return nn.ConvTranspose2d(cin, cout, kernel_size=3, stride=stride, padding=1, output_padding=1)', '', ''];
    const text = [...helper, ...cls(['self.first = up(8, 8, 2)', 'self.second = up(8, 8, 2)'], ['return self.second(self.first(x))'])].join('\n');
    const { diagnostics, fixes } = setup(text);
    const grouped = diagnostics.filter((d) => (d.data as { indices?: number[] }).indices?.length === 2);
    assert.equal(grouped.length, 1);
    const got = fixes(grouped);
    assert.deepEqual(got.map((a) => a.title.split(' · ')[0]), ['Use kernel_size=4 (padding=1, output_padding=0: same output shape, even overlap)', 'Replace with resize-convolution (nearest ×2 + nn.Conv2d)']);
    for (const a of got) assert.deepEqual(a.diagnostics, grouped);
  });
});

