// Tensor factories: torch.randn/rand/zeros/ones/empty/full/arange/linspace/eye/tensor, the *_like
// functions and Tensor.new_*.
//
// Geometry: a new tensor of rank ≥ 3 is laid out like a convolution input (N, C, *spatial) and
// gets fresh geometry (rf = 1, jump = 1) on its trailing rank − 2 axes, so that
// `torch.randn(1, 3, 224, 224)` used as a model input starts the receptive-field bookkeeping.
// Lower ranks have none. The *_like functions copy the geometry of their input: the new tensor
// sits on the same grid (x + torch.randn_like(x) must keep x's jump).

import type { FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import {
  argInt,
  argTensor,
  describe,
  formatShape,
  freshGeometry,
  isTensor,
  makeTensor,
  ok,
  sizeVarargs,
  specs,
  toIntList,
} from './tensorOpsCommon';

export function newTensor(fn: string, shape: readonly number[]): Tensor {
  for (const s of shape) {
    if (Number.isSafeInteger(s) && s < 0) {
      throw new OpError('invalid-argument', `${fn}: trying to create a tensor with negative dimension ${s}: ${formatShape(shape)}`);
    }
  }
  return makeTensor(fn, shape, freshGeometry(shape.length));
}

function fromVarargs(fn: string, args: OpArgs): OpResult {
  return ok(newTensor(fn, sizeVarargs(fn, args, 'size')));
}

function likeInput(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'input');
  return ok(makeTensor(fn, input.shape, input.geometry));
}

function number(fn: string, name: string, v: OpValue | undefined): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  throw new OpError('invalid-argument', `${fn}: argument '${name}' must be a number, not ${describe(v)}`);
}

/** A fill value: a number, or a 0-d tensor (torch's argument parser takes one as a Number). */
function fillValue(fn: string, v: OpValue | undefined): void {
  if (isTensor(v) && v.shape.length === 0) return;
  number(fn, 'fill_value', v);
}

/** torch.arange's length: ceil((end − start) / step), computed in double precision as torch does. */
export function arangeLength(fn: string, start: number, end: number, step: number): number {
  if (step === 0) throw new OpError('invalid-argument', `${fn}: step must be nonzero`);
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new OpError('invalid-argument', `${fn}: upper bound and larger bound inconsistent with step sign (start=${start}, end=${end}, step=${step})`);
  }
  return Math.ceil((end - start) / step);
}

function arange(fn: string, args: OpArgs): OpResult {
  // arange(end) binds the single positional to `start`: then it is the end, and start is 0.
  const single = args.end === undefined || args.end === null;
  const start = single ? 0 : number(fn, 'start', args.start ?? 0);
  const end = single ? number(fn, 'end', args.start) : number(fn, 'end', args.end);
  const step = number(fn, 'step', args.step ?? 1);
  return ok(newTensor(fn, [arangeLength(fn, start, end, step)]));
}

function steps(fn: string, args: OpArgs): OpResult {
  number(fn, 'start', args.start);
  number(fn, 'end', args.end);
  const count = argInt(fn, args, 'steps');
  if (count < 0) throw new OpError('invalid-argument', `${fn}: number of steps must be non-negative, got ${count}`);
  return ok(newTensor(fn, [count]));
}

function randint(fn: string, args: OpArgs): OpResult {
  // randint(high, size) binds high to `low` and size to `high`.
  let size = args.size;
  let low = args.low;
  let high = args.high;
  if ((size === undefined || size === null) && Array.isArray(high)) {
    size = high;
    high = low;
    low = 0;
  }
  if (size === undefined || size === null) throw new OpError('invalid-argument', `${fn}: missing the 'size' argument`);
  const lo = number(fn, 'low', low ?? 0);
  const hi = number(fn, 'high', high);
  if (lo >= hi) throw new OpError('invalid-argument', `${fn}: random_ expects 'from' to be less than 'to', but got from=${lo} >= to=${hi}`);
  return ok(newTensor(fn, toIntList(fn, 'size', size, false)));
}

/** Shape of nested Python data for torch.tensor; 0-d tensors count as scalars. */
export function dataShape(fn: string, data: OpValue | undefined): number[] {
  return nestedShape(fn, data, 0);
}

function nestedShape(fn: string, data: OpValue | undefined, depth: number): number[] {
  if (typeof data === 'number' || typeof data === 'boolean') return [];
  if (isTensor(data)) return [...data.shape];
  if (!Array.isArray(data)) throw new OpError('invalid-argument', `${fn}: could not infer a tensor's shape from ${describe(data)}`);
  if (data.length === 0) return [0];
  const inner = data.map((d) => {
    if (isTensor(d) && d.shape.length > 0) {
      throw new OpError('invalid-argument', `${fn}: only one element tensors can be converted to Python scalars (got ${describe(d)} inside the data)`);
    }
    return nestedShape(fn, d, depth + 1);
  });
  const first = inner[0]!;
  inner.forEach((s, i) => {
    // A number where a list was (or the reverse) is torch's TypeError; lists of other lengths its ValueError.
    if (s.length !== first.length) {
      throw new OpError('invalid-argument', `${fn}: ${s.length < first.length ? 'not a sequence' : "'list' object cannot be interpreted as an integer"} (element ${i} at dim ${depth + 1})`);
    }
    const k = s.findIndex((x, j) => x !== first[j]);
    if (k >= 0) throw new OpError('shape-mismatch', `${fn}: expected sequence of length ${first[k]} at dim ${depth + 1 + k} (got ${s[k]})`);
  });
  return [data.length, ...first];
}

function tensorFromData(fn: string, args: OpArgs): OpResult {
  const data = args.data;
  if (isTensor(data)) return ok(data);
  return ok(newTensor(fn, dataShape(fn, data)));
}

const factoryKeywords = 'out=None, dtype=None, layout=None, device=None, requires_grad=False';
const likeKeywords = '*, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None';
const newKeywords = 'dtype=None, device=None, requires_grad=False';

export const creationSpecs: readonly FunctionSpec[] = [
  // `*size` takes varargs (torch.zeros(2, 3)) or one tuple/list/torch.Size (torch.zeros((2, 3)), torch.zeros(x.shape)).
  ...specs(['torch.zeros', 'torch.ones', 'torch.empty'], `*size, ${factoryKeywords}`, fromVarargs),
  ...specs(['torch.randn', 'torch.rand'], `*size, generator=None, ${factoryKeywords}, pin_memory=False`, fromVarargs),
  ...specs(['torch.full'], `size, fill_value, *, ${factoryKeywords}`, (fn, args) => {
    fillValue(fn, args.fill_value);
    return ok(newTensor(fn, toIntList(fn, 'size', args.size, false)));
  }),
  ...specs(['torch.randint'], `low=0, high=None, size=None, *, generator=None, ${factoryKeywords}`, randint),
  ...specs(['torch.randperm'], `n, *, generator=None, ${factoryKeywords}, pin_memory=False`, (fn, args) =>
    ok(newTensor(fn, [argInt(fn, args, 'n')])),
  ),
  ...specs(['torch.arange'], `start=0, end=None, step=1, *, ${factoryKeywords}`, arange),
  ...specs(['torch.linspace'], `start, end, steps, *, ${factoryKeywords}`, steps),
  ...specs(['torch.logspace'], `start, end, steps, base=10.0, *, ${factoryKeywords}`, steps),
  ...specs(['torch.eye'], `n, m=None, *, ${factoryKeywords}`, (fn, args) => {
    const n = argInt(fn, args, 'n');
    const m = args.m === undefined || args.m === null ? n : argInt(fn, args, 'm');
    if (n < 0) throw new OpError('invalid-argument', `${fn}: n must be greater or equal to 0, got ${n}`);
    if (m < 0) throw new OpError('invalid-argument', `${fn}: m must be greater or equal to 0, got ${m}`);
    return ok(newTensor(fn, [n, m]));
  }),
  ...specs(['torch.tensor'], 'data, *, dtype=None, device=None, requires_grad=False, pin_memory=False', tensorFromData),
  ...specs(['torch.as_tensor'], 'data, dtype=None, device=None', tensorFromData),
  ...specs(
    ['torch.zeros_like', 'torch.ones_like', 'torch.empty_like', 'torch.rand_like', 'torch.randn_like'],
    `input, ${likeKeywords}`,
    likeInput,
  ),
  ...specs(['torch.full_like'], `input, fill_value, ${likeKeywords}`, (fn, args) => {
    fillValue(fn, args.fill_value);
    return likeInput(fn, args);
  }),
  ...specs(['Tensor.new_zeros', 'Tensor.new_ones', 'Tensor.new_empty'], `self, *size, ${newKeywords}`, (fn, args) => {
    argTensor(fn, args, 'self');
    return fromVarargs(fn, args);
  }),
  ...specs(['Tensor.new_full'], `self, size, fill_value, *, ${newKeywords}`, (fn, args) => {
    argTensor(fn, args, 'self');
    fillValue(fn, args.fill_value);
    return ok(newTensor(fn, toIntList(fn, 'size', args.size, false)));
  }),
  ...specs(['Tensor.new_tensor'], `self, data, *, ${newKeywords}`, (fn, args) => {
    argTensor(fn, args, 'self');
    return tensorFromData(fn, args);
  }),
];
