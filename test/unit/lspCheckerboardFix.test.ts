// The arithmetic behind the checkerboard quick fixes, checked by onnxruntime: the output length
// and the taps per output position of a transposed convolution come from running it (all-ones
// weights and input, so each output value is its number of taps), not from our formula.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { kernelFixAxis, outputPadding, resizeConvAxis, type AxisConfig } from '../../server/src/lsp/transposedConvFix';
import { encodeModel, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from '../../webview/src/onnx/modelProto';

interface TransposedConv {
  length: number;
  k: number;
  s: number;
  p: number;
  op: number;
}
interface ResizeConv {
  length: number;
  s: number;
  K: number;
  P: number;
}

/**
 * Runs many 1-D operators (as 2-D with height 1) in one onnxruntime session, because creating a
 * session is what costs: transposed convolutions (output row = taps per position) and nearest
 * resize + stride-1 convolution chains (output length).
 */
async function runAll(convs: TransposedConv[], chains: ResizeConv[]): Promise<{ rows: number[][]; lengths: number[] }> {
  const nodes: OnnxNode[] = [];
  const initializers: OnnxInitializer[] = [];
  const inputs: OnnxValueInfo[] = [];
  const outputs: OnnxValueInfo[] = [];
  const feeds: Record<string, Tensor> = {};
  const input = (name: string, length: number) => {
    inputs.push({ name, shape: [1, 1, 1, length] });
    feeds[name] = new Tensor('float32', new Float32Array(length).fill(1), [1, 1, 1, length]);
  };
  convs.forEach((c, i) => {
    input(`x${i}`, c.length);
    initializers.push({ name: `w${i}`, dims: [1, 1, 1, c.k], data: new Float32Array(c.k).fill(1) });
    nodes.push({
      opType: 'ConvTranspose',
      inputs: [`x${i}`, `w${i}`],
      outputs: [`y${i}`],
      attributes: { kernel_shape: [1, c.k], strides: [1, c.s], pads: [0, c.p, 0, c.p], output_padding: [0, c.op] },
    });
    outputs.push({ name: `y${i}`, shape: [1, 1, 1, `n${i}`] });
  });
  chains.forEach((c, i) => {
    input(`a${i}`, c.length);
    initializers.push({ name: `sc${i}`, dims: [4], data: new Float32Array([1, 1, 1, c.s]) });
    initializers.push({ name: `v${i}`, dims: [1, 1, 1, c.K], data: new Float32Array(c.K).fill(1) });
    nodes.push({ opType: 'Resize', inputs: [`a${i}`, '', `sc${i}`], outputs: [`u${i}`], attributes: { mode: 'nearest' } });
    nodes.push({ opType: 'Conv', inputs: [`u${i}`, `v${i}`], outputs: [`b${i}`], attributes: { kernel_shape: [1, c.K], pads: [0, c.P, 0, c.P] } });
    outputs.push({ name: `b${i}`, shape: [1, 1, 1, `m${i}`] });
  });
  const session = await InferenceSession.create(encodeModel({ nodes, initializers, inputs, outputs }));
  const result = await session.run(feeds);
  return {
    rows: convs.map((_, i) => Array.from(result[`y${i}`].data as Float32Array)),
    lengths: chains.map((_, i) => result[`b${i}`].dims[3]),
  };
}

/** Tap counts away from the borders (where every kernel tap can land). */
function interior(row: number[], k: number): number[] {
  return row.slice(k, row.length - k);
}

const configs: { k: number; s: number; p: number; op: number }[] = [];
for (const s of [2, 3, 4]) {
  for (let k = 1; k <= 7; k++) {
    for (let p = 0; p < k; p++) for (let op = 0; op < s; op++) configs.push({ k, s, p, op });
  }
}
const LENGTHS = [5, 16];

test('both checkerboard fixes keep the output length; the kernel fix makes the overlap even (onnxruntime)', async () => {
  // Round 1: the layers as written.
  const originals = configs.flatMap((c) => LENGTHS.map((length) => ({ ...c, length })));
  const { rows: before } = await runAll(originals, []);
  const beforeOf = (c: (typeof configs)[number], length: number) => before[originals.findIndex((x) => x.k === c.k && x.s === c.s && x.p === c.p && x.op === c.op && x.length === length)];

  // The fixes, computed from what onnxruntime says the shapes are.
  const fixedConvs: TransposedConv[] = [];
  const chains: ResizeConv[] = [];
  const expectations: { what: string; kind: 'conv' | 'chain'; index: number; length: number; even: boolean; k: number }[] = [];
  let uneven = 0;
  for (const c of configs) {
    const long = beforeOf(c, 16);
    const axis: AxisConfig = { in: 16, out: long.length, kernel: c.k, stride: c.s, padding: c.p, dilation: 1 };
    const what = `k=${c.k} s=${c.s} p=${c.p} op=${c.op}`;
    assert.equal(outputPadding(axis), c.op, `output_padding recovered from the shapes, ${what}`);
    const isUneven = new Set(interior(long, c.k)).size > 1;
    // DESIGN.md: with dilation 1, uneven exactly when k mod s ≠ 0.
    assert.equal(isUneven, c.k % c.s !== 0, what);
    if (isUneven) {
      uneven++;
      const fix = kernelFixAxis(axis);
      assert.ok(fix, `a kernel fix for ${what}`);
      assert.equal(fix.kernel % c.s, 0);
      assert.ok(fix.outputPadding >= 0 && fix.outputPadding < c.s && fix.padding >= 0);
      for (const length of LENGTHS) {
        fixedConvs.push({ length, k: fix.kernel, s: c.s, p: fix.padding, op: fix.outputPadding });
        expectations.push({ what: `kernel fix of ${what} → K=${fix.kernel}`, kind: 'conv', index: fixedConvs.length - 1, length: beforeOf(c, length).length, even: length === 16, k: fix.kernel });
      }
    }
    const plan = resizeConvAxis(axis);
    assert.ok(plan, `a resize-convolution for ${what}`);
    assert.equal(plan.scale, c.s);
    for (const length of LENGTHS) {
      chains.push({ length, s: c.s, K: plan.kernel, P: plan.padding });
      expectations.push({ what: `resize-conv for ${what}`, kind: 'chain', index: chains.length - 1, length: beforeOf(c, length).length, even: false, k: plan.kernel });
    }
  }
  assert.ok(uneven > 50);

  // Round 2: the fixed layers.
  const { rows, lengths } = await runAll(fixedConvs, chains);
  for (const e of expectations) {
    const got = e.kind === 'conv' ? rows[e.index].length : lengths[e.index];
    assert.equal(got, e.length, `${e.what}: same output length`);
    if (e.kind === 'conv' && e.even) {
      const inner = interior(rows[e.index], e.k);
      assert.ok(inner.length >= 2, e.what);
      assert.equal(new Set(inner).size, 1, `${e.what}: even overlap, got ${inner}`);
    }
  }
});

test('a VAE decoder layer (k=3, s=2, p=1, output_padding=1) gets kernel 4, padding 1, output_padding 0', () => {
  assert.deepEqual(kernelFixAxis({ in: 4, out: 8, kernel: 3, stride: 2, padding: 1, dilation: 1 }), { kernel: 4, padding: 1, outputPadding: 0 });
  assert.deepEqual(resizeConvAxis({ in: 4, out: 8, kernel: 3, stride: 2, padding: 1, dilation: 1 }), { scale: 2, kernel: 3, padding: 1 });
});

test('no kernel fix is offered for dilated transposed convolutions (the overlap rule differs)', () => {
  assert.equal(kernelFixAxis({ in: 4, out: 9, kernel: 3, stride: 2, padding: 1, dilation: 2 }), null);
});
