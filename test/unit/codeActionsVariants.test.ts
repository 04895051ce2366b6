// More quick-fix cases in process (see codeActions.test.ts): 1-D and 3-D transposed
// convolutions, `torch.nn.` spelled out, a fix that keeps the parameter count, a TensorFlow.js
// conv2dTranspose. Oracles: real PyTorch lengths and overlap (test/golden/torch/mut_quickfix.json,
// scripts/golden/mut_quickfix.py), the real TF.js layer (output shape and taps per position with
// all-ones weights), and torch's weight shapes ([in, out, k…] transposed, [out, in, k…] plain).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction } from 'vscode-languageserver';
import { analyzeFile } from '../../server/src/engine/analyze';
import { AnalysisView } from '../../server/src/lsp/analysisView';
import { computeCodeActions } from '../../server/src/lsp/codeActions';
import { computeDiagnostics } from '../../server/src/lsp/diagnostics';
import { DEFAULT_SETTINGS } from '../../server/src/lsp/settings';
import { tfReady } from '../tfjs/tfjsOracle';
import { torchResize, torchTransposed } from '../support/quickFixGolden';

const transposed = torchTransposed;
const resize = torchResize;

function fixesFor(file: string, text: string): { actions: CodeAction[]; apply: (a: CodeAction) => string } {
  const uri = `file://${file}`;
  const analyse = (t: string) => analyzeFile({ file, text: t, readFile: () => null });
  const view = new AnalysisView({ uri, path: file, version: 3, text, report: analyse(text), dependencies: new Set(), durationMs: 0, syntaxTree: null, derived: {} }, []);
  const diagnostics = computeDiagnostics(view, DEFAULT_SETTINGS).filter((d) => d.code === 'uneven-overlap');
  assert.equal(diagnostics.length, 1, JSON.stringify(view.report.diagnostics.map((d) => d.message)));
  const actions = computeCodeActions(view, { textDocument: { uri }, range: diagnostics[0]!.range, context: { diagnostics } }, analyse).filter((a) =>
    /^(Use kernel_size=|Replace with resize|Use kernelSize)/.test(a.title),
  );
  const apply = (a: CodeAction) => TextDocument.applyEdits(TextDocument.create(uri, 'python', 0, text), a.edit!.changes![uri]!);
  return { actions, apply };
}

const python = (imports: string, layer: string, input: string) =>
  [imports, '', '', `# convlens: input=${input}`, 'class Up(nn.Module):', '    def __init__(self):', '        super().__init__()', `        self.up = ${layer}`, '', '    def forward(self, x):', '        return self.up(x)', ''].join('\n');

before(tfReady);

describe('quick-fix variants against real PyTorch and TF.js', () => {
  test('ConvTranspose1d: the resize fix uses Conv1d and keeps torch’s lengths', () => {
    const text = python('import torch.nn as nn', 'nn.ConvTranspose1d(4, 2, kernel_size=5, stride=2, padding=2, output_padding=1)', '(1, 4, 16)');
    const { actions, apply } = fixesFor('/proj/one.py', text);
    const r = actions.find((a) => a.title.startsWith('Replace'))!;
    assert.match(r.title, /^Replace with resize-convolution \(nearest ×2 \+ nn\.Conv1d\)/);
    const m = /nn\.Conv1d\(4, 2, kernel_size=(\d+), padding=(\d+)\)/.exec(apply(r))!;
    assert.ok(m, apply(r));
    assert.deepEqual(resize(2, Number(m[1]), Number(m[2])).lengths, transposed(5, 2, 2, 1).lengths);
    const k = actions.find((a) => a.title.startsWith('Use'))!;
    const kk = /kernel_size=(\d+), stride=2, padding=(\d+)(?:, output_padding=(\d+))?\)/.exec(apply(k))!;
    assert.ok(kk, apply(k));
    const row = transposed(Number(kk[1]), 2, Number(kk[2]), Number(kk[3] ?? 0));
    assert.equal(row.even, true);
    assert.deepEqual(row.lengths, transposed(5, 2, 2, 1).lengths);
  });

  test('torch.nn spelled out, ConvTranspose3d with per-axis tuples: the resize fix keeps torch’s lengths', () => {
    const text = python('import torch\nimport torch.nn as nn', 'torch.nn.ConvTranspose3d(2, 2, kernel_size=(3, 3, 3), stride=(2, 2, 2), padding=(1, 1, 1))', '(1, 2, 4, 4, 4)');
    const { actions, apply } = fixesFor('/proj/three.py', text);
    const r = actions.find((a) => a.title.startsWith('Replace'))!;
    assert.ok(r, actions.map((a) => a.title).join('\n'));
    assert.match(r.title, /\+ torch\.nn\.Conv3d\)/);
    const edited = apply(r);
    // Equal values on every axis are written once, as PyTorch accepts them.
    const m = /torch\.nn\.Sequential\(torch\.nn\.Upsample\(scale_factor=2, mode='nearest'\), torch\.nn\.Conv3d\(2, 2, kernel_size=(\d+), padding=(\d+)\)\)/.exec(edited)!;
    assert.ok(m, edited);
    assert.deepEqual(resize(2, Number(m[1]), Number(m[2])).lengths, transposed(3, 2, 1, 0).lengths);
  });

  test('the resize fix of a 3×3 kernel keeps the parameter count (torch: 8·4·3·3 + 4 both ways)', () => {
    const text = python('import torch.nn as nn', 'nn.ConvTranspose2d(8, 4, kernel_size=3, stride=2, padding=1, output_padding=1)', '(1, 8, 8, 8)');
    const { actions } = fixesFor('/proj/same.py', text);
    const r = actions.find((a) => a.title.startsWith('Replace'))!;
    // ConvTranspose2d weight [8, 4, 3, 3] + bias [4]; Conv2d weight [4, 8, 3, 3] + bias [4].
    assert.equal(8 * 4 * 3 * 3 + 4, 4 * 8 * 3 * 3 + 4);
    assert.match(r.title, / · params unchanged, [+−][0-9.]+K? MACs · /);
  });

  test('TF.js conv2dTranspose: the kernelSize fix keeps TF.js’s output shape and makes its taps even', () => {
    const layer = (k: number) => `tf.layers.conv2dTranspose({ inputShape: [6, 6, 2], filters: 1, kernelSize: ${k}, strides: 2, padding: 'same', useBias: false })`;
    const text = `import * as tf from '@tensorflow/tfjs';\nexport const net = tf.sequential({ layers: [\n  ${layer(3)},\n] });\n`;
    const { actions, apply } = fixesFor('/proj/net.ts', text);
    assert.equal(actions.length, 1, actions.map((a) => a.title).join('\n'));
    assert.match(actions[0]!.title, /same layers, new kernel shape$/);
    const k = Number(/kernelSize: (\d+)/.exec(apply(actions[0]!))![1]);
    const real = (kk: number) => {
      const model = tf.sequential({ layers: [tf.layers.conv2dTranspose({ inputShape: [6, 6, 2], filters: 1, kernelSize: kk, strides: 2, padding: 'same', useBias: false, kernelInitializer: 'ones' })] });
      const out = tf.tidy(() => (model.predict(tf.ones([1, 6, 6, 2])) as tf.Tensor).arraySync() as number[][][][]);
      model.dispose();
      const rows = out[0]!.map((row) => row.map((v) => v[0]!));
      return { shape: [rows.length, rows[0]!.length], interior: new Set(rows.slice(kk, -kk).flatMap((r) => r.slice(kk, -kk))).size };
    };
    assert.deepEqual(real(k).shape, real(3).shape);
    assert.ok(real(3).interior > 1, 'TF.js: kernel 3, stride 2 overlaps unevenly');
    assert.equal(real(k).interior, 1);
  });
});
