// The shape-only operators at the edges of their checks, against real PyTorch 1.13: every case of
// test/golden/torch/mo_ops.json (scripts/golden/mo_ops_cases.py) gives torch's output shapes,
// parameter count, or error. A refusal must be an OpError whose message names the op and contains
// the parts of torch's message the case lists (in any case: ours start lower-case after the op's name). Each expression is bound to the specs' own Python
// signatures (test/support/pyExpr.ts), so the signature strings are tested too; the evaluator is test/support/opsGolden.ts.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { freshGeometry } from '../../server/src/engine/geometry';
import { flattenModule, unflattenModule } from '../../server/src/engine/ops/flatten';
import { OpError, type AxisGeometry, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { check, evaluate, lastResult, loadGoldenFile, makeInput, opName, shapesOf, undescribedPositionalNumbers, type Built, type GoldenCase } from '../support/opsGolden';
import { parseExpr } from '../support/pyExpr';

const golden = loadGoldenFile<{ cases: GoldenCase[]; antialias_rf: { expr: string; input: number[]; rf: number }[] }>('mo_ops.json');

test('a module\'s description names every number its constructor was given positionally', () => {
  assert.deepEqual(undescribedPositionalNumbers(golden.cases), []);
});

const families = new Map<string, GoldenCase[]>();
for (const c of golden.cases) {
  const family = opName(c.expr).replace(/^(F|torch|Tensor)\./, '').replace(/\d+d$/, '');
  families.set(family, [...(families.get(family) ?? []), c]);
}

test('the golden file has results and refusals', () => {
  assert.ok(golden.cases.length > 400, `only ${golden.cases.length} cases`);
  assert.ok(golden.cases.filter((c) => c.error).length > 150);
});

for (const [family, cases] of families) {
  test(`torch 1.13: ${family} (${cases.length} cases)`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      const problem = check(c);
      if (problem) failures.push(`${c.expr} on ${JSON.stringify(c.inputs)}\n    ${problem}`);
    }
    assert.equal(failures.length, 0, `${failures.length} of ${cases.length} differ from torch:\n${failures.join('\n')}`);
  });
}

test('antialiased interpolate: the receptive field autograd measures (taps of weight 0 left out)', () => {
  assert.ok(golden.antialias_rf.length > 30);
  const failures: string[] = [];
  for (const c of golden.antialias_rf) {
    const input: Tensor = { kind: 'tensor', shape: c.input, geometry: freshGeometry(2) };
    const out = evaluate(parseExpr(c.expr), [input]) as Tensor;
    const rf = out.geometry![0]!.rf;
    if (rf.den !== 1 || rf.num !== c.rf) failures.push(`${c.expr} on ${JSON.stringify(c.input)}: rf ${rf.num}/${rf.den}, torch ${c.rf}`);
  }
  assert.deepEqual(failures, []);
});

test('Flatten / Unflatten keep the geometry of the dims after the last one they reshape, and only those', () => {
  // Hand derivation: the reshaped dims become one (or several) new dims whose positions mix the
  // old axes, so their rf/jump mean nothing; a dim after them is the same axis, position for
  // position; dims before the spatial ones (N, C) carry no geometry, so reshaping only them keeps all.
  const g = (rf: number): AxisGeometry => ({ rf: { num: rf, den: 1 }, jump: { num: 1, den: 1 } });
  const h = g(3);
  const w = g(5);
  const x: Tensor = { kind: 'tensor', shape: [2, 3, 4, 6], geometry: [h, w] };
  const flatten = (start: number, end: number) => flattenModule.forward({ startDim: start, endDim: end }, { input: x }).value as Tensor;
  const unflatten = (dim: number, sizes: number[]) => unflattenModule.forward({ dim, sizes }, { input: x }).value as Tensor;
  assert.deepEqual(flatten(0, 1).geometry, [h, w]); // N·C only
  assert.deepEqual(flatten(1, 2).geometry, [w]); // C·H: W stays
  assert.deepEqual(flatten(2, 3).geometry, null); // H·W: nothing left
  assert.deepEqual(flatten(2, 2).geometry, [h, w]); // nothing reshaped
  assert.deepEqual(flatten(1, 1).geometry, [h, w]);
  assert.deepEqual(unflatten(1, [1, 3]).geometry, [h, w]); // C only
  assert.deepEqual(unflatten(2, [2, 2]).geometry, [w]); // H split: W stays
  assert.deepEqual(unflatten(3, [2, 3]).geometry, null); // W split
  assert.deepEqual(unflatten(-1, [6]).geometry, null);
  const plain: Tensor = { kind: 'tensor', shape: [2, 3], geometry: null };
  assert.equal((flattenModule.forward({ startDim: 0, endDim: 1 }, { input: plain }).value as Tensor).geometry, null);
  assert.equal((unflattenModule.forward({ dim: 1, sizes: [3, 1] }, { input: plain }).value as Tensor).geometry, null);
});

test('resizes: the scale per axis is out/in from torch\'s shapes; the factor torch\'s kernel maps coordinates with', () => {
  const failures: string[] = [];
  let provable = 0;
  for (const c of golden.cases) {
    if (c.error || !/^(F\.interpolate|F\.upsample|nn\.Upsampl)/.test(c.expr)) continue;
    const input = makeInput(c.inputs[0]!);
    evaluate(parseExpr(c.expr), [input]);
    const g = lastResult!.geometry!;
    const spatialIn = input.shape.slice(2);
    const spatialOut = c.out![0]!.slice(2);
    const scale = spatialOut.map((o, i) => o / spatialIn[i]!);
    if (JSON.stringify(g.scale) !== JSON.stringify(scale)) failures.push(`${c.expr}: scale ${JSON.stringify(g.scale)}, torch's shapes give ${JSON.stringify(scale)}`);
    // torch maps output o to input (o + ½)/s − ½ with the user's s unless the sizes decide: no
    // scale_factor, recompute_scale_factor=True (the factor never reaches the kernel), 'area' (an
    // adaptive pool). (With align_corners=True it reaches the kernel, which then ignores it.)
    const sizesDecide = /recompute_scale_factor=True|'area'/.test(c.expr) || !/scale_factor/.test(c.expr);
    const factor = g.resize!.scaleFactor;
    if (sizesDecide && factor !== null) failures.push(`${c.expr}: reports the kernel scale ${JSON.stringify(factor)} where the sizes decide`);
    if (c.kernel_scale) {
      provable++;
      if (factor === null) failures.push(`${c.expr}: torch's kernel maps coordinates with the scale factor, ConvLens says the sizes`);
      else {
        // neighbouring outputs are 1/s input positions apart
        const jumps = (lastResult!.value as Tensor).geometry!.map((a) => a.jump.num / a.jump.den);
        if (jumps.some((j, i) => Math.abs(j - 1 / factor[i]!) > 1e-9)) failures.push(`${c.expr}: jump ${JSON.stringify(jumps)} with factor ${JSON.stringify(factor)}`);
      }
    }
  }
  assert.ok(provable >= 10, `only ${provable} cases where torch provably uses the factor`);
  assert.deepEqual(failures, []);
});

test('pixel (un)shuffle and channel shuffle: the geometry of where each output reads', () => {
  // Hand derivation: pixel_shuffle(r) output (h, w) is input (h // r, w // r) (one input position,
  // rf 1; r outputs per input step, jump 1/r); pixel_unshuffle(r) output (h, w) holds the r×r block
  // at (r·h, r·w) across its channels (rf r, jump r, kernel = stride = r); channel_shuffle permutes
  // channels only. On an input with rf 3 and jump 2 per axis: rf grows by (span − 1)·2.
  const fresh = (): AxisGeometry[] => [0, 1].map(() => ({ rf: { num: 3, den: 1 }, jump: { num: 2, den: 1 } }));
  const at = (expr: string, shape: number[]) => {
    const t: Tensor = { kind: 'tensor', shape, geometry: fresh() };
    const value = evaluate(parseExpr(expr), [t]) as Tensor;
    return { axes: value.geometry!.map((a) => `${a.rf.num}/${a.rf.den} ${a.jump.num}/${a.jump.den}`), layer: lastResult!.geometry, input: t, value };
  };
  const shuffle = at('F.pixel_shuffle(T, 2)', [1, 8, 3, 5]);
  assert.deepEqual(shuffle.axes, ['3/1 1/1', '3/1 1/1']);
  assert.deepEqual(shuffle.layer, { scale: [2, 2] });
  const unshuffle = at('F.pixel_unshuffle(T, 3)', [1, 2, 6, 9]);
  assert.deepEqual(unshuffle.axes, ['7/1 6/1', '7/1 6/1']);
  assert.deepEqual(unshuffle.layer, { kernel: [3, 3], stride: [3, 3], scale: [1 / 3, 1 / 3] });
  const channels = at('F.channel_shuffle(T, 2)', [1, 8, 3, 5]);
  assert.deepEqual(channels.value.geometry, channels.input.geometry);
  assert.deepEqual(channels.value.shape, [1, 8, 3, 5]);
});

test('MaxUnpool reports the pooling window it inverts', () => {
  // The layer's kernel, stride and padding are those it was built with (stride defaults to the kernel).
  const x = makeInput([1, 3, 4, 5]);
  evaluate(parseExpr('nn.MaxUnpool2d((2, 3), stride=(1, 2), padding=(1, 0))(T, T)'), [x, x]);
  assert.deepEqual(lastResult!.geometry, { kernel: [2, 3], stride: [1, 2], padding: [1, 0] });
  evaluate(parseExpr('F.max_unpool1d(T, T, 3)'), [makeInput([1, 3, 4]), makeInput([1, 3, 4])]);
  assert.deepEqual(lastResult!.geometry, { kernel: [3], stride: [3], padding: [0] });
});

test('SyncBatchNorm: any input of 2 or more dims, channels checked as BatchNorm does', () => {
  // Not from the golden: on the CPU torch refuses every SyncBatchNorm input ("expected input
  // tensor to be on GPU"). From torch 1.13's source: _check_input_dim raises for dim < 2 only, and
  // the forward then runs F.batch_norm, whose running_mean must have C elements.
  const run = (expr: string, shape: number[]) => shapesOf(evaluate(parseExpr(expr), [makeInput(shape)]) as OpValue);
  assert.deepEqual(run('nn.SyncBatchNorm(4)(T)', [2, 4]), [[2, 4]]);
  assert.deepEqual(run('nn.SyncBatchNorm(4)(T)', [2, 4, 3, 3, 3, 3]), [[2, 4, 3, 3, 3, 3]]);
  assert.throws(() => run('nn.SyncBatchNorm(4)(T)', [4]), (e: unknown) => e instanceof OpError && e.message.startsWith('SyncBatchNorm'));
  assert.throws(() => run('nn.SyncBatchNorm(4)(T)', [2, 3, 5]), (e: unknown) => e instanceof OpError && /4 channels but got 3/.test(e.message));
  assert.deepEqual(run('nn.SyncBatchNorm(4, affine=False, track_running_stats=False)(T)', [2, 3, 5]), [[2, 3, 5]]);
});

test('joins and length changes: which axes keep their geometry', () => {
  // Hand derivation. cat along W holds both operands' positions side by side: its W rf is the
  // wider of the two, a size-1 operand included (it is joined, not broadcast); the other axes are
  // the same positions in each. stack adds a new leading axis with no geometry. diff and
  // repeat_interleave change the length of one dim: its positions no longer map one to one (no
  // geometry), the others keep theirs; diff with n = 0 returns the input.
  const axis = (rf: number): AxisGeometry => ({ rf: { num: rf, den: 1 }, jump: { num: 1, den: 1 } });
  const t = (shape: number[], rfs: number[]): Tensor => ({ kind: 'tensor', shape, geometry: rfs.map(axis) });
  const rfs = (v: OpValue | Built) => (v as Tensor).geometry?.map((a) => (a ? a.rf.num : null)) ?? null;
  assert.deepEqual(rfs(evaluate(parseExpr('torch.cat([T, T], dim=3)'), [t([1, 3, 4, 1], [5, 7]), t([1, 3, 4, 5], [5, 3])])), [5, 7]);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.cat([T, T], dim=1)'), [t([1, 3, 4, 5], [3, 3]), t([1, 2, 4, 5], [5, 7])])), [5, 7]);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.stack([T, T])'), [t([3, 4, 5], [3, 5]), t([3, 4, 5], [3, 5])])), [3, 5]);
  // (Geometry describes trailing dims: once the last one loses it, none is left.)
  assert.deepEqual(rfs(evaluate(parseExpr('torch.diff(T, dim=-1)'), [t([3, 4, 5], [3, 5])])), null);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.diff(T, n=0, dim=-1)'), [t([3, 4, 5], [3, 5])])), [3, 5]);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.diff(T, dim=1)'), [t([3, 4, 5], [3, 5])])), [5]);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.diff(T, n=-1, dim=1)'), [t([3, 4, 5], [3, 5])])), [3, 5]);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.repeat_interleave(T, 2, dim=1)'), [t([3, 4, 5], [3, 5])])), [5]);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.repeat_interleave(T, 2, dim=2)'), [t([3, 4, 5], [3, 5])])), null);
  assert.deepEqual(rfs(evaluate(parseExpr('torch.repeat_interleave(T, 2)'), [t([3, 4, 5], [3, 5])])), null);
});
