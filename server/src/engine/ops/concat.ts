// Joining tensors: torch.cat/concat, stack, hstack/vstack/dstack/column_stack, atleast_Nd.
// Geometry is an elementwise merge (rf = max, jump = the first tensor's); stack inserts a new
// non-spatial axis.

import type { FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import { mergeGeometry } from './elementwise';
import {
  argInt,
  axisGeometries,
  formatShape,
  geometryFromAxes,
  isTensor,
  makeTensor,
  ok,
  specs,
  tensorList,
  wrapDim,
} from './tensorOpsCommon';

/** torch.cat semantics (1.13), including the legacy rule that skips 1-D empty tensors. */
export function concatenate(fn: string, tensors: readonly Tensor[], dim: number): Tensor {
  if (tensors.length === 0) throw new OpError('invalid-argument', `${fn}: expected a non-empty list of Tensors`);
  const zeroDim = tensors.findIndex((t) => t.shape.length === 0);
  if (zeroDim >= 0) {
    throw new OpError('invalid-argument', `${fn}: zero-dimensional tensor (at position ${zeroDim}) cannot be concatenated`);
  }
  // torch skips tensors of shape [0] when concatenating (kept for backward compatibility).
  const kept = tensors.map((t, i) => ({ t, i })).filter(({ t }) => !(t.shape.length === 1 && t.shape[0] === 0));
  if (kept.length === 0) return makeTensor(fn, [0], null);
  const first = kept[0]!;
  const rank = first.t.shape.length;
  const d = wrapDim(fn, dim, rank, first.t.shape);
  let total = 0;
  for (const { t, i } of kept) {
    if (t.shape.length !== rank) {
      throw new OpError(
        'shape-mismatch',
        `${fn}: Tensors must have same number of dimensions: tensor ${first.i} has shape ${formatShape(first.t.shape)} ` +
          `(${rank} dims) but tensor ${i} has shape ${formatShape(t.shape)} (${t.shape.length} dims)`,
      );
    }
    for (let k = 0; k < rank; k++) {
      if (k === d || t.shape[k] === first.t.shape[k]) continue;
      const code = k === 1 && rank >= 3 ? 'channel-mismatch' : 'shape-mismatch';
      throw new OpError(
        code,
        `${fn}: sizes of tensors must match except in dimension ${d}, but tensor ${first.i} has shape ` +
          `${formatShape(first.t.shape)} and tensor ${i} has shape ${formatShape(t.shape)} ` +
          `(dimension ${k}: ${first.t.shape[k]} vs ${t.shape[k]})`,
      );
    }
    total += t.shape[d]!;
  }
  const shape = [...first.t.shape];
  shape[d] = total;
  return makeTensor(fn, shape, mergeGeometry(shape, kept.map(({ t }) => t), d));
}

export function stack(fn: string, tensors: readonly Tensor[], dim: number): Tensor {
  if (tensors.length === 0) throw new OpError('invalid-argument', `${fn}: expected a non-empty list of Tensors`);
  const first = tensors[0]!;
  tensors.forEach((t, i) => {
    const same = t.shape.length === first.shape.length && t.shape.every((s, k) => s === first.shape[k]);
    if (!same) {
      throw new OpError(
        'shape-mismatch',
        `${fn}: stack expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ` +
          `${formatShape(t.shape)} at entry ${i}`,
      );
    }
  });
  const rank = first.shape.length;
  const d = wrapDim(fn, dim, rank + 1, first.shape);
  const merged = mergeGeometry(first.shape, tensors);
  const axes = axisGeometries(makeTensor(fn, first.shape, merged));
  axes.splice(d, 0, null);
  const shape = [...first.shape];
  shape.splice(d, 0, tensors.length);
  return makeTensor(fn, shape, geometryFromAxes(axes));
}

/** torch.atleast_1d/2d/3d on one tensor. Leading axes keep geometry; a trailing new axis hides it. */
export function atLeast(fn: string, t: Tensor, rank: 1 | 2 | 3): Tensor {
  const s = t.shape;
  if (s.length >= rank) return t;
  if (rank === 3 && s.length === 2) return makeTensor(fn, [s[0]!, s[1]!, 1], null);
  if (rank === 3 && s.length === 1) return makeTensor(fn, [1, s[0]!, 1], null);
  const shape = [...new Array(rank - s.length).fill(1), ...s];
  return makeTensor(fn, shape, t.geometry);
}

function joinedList(fn: string, args: OpArgs): Tensor[] {
  return tensorList(fn, 'tensors', args.tensors);
}

function catSpec(fn: string, args: OpArgs): OpResult {
  return ok(concatenate(fn, joinedList(fn, args), argInt(fn, args, 'dim', 0)));
}

function atLeastSpec(rank: 1 | 2 | 3) {
  return (fn: string, args: OpArgs): OpResult => {
    const given = args.tensors;
    // atleast_2d(x) returns a tensor; atleast_2d(x, y) and atleast_2d((x, y)) return a tuple.
    const list: OpValue[] = Array.isArray(given) ? (given.length === 1 && Array.isArray(given[0]) ? given[0] : given) : [];
    const tensors = tensorList(fn, 'tensors', list);
    const out = tensors.map((t) => atLeast(fn, t, rank));
    const single = Array.isArray(given) && given.length === 1 && isTensor(given[0]);
    return ok(single ? out[0]! : out);
  };
}

export const concatSpecs: readonly FunctionSpec[] = [
  ...specs(['torch.cat', 'torch.concat'], 'tensors, dim=0, *, out=None', catSpec),
  ...specs(['torch.stack'], 'tensors, dim=0, *, out=None', (fn, args) =>
    ok(stack(fn, joinedList(fn, args), argInt(fn, args, 'dim', 0))),
  ),
  ...specs(['torch.hstack'], 'tensors, *, out=None', (fn, args) => {
    const list = joinedList(fn, args).map((t) => atLeast(fn, t, 1));
    // torch decides by the first tensor alone: 1-D → join along dim 0, otherwise along dim 1.
    return ok(concatenate(fn, list, list[0] && list[0].shape.length === 1 ? 0 : 1));
  }),
  ...specs(['torch.vstack', 'torch.row_stack'], 'tensors, *, out=None', (fn, args) =>
    ok(concatenate(fn, joinedList(fn, args).map((t) => atLeast(fn, t, 2)), 0)),
  ),
  ...specs(['torch.dstack'], 'tensors, *, out=None', (fn, args) =>
    ok(concatenate(fn, joinedList(fn, args).map((t) => atLeast(fn, t, 3)), 2)),
  ),
  ...specs(['torch.column_stack'], 'tensors, *, out=None', (fn, args) => {
    const list = joinedList(fn, args).map((t) =>
      t.shape.length <= 1 ? makeTensor(fn, [t.shape[0] ?? 1, 1], null) : t,
    );
    return ok(concatenate(fn, list, 1));
  }),
  ...specs(['torch.atleast_1d'], '*tensors', atLeastSpec(1)),
  ...specs(['torch.atleast_2d'], '*tensors', atLeastSpec(2)),
  ...specs(['torch.atleast_3d'], '*tensors', atLeastSpec(3)),
];
