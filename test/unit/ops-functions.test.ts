// Unit tests of the tensor functions and methods: exact shapes, readable errors that name the
// shapes, broadcasting edge cases, MACs of matrix products, and geometry propagation (DESIGN.md:
// elementwise merges take rf = max, jump = the first input's; geometry follows its axes).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parser as pythonParser } from '@lezer/python';
import { tensorFunctionSpecs, tensorPropertyNames } from '../../server/src/engine/ops/functionRegistry';
import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { OpError, type AxisGeometry, type OpArgs, type OpResult, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { format, rational, type Rational } from '../../server/src/engine/rational';
import { bind, parseSignature } from './support/torchExpr';

// ---------------------------------------------------------------------------------------------
// Helpers

function g(rf: number | Rational, jump: number | Rational): AxisGeometry {
  return { rf: typeof rf === 'number' ? rational(rf) : rf, jump: typeof jump === 'number' ? rational(jump) : jump };
}

function t(shape: number[], geometry: AxisGeometry[] | null = null): Tensor {
  return { kind: 'tensor', shape, geometry };
}

/** Calls a spec the way Python would: positional and keyword arguments bound to its signature. */
function call(name: string, positional: OpValue[], keywords: Record<string, OpValue> = {}): OpResult {
  const spec = tensorFunctionSpecs.get(name);
  assert.ok(spec, `no spec ${name}`);
  return spec.apply(bind(spec, positional, Object.entries(keywords)));
}

function tensorOf(r: OpResult): Tensor {
  const v = r.value as Tensor;
  assert.equal(v.kind, 'tensor');
  return v;
}

function out(name: string, positional: OpValue[], keywords: Record<string, OpValue> = {}): Tensor {
  return tensorOf(call(name, positional, keywords));
}

/** Geometry as readable strings "rf/jump" per axis, or null. */
function geo(x: Tensor): string[] | null {
  return x.geometry ? x.geometry.map((a) => `${format(a.rf)}@${format(a.jump)}`) : null;
}

function throwsOp(fn: () => unknown, code: string, ...patterns: RegExp[]): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OpError, `expected an OpError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  });
}

const slice = (start: number | null, stop: number | null, step: number | null = null): OpValue => ({ start, stop, step });
const ALL = slice(null, null);

// A feature map whose two spatial axes have different geometry, so moves are visible.
const fmap = (): Tensor => t([2, 8, 6, 10], [g(7, 4), g(11, 2)]);

// ---------------------------------------------------------------------------------------------
// The registry

test('registry: names, self-first methods, parseable literal signatures, and the names the brief lists', () => {
  for (const [key, spec] of tensorFunctionSpecs) {
    assert.equal(key, spec.name);
    assert.match(key, /^(torch|Tensor|F)\.\w+$/);
    const params = parseSignature(spec.signature);
    if (key.startsWith('Tensor.')) assert.equal(params[0]?.name, 'self', `${key}: ${spec.signature}`);
    else assert.notEqual(params[0]?.name, 'self', key);
    // Valid Python, as the interpreter parses it (`def f(<signature>): pass`).
    const tree = pythonParser.parse(`def f(${spec.signature}):\n    pass\n`);
    let error = false;
    tree.iterate({ enter: (n) => { if (n.type.isError) error = true; } });
    assert.equal(error, false, `${key}: ${spec.signature}`);
  }
  for (const name of [
    'torch.cat', 'torch.concat', 'torch.stack', 'torch.hstack', 'torch.vstack', 'torch.flatten', 'torch.add', 'torch.sigmoid',
    'torch.tanh', 'torch.softmax', 'torch.matmul', 'torch.einsum', 'torch.randn', 'torch.zeros', 'torch.arange',
    'torch.linspace', 'torch.eye', 'torch.zeros_like', 'torch.where', 'torch.maximum', 'torch.clamp', 'torch.logsumexp',
    'Tensor.view', 'Tensor.reshape', 'Tensor.size', 'Tensor.__getitem__', 'Tensor.__add__', 'Tensor.__radd__',
    'Tensor.__iadd__', 'Tensor.__mul__', 'Tensor.__matmul__', 'Tensor.__neg__', 'Tensor.sigmoid', 'Tensor.relu',
    'Tensor.softmax', 'Tensor.permute', 'Tensor.transpose', 'Tensor.contiguous', 'Tensor.squeeze', 'Tensor.unsqueeze',
    'Tensor.expand', 'Tensor.expand_as', 'Tensor.repeat', 'Tensor.chunk', 'Tensor.split', 'Tensor.unbind',
    'Tensor.narrow', 'Tensor.numel', 'Tensor.dim', 'Tensor.float', 'Tensor.to', 'Tensor.detach', 'Tensor.clone',
    'Tensor.view_as', 'Tensor.flip', 'Tensor.roll', 'Tensor.mean', 'Tensor.max', 'Tensor.argmax', 'F.pad',
  ]) {
    assert.ok(tensorFunctionSpecs.has(name), name);
  }
  for (const p of tensorPropertyNames) assert.ok(tensorFunctionSpecs.has(p), p);
  // One spec per name: the interpreter merges the two registries, and a name in both leaves one
  // of them dead (F.softmax's local rf hid behind a shadowed torch.softmax that was right).
  assert.deepEqual([...layerFunctionSpecs.keys()].filter((k) => tensorFunctionSpecs.has(k)), []);
  // The functional forms of layers belong to the layer catalogue.
  assert.equal(tensorFunctionSpecs.has('F.relu'), false);
  assert.equal(tensorFunctionSpecs.has('F.softmax'), false);
});

test('varargs sizes are accepted as varargs or as one tuple / torch.Size', () => {
  const x = t([2, 3, 4]);
  assert.deepEqual(out('Tensor.view', [x, 6, 4]).shape, [6, 4]);
  assert.deepEqual(out('Tensor.view', [x, [6, 4]]).shape, [6, 4]);
  assert.deepEqual(out('Tensor.reshape', [x, -1]).shape, [24]);
  assert.deepEqual(out('Tensor.permute', [x, [2, 0, 1]]).shape, [4, 2, 3]);
  assert.deepEqual(out('Tensor.permute', [x, 2, 0, 1]).shape, [4, 2, 3]);
  assert.deepEqual(out('torch.zeros', [[1, 3, 5]]).shape, [1, 3, 5]);
  assert.deepEqual(out('torch.zeros', [1, 3, 5]).shape, [1, 3, 5]);
  assert.deepEqual(out('Tensor.expand', [t([3, 1]), [2, -1, 5]]).shape, [2, 3, 5]);
  throwsOp(() => call('Tensor.view', [x]), 'invalid-argument', /Tensor\.view: missing/);
});

// ---------------------------------------------------------------------------------------------
// Broadcasting

test('broadcasting: trailing alignment, size-1 and 0-size dims, scalars', () => {
  assert.deepEqual(out('Tensor.__add__', [t([8, 1, 6, 1]), t([7, 1, 5])]).shape, [8, 7, 6, 5]);
  assert.deepEqual(out('Tensor.__mul__', [t([3]), 2]).shape, [3]);
  assert.deepEqual(out('Tensor.__radd__', [t([]), 1.5]).shape, []);
  assert.deepEqual(out('Tensor.__sub__', [t([]), t([4, 1])]).shape, [4, 1]);
  assert.deepEqual(out('Tensor.__add__', [t([0]), t([1])]).shape, [0]);
  assert.deepEqual(out('Tensor.__add__', [t([2, 0, 3]), t([1, 3])]).shape, [2, 0, 3]);
  assert.deepEqual(out('torch.where', [t([2, 1, 1]), t([3, 1]), 0]).shape, [2, 3, 1]);
  assert.deepEqual(out('torch.pow', [2, t([4, 5])]).shape, [4, 5]);
  assert.deepEqual(out('Tensor.__lt__', [t([2, 3]), t([3])]).shape, [2, 3]);
  throwsOp(() => call('Tensor.__add__', [t([0]), t([2])]), 'shape-mismatch', /\[0\]/, /\[2\]/);
  throwsOp(
    () => call('torch.add', [t([2, 3]), t([4])]),
    'shape-mismatch',
    /^torch\.add: shapes \[2, 3\] \(input\) and \[4\] \(other\) cannot be broadcast: size 3 vs 4 at non-singleton dimension 1$/,
  );
});

test('a channel mismatch between feature maps is reported as one', () => {
  throwsOp(
    () => call('Tensor.__add__', [t([1, 64, 56, 56]), t([1, 32, 56, 56])]),
    'channel-mismatch',
    /\[1, 64, 56, 56\]/,
    /\[1, 32, 56, 56\]/,
    /dimension 1/,
  );
  throwsOp(() => call('Tensor.__add__', [t([1, 64, 56, 56]), t([1, 64, 28, 28])]), 'shape-mismatch', /dimension 2/);
});

test('in-place arithmetic cannot grow self', () => {
  assert.deepEqual(out('Tensor.__iadd__', [t([2, 3]), t([3])]).shape, [2, 3]);
  throwsOp(
    () => call('Tensor.__iadd__', [t([3]), t([2, 3])]),
    'shape-mismatch',
    /output with shape \[3\] doesn't match the broadcast shape \[2, 3\]/,
  );
  throwsOp(() => call('Tensor.masked_fill_', [t([3]), t([2, 3]), 0]), 'shape-mismatch', /\[2, 3\]/);
});

test('elementwise geometry: rf is the largest, jump the first operand’s', () => {
  const a = t([1, 4, 8, 8], [g(3, 2), g(3, 2)]);
  const b = t([1, 4, 8, 8], [g(9, 4), g(1, 4)]);
  assert.deepEqual(geo(out('Tensor.__add__', [a, b])), ['9@2', '3@2']);
  assert.deepEqual(geo(out('Tensor.__add__', [b, a])), ['9@4', '3@4']);
  assert.deepEqual(geo(out('torch.cat', [[b, a]], { dim: 1 })), ['9@4', '3@4']);
  // Scalars and tensors without geometry leave the other operand's geometry alone.
  assert.deepEqual(geo(out('Tensor.__mul__', [a, 2])), ['3@2', '3@2']);
  assert.deepEqual(geo(out('Tensor.__rmul__', [a, 0.5])), ['3@2', '3@2']);
  assert.deepEqual(geo(out('Tensor.__mul__', [t([1, 4, 1, 1]), a])), ['3@2', '3@2']);
  // An operand with geometry on fewer axes merges on the axes it has.
  const w = t([8], [g(17, 1)]);
  assert.deepEqual(geo(out('Tensor.__add__', [a, w])), ['3@2', '17@2']);
  assert.deepEqual(geo(out('Tensor.__add__', [w, a])), ['3@2', '17@1']);
  // Operands broadcast along an axis have no positions there: a layer-scale parameter [C, 1, 1]
  // (fresh geometry from torch.ones) or an SE gate [N, C, 1, 1] leaves the feature map's geometry.
  const layerScale = out('torch.ones', [4, 1, 1]);
  assert.deepEqual(geo(layerScale), ['1@1']);
  assert.deepEqual(geo(out('Tensor.__mul__', [layerScale, a])), ['3@2', '3@2']);
  const gate = t([1, 4, 1, 1], [g(200, 8), g(200, 8)]);
  assert.deepEqual(geo(out('Tensor.__mul__', [gate, a])), ['3@2', '3@2']);
  assert.deepEqual(geo(out('Tensor.__mul__', [a, gate])), ['3@2', '3@2']);
  // ...but along torch.cat's dim sizes differ without broadcasting.
  const strip = t([1, 4, 8, 1], [g(5, 4), g(5, 4)]);
  assert.deepEqual(geo(out('torch.cat', [[strip, a], -1])), ['5@4', '5@4']);
  // Fractions survive exactly.
  const up = t([1, 4, 8, 8], [g(rational(5, 2), rational(1, 2)), g(2, rational(1, 2))]);
  assert.deepEqual(geo(out('Tensor.__add__', [up, a])), ['3@1/2', '3@1/2']);
  // Unary ops keep geometry; softmax along a spatial axis makes it global.
  assert.deepEqual(geo(out('torch.sigmoid', [a])), ['3@2', '3@2']);
  assert.deepEqual(geo(out('Tensor.relu', [a])), ['3@2', '3@2']);
  assert.deepEqual(geo(out('Tensor.softmax', [a, 1])), ['3@2', '3@2']);
  assert.deepEqual(geo(out('torch.softmax', [a, -2])), ['3@2']);
  assert.equal(out('Tensor.softmax', [a, -1]).geometry, null);
});

// ---------------------------------------------------------------------------------------------
// Joining

test('torch.cat: shapes, negative dims, legacy empty tensors, readable errors', () => {
  assert.deepEqual(out('torch.cat', [[t([1, 64, 56, 56]), t([1, 32, 56, 56])], 1]).shape, [1, 96, 56, 56]);
  assert.deepEqual(out('torch.cat', [[t([2, 3]), t([2, 5])]], { dim: -1 }).shape, [2, 8]);
  assert.deepEqual(out('torch.cat', [[t([0]), t([2, 3]), t([4, 3])]]).shape, [6, 3]);
  throwsOp(
    () => call('torch.cat', [[t([1, 64, 56, 56]), t([1, 64, 57, 57])], 1]),
    'shape-mismatch',
    /^torch\.cat: sizes of tensors must match except in dimension 1, but tensor 0 has shape \[1, 64, 56, 56\] and tensor 1 has shape \[1, 64, 57, 57\] \(dimension 2: 56 vs 57\)$/,
  );
  throwsOp(() => call('torch.cat', [[t([1, 64, 8, 8]), t([1, 32, 8, 8])], 2]), 'channel-mismatch', /dimension 1: 64 vs 32/);
  throwsOp(() => call('torch.cat', [[t([2, 3]), t([2, 3, 1])]]), 'shape-mismatch', /\[2, 3\] \(2 dims\).*\[2, 3, 1\] \(3 dims\)/);
  throwsOp(() => call('torch.cat', [[]]), 'invalid-argument', /non-empty/);
  throwsOp(() => call('torch.cat', [[t([2, 3])], 2]), 'invalid-argument', /range of \[-2, 1\], but got 2/);
});

test('stack and friends: the new axis and geometry', () => {
  const a = t([1, 3, 4, 4], [g(3, 1), g(3, 1)]);
  const front = out('torch.stack', [[a, a]]);
  assert.deepEqual(front.shape, [2, 1, 3, 4, 4]);
  assert.deepEqual(geo(front), ['3@1', '3@1']);
  const back = out('torch.stack', [[a, a], -1]);
  assert.deepEqual(back.shape, [1, 3, 4, 4, 2]);
  assert.equal(back.geometry, null);
  throwsOp(() => call('torch.stack', [[t([2, 3]), t([3, 2])]]), 'shape-mismatch', /\[2, 3\] at entry 0 and \[3, 2\] at entry 1/);
  assert.deepEqual(out('torch.hstack', [[t([2]), t([3])]]).shape, [5]);
  assert.deepEqual(out('torch.hstack', [[t([2, 1]), t([2, 4])]]).shape, [2, 5]);
  assert.deepEqual(out('torch.vstack', [[t([3]), t([3])]]).shape, [2, 3]);
});

// ---------------------------------------------------------------------------------------------
// Reshaping

test('view/reshape: -1 inference and errors', () => {
  assert.deepEqual(out('Tensor.view', [t([2, 3, 4]), -1, 4]).shape, [6, 4]);
  assert.deepEqual(out('torch.reshape', [t([2, 3, 4]), [4, -1]]).shape, [4, 6]);
  assert.deepEqual(out('Tensor.view', [t([0, 3]), 3, 0]).shape, [3, 0]);
  throwsOp(() => call('Tensor.view', [t([0, 3]), 0, -1]), 'invalid-argument', /0 elements into shape \[0, -1\]/);
  throwsOp(() => call('Tensor.view', [t([2, 3]), 4, -1]), 'shape-mismatch', /shape '\[4, -1\]' is invalid for input of size 6 \(a tensor of shape \[2, 3\]\)/);
  throwsOp(() => call('Tensor.view', [t([2, 3]), -1, -1]), 'invalid-argument', /only one dimension can be inferred/);
  throwsOp(() => call('Tensor.view', [t([0, 3]), -1, 0]), 'invalid-argument', /ambiguous/);
  throwsOp(() => call('Tensor.view', [t([6]), -2, 3]), 'invalid-argument', /invalid shape dimension -2/);
});

test('view geometry: kept when the spatial dims are untouched, fresh for a flat vector made an image', () => {
  const x = fmap();
  assert.deepEqual(geo(out('Tensor.view', [x, 16, 6, 10])), ['7@4', '11@2']);
  assert.deepEqual(geo(out('Tensor.view', [x, 2, 2, 4, 6, 10])), ['7@4', '11@2']);
  assert.equal(out('Tensor.view', [x, 2, 8, 60]).geometry, null);
  assert.equal(out('Tensor.view', [x, 2, -1]).geometry, null);
  assert.equal(out('Tensor.view', [t([1, 1, 4, 4], [g(3, 1), g(3, 1)]), 4, 4]).geometry, null);
  // A decoder's fc(z).view(B, C, 4, 4): the latent vector has no positions; the image starts fresh.
  const latent = t([2, 4096]);
  const image = out('Tensor.view', [latent, -1, 256, 4, 4]);
  assert.deepEqual(image.shape, [2, 256, 4, 4]);
  assert.deepEqual(geo(image), ['1@1', '1@1']);
  // A feature map that lost its geometry does not get a fresh one back.
  assert.equal(out('Tensor.view', [t([2, 8, 60]), 2, 8, 6, 10]).geometry, null);
  assert.deepEqual(geo(out('Tensor.unflatten', [latent, 1, [256, 4, 4]])), ['1@1', '1@1']);
});

test('flatten/unflatten', () => {
  const x = fmap();
  const f1 = out('torch.flatten', [x, 1]);
  assert.deepEqual(f1.shape, [2, 480]);
  assert.equal(f1.geometry, null);
  const f01 = out('Tensor.flatten', [x, 0, 1]);
  assert.deepEqual(f01.shape, [16, 6, 10]);
  assert.deepEqual(geo(f01), ['7@4', '11@2']);
  assert.deepEqual(geo(out('Tensor.flatten', [x, 2, 2])), ['7@4', '11@2']);
  assert.deepEqual(out('Tensor.flatten', [t([])]).shape, [1]);
  throwsOp(() => call('torch.flatten', [x, 3, 1]), 'invalid-argument', /start_dim cannot come after end_dim \(start_dim=3, end_dim=1\)/);
  assert.deepEqual(out('Tensor.unflatten', [x, 1, [2, -1]]).shape, [2, 2, 4, 6, 10]);
  assert.deepEqual(geo(out('Tensor.unflatten', [x, 1, [2, -1]])), ['7@4', '11@2']);
  assert.equal(out('Tensor.unflatten', [x, -1, [2, 5]]).geometry, null);
  throwsOp(() => call('Tensor.unflatten', [x, 1, [3, 3]]), 'shape-mismatch', /\[3, 3\] don't multiply up to the size of dim 1 \(8\)/);
});

test('permute/transpose move geometry with the axes', () => {
  const x = fmap();
  const swapped = out('Tensor.permute', [x, 0, 1, 3, 2]);
  assert.deepEqual(swapped.shape, [2, 8, 10, 6]);
  assert.deepEqual(geo(swapped), ['11@2', '7@4']);
  assert.deepEqual(geo(out('Tensor.transpose', [x, -1, -2])), ['11@2', '7@4']);
  assert.deepEqual(geo(out('Tensor.transpose', [x, 0, 1])), ['7@4', '11@2']);
  // Channels-last: the trailing axis is no longer spatial.
  const nhwc = out('torch.permute', [x, [0, 2, 3, 1]]);
  assert.deepEqual(nhwc.shape, [2, 6, 10, 8]);
  assert.equal(nhwc.geometry, null);
  throwsOp(() => call('Tensor.permute', [x, 0, 1, 2]), 'invalid-argument', /has 4 dims but 3 were given/);
  throwsOp(() => call('Tensor.permute', [x, 0, 1, 1, 2]), 'invalid-argument', /permute\(\): duplicate dims are not allowed/);
  throwsOp(() => call('Tensor.t', [x]), 'invalid-argument', /<= 2 dimensions.*\[2, 8, 6, 10\]/);
  assert.deepEqual(out('Tensor.T', [t([2, 3, 4])]).shape, [4, 3, 2]);
  assert.deepEqual(out('Tensor.mT', [t([5, 2, 3])]).shape, [5, 3, 2]);
});

test('squeeze/unsqueeze: size-1 spatial axes and inserted axes', () => {
  const x = t([1, 4, 1, 10], [g(5, 2), g(9, 2)]);
  const s2 = out('Tensor.squeeze', [x, 2]);
  assert.deepEqual(s2.shape, [1, 4, 10]);
  assert.deepEqual(geo(s2), ['9@2']);
  assert.deepEqual(out('Tensor.squeeze', [x, 1]).shape, [1, 4, 1, 10]);
  assert.deepEqual(out('torch.squeeze', [x]).shape, [4, 10]);
  assert.deepEqual(geo(out('torch.squeeze', [x])), ['9@2']);
  assert.deepEqual(geo(out('Tensor.unsqueeze', [x, 0])), ['5@2', '9@2']);
  assert.equal(out('Tensor.unsqueeze', [x, -1]).geometry, null);
  assert.deepEqual(out('Tensor.unsqueeze', [x, -1]).shape, [1, 4, 1, 10, 1]);
  throwsOp(() => call('Tensor.unsqueeze', [x, 6]), 'invalid-argument', /\[-5, 4\], but got 6/);
});

test('expand/repeat/split keep geometry; sizes as torch computes them', () => {
  const x = t([1, 3, 1, 5], [g(3, 1), g(3, 1)]);
  const e = out('Tensor.expand', [x, 2, 2, -1, 4, 5]);
  assert.deepEqual(e.shape, [2, 2, 3, 4, 5]);
  assert.deepEqual(geo(e), ['3@1', '3@1']);
  throwsOp(() => call('Tensor.expand', [x, 1, 4, 1, 5]), 'shape-mismatch', /expanded size of the tensor \(4\) must match the existing size \(3\) at non-singleton dimension 1/);
  assert.deepEqual(out('Tensor.repeat', [x, 2, 1, 1, 3, 2]).shape, [2, 1, 3, 3, 10]);
  assert.deepEqual(out('torch.tile', [x, [2]]).shape, [1, 3, 1, 10]);
  const pieces = call('Tensor.chunk', [t([2, 7, 4, 4], [g(3, 1), g(3, 1)]), 3, 1]).value as Tensor[];
  assert.deepEqual(pieces.map((p) => p.shape[1]), [3, 3, 1]);
  assert.deepEqual(geo(pieces[2]!), ['3@1', '3@1']);
  assert.deepEqual((call('torch.split', [t([10, 2]), 4]).value as Tensor[]).map((p) => p.shape[0]), [4, 4, 2]);
  assert.deepEqual((call('torch.split', [t([10, 2]), [1, 9]]).value as Tensor[]).map((p) => p.shape[0]), [1, 9]);
  throwsOp(() => call('torch.split', [t([10, 2]), [1, 8]]), 'shape-mismatch', /sum exactly to 10.*\[10, 2\].*\[1, 8\]/);
  const rows = call('Tensor.unbind', [t([3, 4, 5], [g(2, 1)]), 2]).value as Tensor[];
  assert.equal(rows.length, 5);
  assert.deepEqual(rows[0]!.shape, [3, 4]);
  assert.equal(rows[0]!.geometry, null);
  assert.deepEqual(out('Tensor.narrow', [x, -1, -3, 2]).shape, [1, 3, 1, 2]);
  throwsOp(() => call('Tensor.narrow', [x, 3, 2, 4]), 'invalid-argument', /start \(2\) \+ length \(4\) exceeds dimension size \(5\)/);
});

test('size queries return torch.Size as a plain array', () => {
  const x = fmap();
  assert.deepEqual(call('Tensor.size', [x]).value, [2, 8, 6, 10]);
  assert.equal(call('Tensor.size', [x, -1]).value, 10);
  assert.deepEqual(call('Tensor.shape', [x]).value, [2, 8, 6, 10]);
  assert.equal(call('Tensor.dim', [x]).value, 4);
  assert.equal(call('Tensor.ndim', [x]).value, 4);
  assert.equal(call('Tensor.numel', [x]).value, 960);
  assert.equal(call('torch.numel', [x]).value, 960);
  throwsOp(() => call('Tensor.size', [x, 4]), 'invalid-argument', /\[-4, 3\], but got 4\) for a tensor of shape \[2, 8, 6, 10\]/);
  for (const name of ['Tensor.float', 'Tensor.half', 'Tensor.to', 'Tensor.detach', 'Tensor.clone', 'Tensor.cpu', 'Tensor.cuda', 'Tensor.contiguous']) {
    assert.deepEqual(out(name, [x]), x, name);
  }
  assert.deepEqual(out('Tensor.to', [x, 'cuda'], { dtype: 'float16' }), x);
});

// ---------------------------------------------------------------------------------------------
// Indexing

test('indexing: Python slice clamping, negative indices, None, Ellipsis', () => {
  const x = t([10]);
  const len = (index: OpValue) => out('Tensor.__getitem__', [x, index]).shape[0];
  assert.equal(len(slice(-3, null)), 3);
  assert.equal(len(slice(2, -2, 3)), 2);
  assert.equal(len(slice(8, 2)), 0);
  assert.equal(len(slice(-100, 100)), 10);
  assert.equal(len(slice(null, null, 4)), 3);
  assert.equal(len(slice(11, null)), 0);
  assert.equal(len(slice(-11, 1)), 1);
  const y = t([2, 3, 4, 5]);
  assert.deepEqual(out('Tensor.__getitem__', [y, -1]).shape, [3, 4, 5]);
  assert.deepEqual(out('Tensor.__getitem__', [y, ['...', 0]]).shape, [2, 3, 4]);
  assert.deepEqual(out('Tensor.__getitem__', [y, [null, ALL, 1, '...', null]]).shape, [1, 2, 4, 5, 1]);
  assert.deepEqual(out('Tensor.__getitem__', [y, [ALL, [0, 2, 2]]]).shape, [2, 3, 4, 5]);
  // Separated advanced indices put their dims first (torch 1.13: [2, 2, 4]); adjacent ones stay in place.
  assert.deepEqual(out('Tensor.__getitem__', [y, [ALL, [0, 2], ALL, [1, 1]]]).shape, [2, 2, 4]);
  assert.deepEqual(out('Tensor.__getitem__', [y, [ALL, [0, 2], [1, 1]]]).shape, [2, 2, 5]);
  assert.deepEqual(out('Tensor.__getitem__', [y, [ALL, [true, false, true]]]).shape, [2, 2, 4, 5]);
  assert.deepEqual(out('Tensor.__getitem__', [y, []]).shape, [2, 3, 4, 5]);
  throwsOp(() => call('Tensor.__getitem__', [y, [0, 0, 0, 0, 0]]), 'invalid-argument', /too many indices for tensor of dimension 4 \(shape \[2, 3, 4, 5\]\)/);
  throwsOp(() => call('Tensor.__getitem__', [y, [ALL, 3]]), 'invalid-argument', /index 3 is out of bounds for dimension 1 with size 3/);
  throwsOp(() => call('Tensor.__getitem__', [y, slice(null, null, -1)]), 'invalid-argument', /step must be greater than zero/);
  throwsOp(() => call('Tensor.__getitem__', [y, slice(null, null, 0)]), 'invalid-argument', /slice step cannot be zero/);
  // torch 1.13 takes several Ellipses, each spanning the dims the other indices leave (y[..., 0, ...]: [2, 3, 4]).
  assert.deepEqual(out('Tensor.__getitem__', [y, ['...', '...']]).shape, [2, 3, 4, 5]);
  assert.deepEqual(out('Tensor.__getitem__', [y, ['...', 0, '...']]).shape, [2, 3, 4]);
  throwsOp(() => call('Tensor.__getitem__', [y, t([2])]), 'unsupported', /tensor/);
});

test('indexing geometry: slices keep (and stride) it, integers drop the axis', () => {
  const x = fmap();
  const strided = out('Tensor.__getitem__', [x, [ALL, ALL, slice(null, null, 2), slice(1, null)]]);
  assert.deepEqual(strided.shape, [2, 8, 3, 9]);
  assert.deepEqual(geo(strided), ['7@8', '11@2']);
  assert.deepEqual(geo(out('Tensor.__getitem__', [x, [ALL, 0]])), ['7@4', '11@2']);
  assert.deepEqual(geo(out('Tensor.__getitem__', [x, ['...', 0]])), ['7@4']);
  assert.deepEqual(geo(out('Tensor.__getitem__', [x, [ALL, ALL, 0]])), ['11@2']);
  assert.deepEqual(geo(out('Tensor.__getitem__', [x, [ALL, null]])), ['7@4', '11@2']);
  assert.equal(out('Tensor.__getitem__', [x, ['...', null]]).geometry, null);
  assert.deepEqual(geo(out('Tensor.__getitem__', [x, [ALL, [1, 2]]])), ['7@4', '11@2']);
  assert.deepEqual(geo(out('Tensor.__getitem__', [x, [ALL, ALL, [1, 2]]])), ['11@2']);
});

test('Tensor.__setitem__: the value must broadcast to the indexed shape', () => {
  const x = t([2, 3, 4]);
  assert.equal(call('Tensor.__setitem__', [x, [ALL, 0], t([4])]).value, null);
  assert.equal(call('Tensor.__setitem__', [x, [ALL, 0], 1.5]).value, null);
  throwsOp(() => call('Tensor.__setitem__', [x, [ALL, 0], t([3])]), 'shape-mismatch', /value tensor of shape \[3\] cannot be broadcast to indexing result of shape \[2, 4\]/);
});

// ---------------------------------------------------------------------------------------------
// Reductions

test('reductions: dims as int or tuple, keepdim, and the geometry of what remains', () => {
  const x = fmap();
  const pooled = out('Tensor.mean', [x, [2, 3]]);
  assert.deepEqual(pooled.shape, [2, 8]);
  assert.equal(pooled.geometry, null);
  const kept = out('Tensor.mean', [x, [-1, -2]], { keepdim: true });
  assert.deepEqual(kept.shape, [2, 8, 1, 1]);
  assert.equal(kept.geometry, null);
  assert.deepEqual(geo(out('torch.sum', [x, 1])), ['7@4', '11@2']);
  assert.deepEqual(geo(out('torch.sum', [x, 1], { keepdim: true })), ['7@4', '11@2']);
  assert.deepEqual(geo(out('Tensor.amax', [x, 2])), ['11@2']);
  assert.deepEqual(geo(out('Tensor.amax', [x, 2], { keepdim: true })), ['11@2']);
  assert.equal(out('Tensor.amax', [x, 3], { keepdim: true }).geometry, null);
  assert.deepEqual(out('Tensor.sum', [x]).shape, []);
  assert.deepEqual(out('torch.sum', [x, []]).shape, []);
  const [values, indices] = call('Tensor.max', [x, 1]).value as Tensor[];
  assert.deepEqual(values!.shape, [2, 6, 10]);
  assert.deepEqual(indices!.shape, [2, 6, 10]);
  assert.deepEqual(geo(values!), ['7@4', '11@2']);
  assert.deepEqual(out('Tensor.max', [x]).shape, []);
  assert.deepEqual(out('torch.max', [x, t([10])]).shape, [2, 8, 6, 10]);
  assert.deepEqual(out('Tensor.argmax', [x]).shape, []);
  assert.deepEqual(out('Tensor.argmax', [x, 1], { keepdim: true }).shape, [2, 1, 6, 10]);
  assert.deepEqual(out('torch.logsumexp', [x, [1, 2]]).shape, [2, 10]);
  assert.deepEqual(out('torch.std', [x, true]).shape, []);
  assert.deepEqual(out('torch.norm', [x], { dim: [1, 2, 3] }).shape, [2]);
  throwsOp(() => call('Tensor.sum', [x, [1, -3]]), 'invalid-argument', /dim 1 appears multiple times/);
  throwsOp(() => call('Tensor.mean', [x, 4]), 'invalid-argument', /\[-4, 3\], but got 4/);
});

// ---------------------------------------------------------------------------------------------
// F.pad

test('F.pad: pairs from the last dim backwards, negative crops, geometry unchanged', () => {
  const x = fmap();
  const p = out('F.pad', [x, [1, 2, 3, 4]]);
  assert.deepEqual(p.shape, [2, 8, 13, 13]);
  assert.deepEqual(geo(p), ['7@4', '11@2']);
  assert.deepEqual(out('F.pad', [x, [-1, -2]]).shape, [2, 8, 6, 7]);
  assert.deepEqual(out('F.pad', [x, [0, 0, 0, 0, 1, 1]]).shape, [2, 10, 6, 10]);
  assert.deepEqual(out('F.pad', [x, [2, 2, 2, 2]], { mode: 'reflect' }).shape, [2, 8, 10, 14]);
  // UNet's F.pad(x1, [diffX // 2, diffX - diffX // 2, diffY // 2, diffY - diffY // 2]) with odd differences.
  assert.deepEqual(out('F.pad', [t([1, 64, 56, 56]), [0, 1, 0, 1]]).shape, [1, 64, 57, 57]);
  throwsOp(() => call('F.pad', [x, [1, 2, 3]]), 'invalid-argument', /divisible by 2/);
  throwsOp(() => call('F.pad', [x, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]]), 'invalid-argument', /too large.*\[2, 8, 6, 10\]/);
  throwsOp(() => call('F.pad', [x, [10, 0]], { mode: 'reflect' }), 'invalid-argument', /2-D or 3-D input, got shape \[2, 8, 6, 10\]/);
  throwsOp(() => call('F.pad', [x, [10, 0, 0, 0]], { mode: 'reflect' }), 'invalid-argument', /less than the corresponding input dimension.*\(10, 0\).*dimension 3/);
  throwsOp(() => call('F.pad', [x, [1, 1]], { mode: 'mirror' }), 'invalid-argument', /unrecognised padding mode 'mirror'/);
});

// ---------------------------------------------------------------------------------------------
// Matrix products

test('matmul: torch.matmul shape rules and MACs = batch·n·k·m', () => {
  const mm = (a: number[], b: number[], name = 'torch.matmul') => {
    const r = call(name, [t(a), t(b)]);
    return { shape: (r.value as Tensor).shape, macs: r.macs, geometry: (r.value as Tensor).geometry };
  };
  assert.deepEqual(mm([2, 3, 4], [4, 5]), { shape: [2, 3, 5], macs: 2 * 3 * 4 * 5, geometry: null });
  assert.deepEqual(mm([4], [4]), { shape: [], macs: 4, geometry: null });
  assert.deepEqual(mm([3, 4], [4]), { shape: [3], macs: 12, geometry: null });
  assert.deepEqual(mm([4], [4, 6]), { shape: [6], macs: 24, geometry: null });
  assert.deepEqual(mm([5], [2, 5, 3]), { shape: [2, 3], macs: 2 * 5 * 3, geometry: null });
  assert.deepEqual(mm([2, 3, 5], [5]), { shape: [2, 3], macs: 2 * 3 * 5, geometry: null });
  assert.deepEqual(mm([2, 1, 3, 4], [5, 4, 6]), { shape: [2, 5, 3, 6], macs: 2 * 5 * 3 * 4 * 6, geometry: null });
  assert.deepEqual(mm([7, 3, 4], [7, 4, 2], 'torch.bmm'), { shape: [7, 3, 2], macs: 7 * 3 * 4 * 2, geometry: null });
  assert.deepEqual(mm([3, 4], [4, 2], 'Tensor.__matmul__'), { shape: [3, 2], macs: 24, geometry: null });
  // other @ self when the left operand is not a tensor
  assert.deepEqual(mm([4, 2], [3, 4], 'Tensor.__rmatmul__'), { shape: [3, 2], macs: 24, geometry: null });
  throwsOp(() => call('torch.matmul', [t([2, 3]), t([4, 5])]), 'shape-mismatch', /shapes \[2, 3\] and \[4, 5\] cannot be multiplied.*3 columns.*4 rows/);
  throwsOp(() => call('torch.matmul', [t([]), t([3])]), 'invalid-argument', /at least 1D, but they are 0D and 1D/);
  throwsOp(() => call('torch.bmm', [t([2, 3, 4]), t([3, 4, 5])]), 'shape-mismatch', /Expected size for first two dimensions of batch2 tensor to be: \[2, 4\] but got: \[3, 4\]/);
  throwsOp(() => call('torch.mm', [t([2, 3, 4]), t([4, 5])]), 'invalid-argument', /2-D tensor, got shape \[2, 3, 4\]/);
});

test('einsum: explicit and implicit outputs, ellipsis, and MACs over all labels', () => {
  const e = (eq: string, ...shapes: number[][]) => {
    const r = call('torch.einsum', [eq, ...shapes.map((s) => t(s))]);
    return { shape: (r.value as Tensor).shape, macs: r.macs };
  };
  assert.deepEqual(e('bij,bjk->bik', [2, 3, 4], [2, 4, 5]), { shape: [2, 3, 5], macs: 2 * 3 * 4 * 5 });
  assert.deepEqual(e('ij,jk', [3, 4], [4, 5]), { shape: [3, 5], macs: 60 });
  assert.deepEqual(e('ba,ca', [3, 4], [5, 4]), { shape: [3, 5], macs: 60 });
  assert.deepEqual(e('...ij,...jk->...ik', [6, 3, 4], [4, 5]), { shape: [6, 3, 5], macs: 6 * 3 * 4 * 5 });
  assert.deepEqual(e('ii->i', [3, 3]), { shape: [3], macs: 0 });
  assert.deepEqual(e('bchw->bhwc', [1, 2, 3, 4]), { shape: [1, 3, 4, 2], macs: 0 });
  assert.deepEqual(call('torch.einsum', ['ij,jk', [t([3, 4]), t([4, 5])]]).macs, 60);
  throwsOp(() => call('torch.einsum', ['ij,jk', t([3, 4]), t([5, 5])]), 'shape-mismatch', /subscript j has size 5.*previously seen size 4/);
  throwsOp(() => call('torch.einsum', ['ijk', t([3, 4])]), 'shape-mismatch', /does not match the number of dimensions \(2\)/);
});

// ---------------------------------------------------------------------------------------------
// Creation

test('creation: model inputs get fresh geometry on the trailing rank − 2 axes', () => {
  const img = out('torch.randn', [1, 3, 224, 224]);
  assert.deepEqual(img.shape, [1, 3, 224, 224]);
  assert.deepEqual(geo(img), ['1@1', '1@1']);
  assert.deepEqual(geo(out('torch.zeros', [[1, 3, 16]])), ['1@1']);
  assert.deepEqual(geo(out('torch.rand', [1, 1, 8, 8, 8])), ['1@1', '1@1', '1@1']);
  assert.equal(out('torch.ones', [2, 128]).geometry, null);
  assert.equal(out('torch.full', [[4], 0.5]).geometry, null);
  const x = fmap();
  assert.deepEqual(out('torch.zeros_like', [x]), x);
  assert.deepEqual(geo(out('torch.randn_like', [x])), ['7@4', '11@2']);
  // x + torch.randn_like(x) keeps x's grid whichever operand comes first.
  assert.deepEqual(geo(out('Tensor.__add__', [out('torch.randn_like', [x]), x])), ['7@4', '11@2']);
  assert.deepEqual(out('torch.arange', [10]).shape, [10]);
  assert.deepEqual(out('torch.arange', [2, 10, 3]).shape, [3]);
  assert.deepEqual(out('torch.arange', [0, 1, 0.1]).shape, [10]);
  assert.deepEqual(out('torch.arange', [5, 0, -2]).shape, [3]);
  assert.deepEqual(out('torch.linspace', [0, 1, 7]).shape, [7]);
  assert.deepEqual(out('torch.eye', [3]).shape, [3, 3]);
  assert.deepEqual(out('torch.eye', [3, 5]).shape, [3, 5]);
  assert.deepEqual(out('torch.tensor', [[[1, 2], [3, 4], [5, 6]]]).shape, [3, 2]);
  assert.deepEqual(out('Tensor.new_zeros', [x, 4, 4]).shape, [4, 4]);
  throwsOp(() => call('torch.arange', [0, 10, 0]), 'invalid-argument', /step must be nonzero/);
  throwsOp(() => call('torch.zeros', [2, -1]), 'invalid-argument', /negative dimension -1/);
  throwsOp(() => call('torch.tensor', [[[1], [2, 3]]]), 'shape-mismatch', /expected sequence of length 1/);
});

test('absurd sizes are refused instead of overflowing', () => {
  throwsOp(() => call('torch.zeros', [2 ** 30, 2 ** 30, 2 ** 30]), 'invalid-argument', /more than 2\^53/);
  throwsOp(() => call('Tensor.expand', [t([1, 1]), 2 ** 27, 2 ** 27]), 'invalid-argument', /more than 2\^53/);
  throwsOp(() => call('Tensor.repeat', [t([2 ** 20]), 2 ** 20, 2 ** 20]), 'invalid-argument', /more than 2\^53/);
  throwsOp(() => call('torch.zeros', [2.5]), 'invalid-argument', /must be int, not 2.5/);
});

test('op results never alias or mutate their inputs', () => {
  const x = fmap();
  const before = JSON.stringify(x);
  for (const [name, args] of [
    ['Tensor.permute', [x, 0, 1, 3, 2]],
    ['Tensor.squeeze', [x]],
    ['Tensor.unsqueeze', [x, 0]],
    ['Tensor.__getitem__', [x, [ALL, ALL, slice(null, null, 2)]]],
    ['Tensor.view', [x, 16, 6, 10]],
    ['F.pad', [x, [1, 1]]],
    ['torch.cat', [[x, x], 1]],
  ] as [string, OpValue[]][]) {
    const r = out(name, args);
    (r.shape as number[]).push(99);
    assert.equal(JSON.stringify(x), before, name);
  }
});

// The args an op receives when the interpreter includes every default (as bind() does) or omits them.
test('ops read defaults whether or not the binder fills them in', () => {
  const x = fmap();
  const direct = (name: string, args: OpArgs) => tensorFunctionSpecs.get(name)!.apply(args).value as Tensor;
  assert.deepEqual(direct('torch.flatten', { input: x }).shape, [960]);
  assert.deepEqual(direct('Tensor.sum', { self: x, dim: 1 }).shape, [2, 6, 10]);
  assert.deepEqual(direct('torch.cat', { tensors: [x, x] }).shape, [4, 8, 6, 10]);
  assert.deepEqual(direct('F.pad', { input: x, pad: [1, 1] }).shape, [2, 8, 6, 12]);
});
