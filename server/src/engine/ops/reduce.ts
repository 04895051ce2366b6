// Reductions: sum/mean/prod/amax/amin/std/var/norm/logsumexp/all/any, max/min/median with and
// without a dim, argmax/argmin, and the dim-wise selections topk/sort/kthvalue.
//
// Geometry: a reduced spatial axis summarises the whole axis, so it loses its geometry; without
// keepdim the axis disappears and the others keep theirs; with keepdim the size-1 axis stays and
// hides the spatial axes in front of it (geometry covers a trailing run of axes only).

import type { AxisGeometry, FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import { broadcastOperands } from './elementwise';
import {
  argBool,
  argInt,
  argTensor,
  axisGeometries,
  describe,
  formatShape,
  geometryFromAxes,
  isInt,
  isTensor,
  makeTensor,
  ok,
  specs,
  toIntList,
  wrapDim,
  wrapDims,
} from './tensorOpsCommon';

/**
 * Reduces `dims` (null: every dim). A 0-d tensor accepts dim 0 or -1 and stays 0-d.
 */
export function reduceDims(fn: string, input: Tensor, dims: readonly number[] | null, keepdim: boolean): Tensor {
  const rank = input.shape.length;
  const wrapped = dims === null ? input.shape.map((_, i) => i) : wrapDims(fn, dims, rank, input.shape);
  if (rank === 0) return makeTensor(fn, [], null);
  const reduced = new Set(wrapped);
  const axes = axisGeometries(input);
  const shape: number[] = [];
  const geo: (AxisGeometry | null)[] = [];
  input.shape.forEach((size, i) => {
    if (!reduced.has(i)) {
      shape.push(size);
      geo.push(axes[i] ?? null);
    } else if (keepdim) {
      shape.push(1);
      geo.push(null);
    }
  });
  return makeTensor(fn, shape, geometryFromAxes(geo));
}

function selfName(args: OpArgs): string {
  return 'self' in args ? 'self' : 'input';
}

/**
 * The `dim` argument of reductions: None → all dims; an int or a tuple/list of ints. torch 1.13
 * reduces every dim for an empty list too (sum(x, dim=[]) is a full reduction).
 */
function dimList(fn: string, v: OpValue | undefined): number[] | null {
  if (v === undefined || v === null) return null;
  const list = toIntList(fn, 'dim', v);
  return list.length === 0 ? null : list;
}

/**
 * max/min/amax/amin/argmax/argmin (and median along a dim) have no value for an empty set: torch
 * refuses to reduce an empty tensor whole, or along a dim of size 0, with these messages.
 */
function requireNonEmpty(fn: string, input: Tensor, dims: readonly number[] | null): void {
  if (dims === null) {
    if (input.shape.includes(0)) {
      throw new OpError('shape-mismatch', `${fn}: Expected reduction dim to be specified for input.numel() == 0 (input of shape ${formatShape(input.shape)})`);
    }
    return;
  }
  // (A 0-d tensor takes dim 0 or -1 and has no size there: nothing to refuse.)
  for (const d of wrapDims(fn, dims, input.shape.length, input.shape)) {
    if (input.shape[d] === 0) throw new OpError('shape-mismatch', `${fn}: Expected reduction dim ${d} to have non-zero size (input of shape ${formatShape(input.shape)})`);
  }
}

/** sum/mean/amax/...: dim = None | int | tuple. */
function multiDimReduction(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  return ok(reduceDims(fn, input, dimList(fn, args.dim), argBool(fn, args, 'keepdim', false)));
}

/** amax/amin: a multi-dim reduction of a non-empty set. */
function extremumReduction(fn: string, args: OpArgs): OpResult {
  requireNonEmpty(fn, argTensor(fn, args, selfName(args)), dimList(fn, args.dim));
  return multiDimReduction(fn, args);
}

/** prod/all/any in 1.13: dim = None | int (a single dim). */
function singleDimReduction(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  const dim = args.dim;
  if (dim === undefined || dim === null) return ok(reduceDims(fn, input, null, false));
  if (!isInt(dim)) throw new OpError('invalid-argument', `${fn}: argument 'dim' must be an int, not ${describe(dim)}`);
  return ok(reduceDims(fn, input, [dim], argBool(fn, args, 'keepdim', false)));
}

/** std/var: the (input, unbiased) overload passes a bool where dim is. */
function statReduction(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  const dim = typeof args.dim === 'boolean' ? null : dimList(fn, args.dim);
  return ok(reduceDims(fn, input, dim, argBool(fn, args, 'keepdim', false)));
}

/** max/min/median/nanmedian: no dim → 0-d; a dim → (values, indices); a tensor → elementwise. */
function valuesAndIndices(elementwise: string | null) {
  return (fn: string, args: OpArgs): OpResult => {
    const name = selfName(args);
    const input = argTensor(fn, args, name);
    const dim = args.dim;
    if (isTensor(dim)) {
      if (!elementwise) throw new OpError('invalid-argument', `${fn}: argument 'dim' must be an int, not ${describe(dim)}`);
      return ok(broadcastOperands(`${fn} (${elementwise})`, [[name, input], ['other', dim]]));
    }
    if (dim === undefined || dim === null) {
      // median of an empty tensor is nan; max and min have none.
      if (elementwise) requireNonEmpty(fn, input, null);
      return ok(reduceDims(fn, input, null, false));
    }
    if (elementwise || fn.endsWith('median')) requireNonEmpty(fn, input, [argInt(fn, args, 'dim')]);
    const reduced = reduceDims(fn, input, [argInt(fn, args, 'dim')], argBool(fn, args, 'keepdim', false));
    return ok([reduced, reduced]);
  };
}

/** argmax/argmin: no dim → index into the flattened tensor (0-d). */
function argReduction(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  const dim = args.dim;
  if (dim === undefined || dim === null) {
    requireNonEmpty(fn, input, null);
    return ok(reduceDims(fn, input, null, false));
  }
  requireNonEmpty(fn, input, [argInt(fn, args, 'dim')]);
  return ok(reduceDims(fn, input, [argInt(fn, args, 'dim')], argBool(fn, args, 'keepdim', false)));
}

/** sort/argsort: (values, indices) along dim; `descending` must be a bool as torch's binding wants. */
function sorted(fn: string, args: OpArgs, self: string): Tensor[] {
  argBool(fn, args, 'descending', false);
  return alongDimPair(fn, argTensor(fn, args, self), argInt(fn, args, 'dim', -1));
}

/** Keeps the shape, but values along `dim` depend on the whole axis (sort, cummax...). */
function alongDimPair(fn: string, input: Tensor, dimArg: number, size?: number): Tensor[] {
  const rank = input.shape.length;
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  const shape = [...input.shape];
  const axes = axisGeometries(input);
  if (rank > 0) {
    if (size !== undefined) shape[dim] = size;
    axes[dim] = null;
  }
  const t = makeTensor(fn, shape, geometryFromAxes(axes));
  return [t, t];
}

function topk(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  const k = argInt(fn, args, 'k');
  const dimArg = argInt(fn, args, 'dim', -1);
  const dim = wrapDim(fn, dimArg, input.shape.length, input.shape);
  const size = input.shape.length === 0 ? 1 : input.shape[dim]!;
  if (k < 0 || k > size) {
    throw new OpError('invalid-argument', `${fn}: selected index k (${k}) out of range for dimension ${dim} of size ${size} (shape ${formatShape(input.shape)})`);
  }
  return ok(alongDimPair(fn, input, dimArg, k));
}

function kthvalue(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  const k = argInt(fn, args, 'k');
  const dim = wrapDim(fn, argInt(fn, args, 'dim', -1), input.shape.length, input.shape);
  const size = input.shape.length === 0 ? 1 : input.shape[dim]!;
  if (k < 1 || k > size) {
    throw new OpError('invalid-argument', `${fn}: kthvalue(): selected number k (${k}) out of range for dimension ${dim} of size ${size}`);
  }
  const reduced = reduceDims(fn, input, [dim], argBool(fn, args, 'keepdim', false));
  return ok([reduced, reduced]);
}

/** cummax/cummin: torch 1.13 does not check the dim of a 0-d input. */
function cumulativeExtreme(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfName(args));
  const dim = argInt(fn, args, 'dim');
  if (input.shape.length === 0) return ok([input, input]);
  return ok(alongDimPair(fn, input, dim));
}

export const reduceSpecs: readonly FunctionSpec[] = [
  ...specs(['torch.sum', 'torch.nansum'], 'input, dim=None, keepdim=False, *, dtype=None', multiDimReduction),
  ...specs(['Tensor.sum', 'Tensor.nansum'], 'self, dim=None, keepdim=False, dtype=None', multiDimReduction),
  ...specs(['torch.mean', 'torch.nanmean'], 'input, dim=None, keepdim=False, *, dtype=None, out=None', multiDimReduction),
  ...specs(['Tensor.mean', 'Tensor.nanmean'], 'self, dim=None, keepdim=False, *, dtype=None', multiDimReduction),
  ...specs(['torch.amax', 'torch.amin'], 'input, dim=(), keepdim=False, *, out=None', extremumReduction),
  ...specs(['Tensor.amax', 'Tensor.amin'], 'self, dim=(), keepdim=False', extremumReduction),
  ...specs(['torch.logsumexp'], 'input, dim, keepdim=False, *, out=None', multiDimReduction),
  ...specs(['Tensor.logsumexp'], 'self, dim, keepdim=False', multiDimReduction),
  ...specs(['torch.norm'], "input, p='fro', dim=None, keepdim=False, out=None, dtype=None", multiDimReduction),
  ...specs(['Tensor.norm'], "self, p='fro', dim=None, keepdim=False, dtype=None", multiDimReduction),
  ...specs(['torch.count_nonzero'], 'input, dim=None', multiDimReduction),
  ...specs(['Tensor.count_nonzero'], 'self, dim=None', multiDimReduction),
  ...specs(['torch.prod'], 'input, dim=None, keepdim=False, *, dtype=None', singleDimReduction),
  ...specs(['Tensor.prod'], 'self, dim=None, keepdim=False, dtype=None', singleDimReduction),
  ...specs(['torch.all', 'torch.any'], 'input, dim=None, keepdim=False, *, out=None', singleDimReduction),
  ...specs(['Tensor.all', 'Tensor.any'], 'self, dim=None, keepdim=False', singleDimReduction),
  ...specs(['torch.std', 'torch.var'], 'input, dim=None, unbiased=True, keepdim=False, *, correction=None, out=None', statReduction),
  ...specs(['Tensor.std', 'Tensor.var'], 'self, dim=None, unbiased=True, keepdim=False, *, correction=None', statReduction),
  ...specs(['torch.std_mean', 'torch.var_mean'], 'input, dim=None, unbiased=True, keepdim=False, *, correction=None', (fn, args) => {
    const r = statReduction(fn, args).value;
    return ok([r, r]);
  }),
  ...specs(['torch.max'], 'input, dim=None, keepdim=False, *, out=None', valuesAndIndices('torch.maximum')),
  ...specs(['torch.min'], 'input, dim=None, keepdim=False, *, out=None', valuesAndIndices('torch.minimum')),
  ...specs(['Tensor.max'], 'self, dim=None, keepdim=False', valuesAndIndices('torch.maximum')),
  ...specs(['Tensor.min'], 'self, dim=None, keepdim=False', valuesAndIndices('torch.minimum')),
  ...specs(['torch.median', 'torch.nanmedian'], 'input, dim=None, keepdim=False, *, out=None', valuesAndIndices(null)),
  ...specs(['Tensor.median', 'Tensor.nanmedian'], 'self, dim=None, keepdim=False', valuesAndIndices(null)),
  ...specs(['torch.mode'], 'input, dim=-1, keepdim=False, *, out=None', (fn, args) =>
    valuesAndIndices(null)(fn, { ...args, dim: args.dim ?? -1 }),
  ),
  ...specs(['Tensor.mode'], 'self, dim=-1, keepdim=False', (fn, args) => valuesAndIndices(null)(fn, { ...args, dim: args.dim ?? -1 })),
  ...specs(['torch.argmax', 'torch.argmin'], 'input, dim=None, keepdim=False', argReduction),
  ...specs(['Tensor.argmax', 'Tensor.argmin'], 'self, dim=None, keepdim=False', argReduction),
  ...specs(['torch.kthvalue'], 'input, k, dim=-1, keepdim=False, *, out=None', kthvalue),
  ...specs(['Tensor.kthvalue'], 'self, k, dim=-1, keepdim=False', kthvalue),
  ...specs(['torch.topk'], 'input, k, dim=-1, largest=True, sorted=True, *, out=None', topk),
  ...specs(['Tensor.topk'], 'self, k, dim=-1, largest=True, sorted=True', topk),
  ...specs(['torch.sort'], 'input, dim=-1, descending=False, stable=False, *, out=None', (fn, args) =>
    ok(sorted(fn, args, 'input')),
  ),
  ...specs(['Tensor.sort'], 'self, dim=-1, descending=False, *, stable=False', (fn, args) =>
    ok(sorted(fn, args, 'self')),
  ),
  ...specs(['torch.argsort'], 'input, dim=-1, descending=False, stable=False', (fn, args) =>
    ok(sorted(fn, args, 'input')[0]!),
  ),
  ...specs(['Tensor.argsort'], 'self, dim=-1, descending=False', (fn, args) =>
    ok(sorted(fn, args, 'self')[0]!),
  ),
  ...specs(['torch.cummax', 'torch.cummin'], 'input, dim, *, out=None', cumulativeExtreme),
  ...specs(['Tensor.cummax', 'Tensor.cummin'], 'self, dim', cumulativeExtreme),
];
