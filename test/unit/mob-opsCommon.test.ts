// The helpers shared by every operator (ops/tensorOpsCommon.ts: messages, shape checks, catalogues by name; re-exported by
// ops/layerArgs.ts): values read as Python prints them, shapes as torch prints list(x.shape). The
// expected strings are CPython's repr() of the same values (printed by /usr/bin/python3:
// repr(None), repr(True), repr(3), repr(-2.5), repr('a'), repr((1, 2)), repr(((1, 'x'), None, True)),
// repr(()), str(list(torch.Size([2, 0, 3]))), str(list(torch.Size([])))).

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { describeValue, formatShape as layerFormatShape } from '../../server/src/engine/ops/layerArgs';
import { tensorFunctionSpecs, tensorPropertyNames } from '../../server/src/engine/ops/functionRegistry';
import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { byName, checkShape, describe, formatShape, MAX_ELEMENTS } from '../../server/src/engine/ops/tensorOpsCommon';
import { OpError, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { evaluate } from './support/torchExpr';

test('values read as Python repr() prints them; tensors by their shape', () => {
  const cases: [OpValue, string][] = [
    [null, 'None'],
    [true, 'True'],
    [false, 'False'],
    [3, '3'],
    [-2.5, '-2.5'],
    ['a', "'a'"],
    [[1, 2], '(1, 2)'],
    [[[1, 'x'], null, true], "((1, 'x'), None, True)"],
    [[], '()'],
  ];
  for (const [value, python] of cases) {
    assert.equal(describe(value), python);
    assert.equal(describeValue(value), python);
  }
  const t: Tensor = { kind: 'tensor', shape: [2, 3], geometry: null };
  // Not Python's repr (the values are unknown): the shape, as torch prints it.
  assert.equal(describe(t), 'a tensor of shape [2, 3]');
  assert.equal(describe([t, 1]), '(a tensor of shape [2, 3], 1)');
  assert.equal(describe(undefined), 'nothing');
  assert.equal(describe({ a: 1 } as unknown as OpValue), 'a dict');
});

test('shapes read as torch prints list(x.shape)', () => {
  assert.equal(formatShape([2, 0, 3]), '[2, 0, 3]');
  assert.equal(formatShape([]), '[]');
  assert.equal(layerFormatShape([2, 0, 3]), '[2, 0, 3]');
});

test('a shape must hold whole non-negative sizes and at most 2^53 elements', () => {
  const refused = (shape: number[], part: RegExp) =>
    assert.throws(() => checkShape('torch.zeros', shape), (e: unknown) => e instanceof OpError && e.code === 'invalid-argument' && part.test(e.message));
  refused([2, -1], /^torch\.zeros: invalid size -1 in shape \[2, -1\]$/);
  refused([2.5], /invalid size 2\.5/);
  refused([Number.NaN], /invalid size NaN/);
  refused([2 ** 27, 2 ** 27], /more than 2\^53/);
  checkShape('torch.zeros', [0, 5]);
  checkShape('torch.zeros', []);
  // Exactly 2^53 elements is still countable (the limit is exclusive above).
  checkShape('torch.zeros', [2 ** 26, 2 ** 27]);
  assert.equal(MAX_ELEMENTS, 2 ** 53);
});

test('a catalogue refuses a name defined twice, and keeps every other spec', () => {
  const a = { name: 'torch.a' };
  const b = { name: 'torch.b' };
  const map = byName([a, b]);
  assert.deepEqual([...map.entries()], [['torch.a', a], ['torch.b', b]]);
  assert.throws(() => byName([a, b, { name: 'torch.a' }]), /^Error: torch\.a is defined twice$/);
  // The shipped catalogues load (no name twice) and hold what the interpreter looks up.
  assert.ok(tensorFunctionSpecs.get('torch.cat') && layerFunctionSpecs.get('F.conv2d') && moduleSpecs.get('Conv2d'));
});

test('tensor properties are evaluated as attributes, shapes from torch 1.13', () => {
  // /usr/bin/python3: x = torch.zeros(2, 3, 4); y = torch.zeros(2, 3); list(x.mT.shape) ... y.H.
  const shape = (src: string) => (evaluate(src).value as Tensor).shape;
  assert.deepEqual(shape('torch.zeros(2, 3, 4).mT'), [2, 4, 3]);
  assert.deepEqual(shape('torch.zeros(2, 3, 4).mH'), [2, 4, 3]);
  assert.deepEqual(shape('torch.zeros(2, 3, 4).data'), [2, 3, 4]);
  assert.deepEqual(evaluate('torch.zeros(2, 3, 4).shape').value, [2, 3, 4]);
  assert.equal(evaluate('torch.zeros(2, 3, 4).ndim').value, 3);
  assert.deepEqual(shape('torch.zeros(2, 3).T'), [3, 2]);
  assert.deepEqual(shape('torch.zeros(2, 3).H'), [3, 2]);
  assert.deepEqual([...tensorPropertyNames].sort(), ['Tensor.H', 'Tensor.T', 'Tensor.data', 'Tensor.mH', 'Tensor.mT', 'Tensor.ndim', 'Tensor.shape']);
});
