// Tensor indexing: x[...] (Tensor.__getitem__), x[...] = v (Tensor.__setitem__), gather,
// index_select, and the data-dependent selections that cannot have a static shape.
//
// The index arrives as the interpreter's plain data (OpValue):
//   int                          → select (the dim disappears)
//   {start, stop, step}          → a slice object, each entry a number or null
//   null                         → None / np.newaxis (a new size-1 dim)
//   '...'                        → Ellipsis
//   an array at the top level    → the index tuple, x[a, b] (the interpreter passes a Python list
//                                  index x[[0, 2]] as a one-element tuple [[0, 2]])
//   a nested array               → advanced indexing with a list of ints (or of bools: a mask)
//   true / false                 → a new dim indexed by [0] / [] (torch's bool index)
//   a tensor                     → an integer index where its shape rules out a mask (a mask must
//                                  match the dims it indexes); 'unsupported' where it could be
//                                  one: without dtypes the two cannot be told apart, and a mask's
//                                  result size depends on its values
// Semantics follow torch's applySlicing: ints and slices apply first, left to right; advanced
// indices then broadcast together and replace their dims in place when adjacent, or go to the
// front otherwise (numpy's rule, applied to the dims left after integer selection).
//
// Geometry: a sliced spatial axis keeps its geometry, with jump × step; an int index removes its
// axis; new and advanced-indexed axes are non-spatial (see geometryFromAxes).

import { shiftAxis } from '../geometry';
import type { AxisGeometry, FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import { broadcastShapes } from './elementwise';
import {
  argInt,
  argTensor,
  axisGeometries,
  describe,
  formatShape,
  geometryFromAxes,
  isTensor,
  makeTensor,
  ok,
  specs,
  wrapDim,
} from './tensorOpsCommon';

interface SliceValue {
  start: number | null;
  stop: number | null;
  step: number | null;
}

function isSliceObject(v: OpValue): v is { [key: string]: OpValue } {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || isTensor(v)) return false;
  return Object.keys(v).every((k) => k === 'start' || k === 'stop' || k === 'step');
}

function sliceValue(fn: string, v: { [key: string]: OpValue }): SliceValue {
  const part = (name: string): number | null => {
    const x = v[name];
    if (x === undefined || x === null) return null;
    if (typeof x === 'boolean') return x ? 1 : 0;
    if (typeof x === 'number' && Number.isSafeInteger(x)) return x;
    throw new OpError('invalid-argument', `${fn}: slice indices must be integers or None, got ${describe(x)}`);
  };
  return { start: part('start'), stop: part('stop'), step: part('step') };
}

/** Python's slice.indices for a positive step; torch rejects steps ≤ 0. Returns [start, length]. */
export function sliceRange(fn: string, s: SliceValue, size: number): { start: number; length: number; step: number } {
  const step = s.step ?? 1;
  if (step === 0) throw new OpError('invalid-argument', `${fn}: slice step cannot be zero`);
  if (step < 0) throw new OpError('invalid-argument', `${fn}: step must be greater than zero (negative slice steps are not supported by torch)`);
  const clampBound = (v: number | null, fallback: number): number => {
    if (v === null) return fallback;
    if (v < 0) return Math.max(v + size, 0);
    return Math.min(v, size);
  };
  const start = clampBound(s.start, 0);
  const stop = clampBound(s.stop, size);
  const length = stop > start ? Math.ceil((stop - start) / step) : 0;
  return { start, length, step };
}

/** A nested Python list used as an index: its shape, and whether it holds bools (a mask). */
interface ListIndex {
  shape: number[];
  values: (number | boolean)[];
  isMask: boolean;
}

function listIndex(fn: string, v: OpValue[]): ListIndex {
  const shape: number[] = [];
  const values: (number | boolean)[] = [];
  const walk = (x: OpValue, depth: number): void => {
    if (Array.isArray(x)) {
      if (shape.length === depth) shape.push(x.length);
      else if (shape[depth] !== x.length || shape.length < depth) {
        throw new OpError('invalid-argument', `${fn}: index lists must be rectangular (expected a sequence of length ${shape[depth]} at depth ${depth}, got ${x.length})`);
      }
      x.forEach((e) => walk(e, depth + 1));
      return;
    }
    if (shape.length !== depth) throw new OpError('invalid-argument', `${fn}: index lists must be rectangular`);
    if (typeof x === 'boolean' || (typeof x === 'number' && Number.isSafeInteger(x))) {
      values.push(x);
      return;
    }
    // torch makes a list holding a float an integer index by truncation (x[[1.7, 0]] reads rows 1, 0).
    if (typeof x === 'number' && Number.isFinite(x) && Number.isSafeInteger(Math.trunc(x))) {
      values.push(Math.trunc(x));
      return;
    }
    if (isTensor(x)) throw new OpError('unsupported', `${fn}: a list of tensors as an index is not supported`);
    throw new OpError('invalid-argument', `${fn}: an index list may only hold ints or bools, got ${describe(x)}`);
  };
  walk(v, 0);
  const bools = values.filter((x) => typeof x === 'boolean').length;
  // A list of bools only is a mask; torch makes a mixed list an integer tensor (True is 1, False 0).
  const isMask = values.length > 0 && bools === values.length;
  return { shape, values: isMask ? values : values.map(Number), isMask };
}

interface Axis {
  size: number;
  geometry: AxisGeometry | null;
}

interface Advanced {
  /** Position in the axes after basic indexing (torch's slot in its list of tensor indices). */
  position: number;
  /** How many of those axes it consumes (a k-dim mask consumes k). */
  consumes: number;
  /** Shape of the index after conversion to integer indices. */
  shape: number[];
  /** A list of bools: its shape, checked against the dims it covers once basic indexing is done. */
  mask?: number[];
  /** A list of ints: its values, checked against the size of the dim it indexes. */
  values?: number[];
}

function isNoneLike(v: OpValue): boolean {
  return v === null;
}

function unsupportedTensorIndex(fn: string, item: Tensor): OpError {
  return new OpError(
    'unsupported',
    `${fn}: indexing with a tensor (shape ${formatShape(item.shape)}) is not supported where it could be a boolean mask: ` +
      `the analysis does not track dtypes, and a mask's result size depends on its values`,
  );
}

/** The shape (and geometry) that indexing `self` with `index` produces. */
export function indexTensor(fn: string, self: Tensor, index: OpValue): Tensor {
  const items: OpValue[] = Array.isArray(index) ? index : [index];
  const rank = self.shape.length;

  // How many existing dims the index addresses, to size the Ellipsis.
  let consumed = 0;
  const lists = new Map<number, ListIndex>();
  items.forEach((item, i) => {
    if (item === '...' || isNoneLike(item) || typeof item === 'boolean') return;
    else if (typeof item === 'number' || isSliceObject(item)) consumed++;
    else if (Array.isArray(item)) {
      const l = listIndex(fn, item);
      lists.set(i, l);
      // torch counts a list as one index, a mask of k dims too (count_specified_dimensions).
      consumed++;
    } else if (isTensor(item)) {
      // Taken as an integer index (one dim); the second pass refuses it where it could be a mask.
      if (item.shape.length === 0) throw unsupportedTensorIndex(fn, item);
      consumed++;
    } else {
      throw new OpError('invalid-argument', `${fn}: only integers, slices, Ellipsis, None, lists and tensors are valid indices, got ${describe(item)}`);
    }
  });
  if (consumed > rank) {
    throw new OpError('invalid-argument', `${fn}: too many indices for tensor of dimension ${rank} (shape ${formatShape(self.shape)}): ${consumed} given`);
  }

  const geo = axisGeometries(self);
  const axes: Axis[] = self.shape.map((size, i) => ({ size, geometry: geo[i] ?? null }));
  const advanced: Advanced[] = [];
  // torch checks list indices while gathering, so an empty result never reports a bad index.
  let outOfBounds: string | null = null;
  let dim = 0;
  // torch 1.13 accepts several Ellipses (x[..., 0, ...]) and spans each over the dims the other
  // indices leave, so an index after a second Ellipsis can address a dim past the end (its IndexError).
  const axisAt = (position: number, item: OpValue): Axis => {
    const axis = axes[position];
    if (axis === undefined) {
      throw new OpError(
        'invalid-argument',
        `${fn}: index ${describe(item)} addresses dimension ${position}, past the end of tensor of dimension ${rank} (shape ${formatShape(self.shape)}): torch spans every Ellipsis over the ${rank - consumed} dims the other indices leave`,
      );
    }
    return axis;
  };
  items.forEach((item, i) => {
    if (item === '...') {
      dim += rank - consumed;
    } else if (item === null) {
      axes.splice(dim, 0, { size: 1, geometry: null });
      dim++;
    } else if (typeof item === 'boolean') {
      axes.splice(dim, 0, { size: 1, geometry: null });
      advanced.push({ position: dim, consumes: 1, shape: [item ? 1 : 0] });
      dim++;
    } else if (typeof item === 'number') {
      const size = axisAt(dim, item).size;
      if (!Number.isSafeInteger(item)) throw new OpError('invalid-argument', `${fn}: index ${item} is not an integer`);
      if (item < -size || item >= size) {
        throw new OpError('invalid-argument', `${fn}: index ${item} is out of bounds for dimension ${dim} with size ${size} (shape ${formatShape(self.shape)})`);
      }
      axes.splice(dim, 1);
    } else if (isSliceObject(item)) {
      const axis = axisAt(dim, item);
      const { start, length, step } = sliceRange(fn, sliceValue(fn, item), axis.size);
      const g = axis.geometry;
      axes[dim] = { size: length, geometry: g ? shiftAxis(g, start, step) : g };
      dim++;
    } else if (isTensor(item)) {
      // Without dtypes a tensor index is an integer index only where it cannot be a mask: a mask
      // must match the shape of the dims it indexes (torch raises IndexError otherwise). Under mask
      // semantics each Ellipsis before it would cover k - 1 fewer dims.
      const k = item.shape.length;
      const ellipsesBefore = items.slice(0, i).filter((x) => x === '...').length;
      const starts = ellipsesBefore > 0 ? [dim, dim - ellipsesBefore * (k - 1)] : [dim];
      const couldBeMask = starts.some((start) => start >= 0 && start + k <= axes.length && item.shape.every((sz, j) => axes[start + j]!.size === sz));
      if (couldBeMask) throw unsupportedTensorIndex(fn, item);
      axisAt(dim, item);
      advanced.push({ position: dim, consumes: 1, shape: [...item.shape] });
      dim++;
    } else {
      // torch's applySlicing records a list at one slot and moves on by one dim, a k-dim mask
      // too: the mask covers its k dims only when the recorded indices are expanded, after every
      // int and slice has been applied (so x[mask2d, 0] selects from the mask's second dim).
      const l = lists.get(i)!;
      if (l.isMask) {
        const count = l.values.filter((v) => v === true).length;
        advanced.push({ position: dim, consumes: l.shape.length, shape: [count], mask: l.shape });
      } else {
        advanced.push({ position: dim, consumes: 1, shape: l.shape, values: l.values as number[] });
      }
      dim++;
    }
  });

  if (advanced.length === 0) return makeTensor(fn, axes.map((a) => a.size), geometryFromAxes(axes.map((a) => a.geometry)));

  // Expanding a k-dim mask into k index tensors shifts the slots after it by k - 1.
  let shift = 0;
  for (const a of advanced) {
    a.position += shift;
    shift += a.consumes - 1;
    if (a.mask) {
      const mask = a.mask;
      mask.forEach((size, k) => {
        if (size !== axisAt(a.position + k, mask).size) {
          throw new OpError(
            'shape-mismatch',
            `${fn}: the shape of the mask ${formatShape(mask)} at index ${k} does not match the shape of the indexed tensor ${formatShape(axes.map((x) => x.size))} at index ${a.position + k}`,
          );
        }
      });
    } else if (a.values) {
      const size = axisAt(a.position, a.values).size;
      const bad = a.values.find((v) => v < -size || v >= size);
      if (bad !== undefined && outOfBounds === null) {
        outOfBounds = `${fn}: index ${bad} is out of bounds for dimension ${a.position} with size ${size} (shape ${formatShape(self.shape)})`;
      }
    }
  }

  const shape = broadcastShapes(
    fn,
    advanced.map((a, i) => ({ label: `index ${i}`, shape: a.shape })),
  );
  // Adjacent advanced indices replace their dims in place; separated ones move the result to the front.
  let adjacent = true;
  for (let i = 1; i < advanced.length; i++) {
    const prev = advanced[i - 1]!;
    if (advanced[i]!.position !== prev.position + prev.consumes) adjacent = false;
  }
  const first = advanced[0]!.position;
  const last = advanced[advanced.length - 1]!;
  const indexed = new Set<number>();
  for (const a of advanced) for (let k = 0; k < a.consumes; k++) indexed.add(a.position + k);
  const before = adjacent ? axes.slice(0, first) : [];
  const after = adjacent ? axes.slice(last.position + last.consumes) : axes.filter((_, i) => !indexed.has(i));
  const middle: Axis[] = shape.map((size) => ({ size, geometry: null }));
  const out = [...before, ...middle, ...after];
  if (outOfBounds !== null && out.every((a) => a.size > 0)) throw new OpError('invalid-argument', outOfBounds);
  return makeTensor(fn, out.map((a) => a.size), geometryFromAxes(out.map((a) => a.geometry)));
}

function setItem(fn: string, args: OpArgs): OpResult {
  const self = argTensor(fn, args, 'self');
  const target = indexTensor(fn, self, args.index ?? null);
  const value = args.value;
  if (isTensor(value)) {
    // torch drops the value's leading size-1 dims first (slicePrefix1sSize): x[0] = v of shape (1, W).
    const leadingOnes = value.shape.findIndex((s) => s !== 1);
    const valueShape = value.shape.slice(leadingOnes === -1 ? value.shape.length : leadingOnes);
    try {
      const shape = broadcastShapes(fn, [
        { label: 'indexing result', shape: target.shape },
        { label: 'value', shape: valueShape },
      ]);
      if (shape.length !== target.shape.length || shape.some((s, i) => s !== target.shape[i])) throw new Error('grows');
    } catch {
      throw new OpError(
        'shape-mismatch',
        `${fn}: shape mismatch: value tensor of shape ${formatShape(value.shape)} cannot be broadcast to indexing result of shape ${formatShape(target.shape)}`,
      );
    }
  } else if (typeof value !== 'number' && typeof value !== 'boolean') {
    throw new OpError('invalid-argument', `${fn}: can only assign a number or a tensor, not ${describe(value)}`);
  }
  return ok(null);
}

function gather(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'self' in args ? 'self' : 'input');
  const index = argTensor(fn, args, 'index');
  const rank = input.shape.length;
  const dim = wrapDim(fn, argInt(fn, args, 'dim'), rank, input.shape);
  if (index.shape.length !== rank && !(rank === 0 && index.shape.length <= 1)) {
    throw new OpError('shape-mismatch', `${fn}: index tensor must have the same number of dimensions as input tensor (index ${formatShape(index.shape)}, input ${formatShape(input.shape)})`);
  }
  index.shape.forEach((s, d) => {
    if (d !== dim && s > (input.shape[d] ?? 1)) {
      throw new OpError(
        'shape-mismatch',
        `${fn}: size does not match at dimension ${d}: expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(input.shape)} apart from dimension ${dim}`,
      );
    }
  });
  // Positions keep their meaning when the index has the input's extent on every other axis.
  const sameGrid = index.shape.every((s, d) => d === dim || s === input.shape[d]);
  const axes = axisGeometries(input);
  if (rank > 0) axes[dim] = null;
  return ok(makeTensor(fn, index.shape, sameGrid ? geometryFromAxes(axes) : null));
}

/** scatter / scatter_add / scatter_reduce: writes src (or a number) into a copy of self at the
 *  index's positions along dim. torch's check (scatter_gather_dtype_check / shape check): the
 *  index has self's rank and is no larger than self apart from dim, and no larger than src. */
function scatter(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'self' in args ? 'self' : 'input');
  const index = argTensor(fn, args, 'index');
  const rank = input.shape.length;
  const dim = wrapDim(fn, argInt(fn, args, 'dim'), rank, input.shape);
  const src = args.src ?? args.value;
  // torch compares ranks with a 0-d tensor counted as 1-d (ensure_nonempty_dim).
  const nonEmptyRank = (t: Tensor) => Math.max(t.shape.length, 1);
  if (nonEmptyRank(index) !== nonEmptyRank(input)) {
    throw new OpError('shape-mismatch', `${fn}: Index tensor must have the same number of dimensions as self tensor`);
  }
  if (isTensor(src)) {
    if (nonEmptyRank(src) !== nonEmptyRank(index)) {
      throw new OpError('shape-mismatch', `${fn}: Index tensor must have the same number of dimensions as src tensor`);
    }
    index.shape.forEach((s, d) => {
      if ((d !== dim && s > (input.shape[d] ?? 1)) || s > (src.shape[d] ?? 1)) {
        throw new OpError(
          'shape-mismatch',
          `${fn}: Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(input.shape)} apart from dimension ${dim} and to be smaller size than src ${formatShape(src.shape)}`,
        );
      }
    });
  } else {
    if (typeof src !== 'number' && typeof src !== 'boolean') {
      throw new OpError('invalid-argument', `${fn}: src must be a tensor or a number, not ${describe(src)}`);
    }
    index.shape.forEach((s, d) => {
      if (d !== dim && s > (input.shape[d] ?? 1)) {
        throw new OpError('shape-mismatch', `${fn}: Expected index ${formatShape(index.shape)} to be smaller than self ${formatShape(input.shape)} apart from dimension ${dim}`);
      }
    });
  }
  return ok(makeTensor(fn, input.shape, input.geometry));
}

function indexSelect(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'self' in args ? 'self' : 'input');
  const index = argTensor(fn, args, 'index');
  const rank = input.shape.length;
  const dim = wrapDim(fn, argInt(fn, args, 'dim'), rank, input.shape);
  if (index.shape.length > 1) {
    throw new OpError('invalid-argument', `${fn}: index_select(): Index is supposed to be a vector (1-D), got shape ${formatShape(index.shape)}`);
  }
  const count = index.shape[0] ?? 1;
  if (rank === 0) return ok(makeTensor(fn, [], null));
  const shape = [...input.shape];
  shape[dim] = count;
  const axes = axisGeometries(input);
  axes[dim] = null;
  return ok(makeTensor(fn, shape, geometryFromAxes(axes)));
}

function dataDependent(fn: string): OpResult {
  throw new OpError('unsupported', `${fn}: the result's shape depends on the tensor's values, which the analysis does not know`);
}

export const indexingSpecs: readonly FunctionSpec[] = [
  ...specs(['Tensor.__getitem__'], 'self, index', (fn, args) => ok(indexTensor(fn, argTensor(fn, args, 'self'), args.index ?? null))),
  ...specs(['Tensor.__setitem__'], 'self, index, value', setItem),
  ...specs(['torch.gather'], 'input, dim, index, *, sparse_grad=False, out=None', gather),
  ...specs(['Tensor.gather'], 'self, dim, index, *, sparse_grad=False', gather),
  ...specs(['torch.scatter'], 'input, dim, index, src=None, value=None, *, reduce=None, out=None', scatter),
  ...specs(['Tensor.scatter', 'Tensor.scatter_'], 'self, dim, index, src=None, value=None, *, reduce=None', scatter),
  ...specs(['torch.scatter_add'], 'input, dim, index, src, *, out=None', scatter),
  ...specs(['Tensor.scatter_add', 'Tensor.scatter_add_'], 'self, dim, index, src', scatter),
  ...specs(['torch.scatter_reduce'], 'input, dim, index, src, reduce, *, include_self=True, out=None', scatter),
  ...specs(['Tensor.scatter_reduce', 'Tensor.scatter_reduce_'], 'self, dim, index, src, reduce, *, include_self=True', scatter),
  ...specs(['torch.index_select'], 'input, dim, index, *, out=None', indexSelect),
  ...specs(['Tensor.index_select'], 'self, dim, index', indexSelect),
  ...specs(['torch.nonzero', 'torch.argwhere'], 'input, *, out=None, as_tuple=False', dataDependent),
  ...specs(['Tensor.nonzero', 'Tensor.argwhere'], 'self, *, as_tuple=False', dataDependent),
  ...specs(['torch.masked_select'], 'input, mask, *, out=None', dataDependent),
  ...specs(['Tensor.masked_select'], 'self, mask', dataDependent),
  ...specs(['torch.unique'], 'input, sorted=True, return_inverse=False, return_counts=False, dim=None', dataDependent),
  ...specs(['Tensor.unique'], 'self, sorted=True, return_inverse=False, return_counts=False, dim=None', dataDependent),
];
