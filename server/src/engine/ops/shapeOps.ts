// Shape manipulation: view/reshape, flatten/unflatten, permute/transpose, squeeze/unsqueeze,
// expand/repeat, chunk/split/unbind/narrow, size queries, dtype/device conversions, flip/roll.
//
// Geometry follows the axes it belongs to (permute moves it, squeeze of a spatial size-1 axis drops
// it, a new axis after the spatial ones hides them: see geometryFromAxes). Reshapes keep geometry
// exactly when the trailing spatial dims are untouched (row-major memory then maps every spatial
// position to itself); a flat vector (rank ≤ 2, no geometry) reshaped into rank ≥ 3 starts fresh
// geometry like a model input (a decoder's `fc(z).view(B, C, 4, 4)`); anything else gives null.

import { mul as mulRational, rational } from '../rational';
import type { AxisGeometry, FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import { broadcastShapes } from './elementwise';
import {
  argBool,
  argInt,
  argOptionalInt,
  argTensor,
  axisGeometries,
  checkShape,
  describe,
  formatShape,
  freshGeometry,
  geometryFromAxes,
  isInt,
  isTensor,
  makeTensor,
  numel,
  ok,
  sizeVarargs,
  specs,
  tensorList,
  toInt,
  toIntList,
  wrapDim,
  wrapDims,
} from './tensorOpsCommon';

// ---------------------------------------------------------------------------------------------
// view / reshape

/** Resolves a requested shape against an element count: one -1 is inferred, as torch's infer_size. */
export function inferSize(fn: string, requested: readonly number[], count: number, inputShape: readonly number[]): number[] {
  let inferred = -1;
  let known = 1;
  requested.forEach((size, i) => {
    if (size === -1) {
      if (inferred >= 0) throw new OpError('invalid-argument', `${fn}: only one dimension can be inferred, got shape ${formatShape(requested)}`);
      inferred = i;
    } else if (!Number.isSafeInteger(size) || size < 0) {
      throw new OpError('invalid-argument', `${fn}: invalid shape dimension ${size} in ${formatShape(requested)}`);
    } else {
      known *= size;
    }
  });
  const out = [...requested];
  if (inferred >= 0) {
    if (known === 0) {
      throw new OpError(
        'invalid-argument',
        `${fn}: cannot reshape a tensor of ${count} elements into shape ${formatShape(requested)} because the ` +
          `unspecified dimension size -1 can be any value and is ambiguous`,
      );
    }
    if (count % known === 0) {
      out[inferred] = count / known;
      return out;
    }
  } else if (known === count) {
    return out;
  }
  throw new OpError(
    'shape-mismatch',
    `${fn}: shape '${formatShape(requested)}' is invalid for input of size ${count} (a tensor of shape ${formatShape(inputShape)})`,
  );
}

/** Geometry after a reshape (see the header comment). */
export function reshapeGeometry(input: Tensor, shape: readonly number[]): AxisGeometry[] | null {
  const geo = input.geometry;
  if (!geo) return input.shape.length <= 2 ? freshGeometry(shape.length) : null;
  const g = geo.length;
  // At least one dim must stay in front of the spatial ones, or batch/channel sizes of 1 could be
  // mistaken for spatial axes of size 1.
  if (shape.length < g + 1) return null;
  for (let i = 1; i <= g; i++) {
    if (shape[shape.length - i] !== input.shape[input.shape.length - i]) return null;
  }
  return [...geo];
}

export function reshape(fn: string, input: Tensor, requested: readonly number[]): Tensor {
  const shape = inferSize(fn, requested, numel(input.shape), input.shape);
  return makeTensor(fn, shape, reshapeGeometry(input, shape));
}

function selfOrInput(args: OpArgs): string {
  return 'self' in args ? 'self' : 'input';
}

// ---------------------------------------------------------------------------------------------
// flatten / unflatten

export function flatten(fn: string, input: Tensor, startDim: number, endDim: number): Tensor {
  const rank = input.shape.length;
  const start = wrapDim(fn, startDim, rank, input.shape);
  const end = wrapDim(fn, endDim, rank, input.shape);
  if (rank === 0) return makeTensor(fn, [1], null);
  if (start > end) {
    throw new OpError('invalid-argument', `${fn}: flatten() has invalid args: start_dim cannot come after end_dim (start_dim=${startDim}, end_dim=${endDim})`);
  }
  if (start === end) return input;
  const merged = numel(input.shape.slice(start, end + 1));
  const shape = [...input.shape.slice(0, start), merged, ...input.shape.slice(end + 1)];
  const axes = axisGeometries(input);
  axes.splice(start, end - start + 1, null);
  return makeTensor(fn, shape, geometryFromAxes(axes));
}

export function unflatten(fn: string, input: Tensor, dimArg: number, sizesArg: readonly number[]): Tensor {
  const rank = input.shape.length;
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  if (sizesArg.length === 0) throw new OpError('invalid-argument', `${fn}: sizes must be non-empty`);
  const size = input.shape[dim]!;
  let sizes: number[];
  try {
    sizes = inferSize(fn, sizesArg, size, input.shape);
  } catch {
    throw new OpError(
      'shape-mismatch',
      `${fn}: provided sizes ${formatShape(sizesArg)} don't multiply up to the size of dim ${dim} (${size}) ` +
        `in the input tensor of shape ${formatShape(input.shape)}`,
    );
  }
  const shape = [...input.shape.slice(0, dim), ...sizes, ...input.shape.slice(dim + 1)];
  return makeTensor(fn, shape, reshapeGeometry(input, shape));
}

// ---------------------------------------------------------------------------------------------
// permutations

export function permute(fn: string, input: Tensor, dims: readonly number[]): Tensor {
  const rank = input.shape.length;
  if (dims.length !== rank) {
    throw new OpError(
      'invalid-argument',
      `${fn}: number of dims don't match in permute: the tensor of shape ${formatShape(input.shape)} has ${rank} dims ` +
        `but ${dims.length} were given (${formatShape(dims)})`,
    );
  }
  let order: number[];
  try {
    order = wrapDims(fn, dims, rank, input.shape);
  } catch (e) {
    if (e instanceof OpError && e.message.includes('multiple times')) {
      throw new OpError('invalid-argument', `${fn}: permute(): duplicate dims are not allowed (dims ${formatShape(dims)})`);
    }
    throw e;
  }
  const axes = axisGeometries(input);
  return makeTensor(
    fn,
    order.map((d) => input.shape[d]!),
    geometryFromAxes(order.map((d) => axes[d] ?? null)),
  );
}

export function transpose(fn: string, input: Tensor, dim0: number, dim1: number): Tensor {
  const rank = input.shape.length;
  const a = wrapDim(fn, dim0, rank, input.shape);
  const b = wrapDim(fn, dim1, rank, input.shape);
  if (rank === 0) return input;
  const order = input.shape.map((_, i) => i);
  order[a] = b;
  order[b] = a;
  return permute(fn, input, order);
}

function movedim(fn: string, input: Tensor, source: readonly number[], destination: readonly number[]): Tensor {
  const rank = input.shape.length;
  if (source.length !== destination.length) {
    throw new OpError(
      'invalid-argument',
      `${fn}: Invalid source or destination dims: source (${formatShape(source)} dims) should contain the same number of dims as destination (${formatShape(destination)} dims)`,
    );
  }
  const src = wrapDims(fn, source, rank, input.shape);
  const dst = wrapDims(fn, destination, rank, input.shape);
  const order: (number | null)[] = new Array(rank).fill(null);
  dst.forEach((d, i) => (order[d] = src[i]!));
  const rest = input.shape.map((_, i) => i).filter((i) => !src.includes(i));
  for (let i = 0; i < rank; i++) if (order[i] === null) order[i] = rest.shift()!;
  return permute(fn, input, order as number[]);
}

// ---------------------------------------------------------------------------------------------
// squeeze / unsqueeze / expand / repeat

export function squeeze(fn: string, input: Tensor, dim: number | null): Tensor {
  const rank = input.shape.length;
  const axes = axisGeometries(input);
  let keep: number[];
  if (dim === null) {
    keep = input.shape.map((_, i) => i).filter((i) => input.shape[i] !== 1);
  } else {
    const d = wrapDim(fn, dim, rank, input.shape);
    if (rank === 0 || input.shape[d] !== 1) return input;
    keep = input.shape.map((_, i) => i).filter((i) => i !== d);
  }
  return makeTensor(
    fn,
    keep.map((i) => input.shape[i]!),
    geometryFromAxes(keep.map((i) => axes[i] ?? null)),
  );
}

export function unsqueeze(fn: string, input: Tensor, dim: number): Tensor {
  const d = wrapDim(fn, dim, input.shape.length + 1, input.shape);
  const shape = [...input.shape];
  shape.splice(d, 0, 1);
  const axes = axisGeometries(input);
  axes.splice(d, 0, null);
  return makeTensor(fn, shape, geometryFromAxes(axes));
}

export function expand(fn: string, input: Tensor, sizes: readonly number[]): Tensor {
  const rank = input.shape.length;
  if (sizes.length < rank) {
    throw new OpError(
      'invalid-argument',
      `${fn}: the number of sizes provided (${sizes.length}) must be greater or equal to the number of dimensions in the tensor (${rank}); ` +
        `target sizes ${formatShape(sizes)}, tensor shape ${formatShape(input.shape)}`,
    );
  }
  const lead = sizes.length - rank;
  const shape = sizes.map((size, i) => {
    if (i < lead) {
      if (size < 0) {
        throw new OpError('invalid-argument', `${fn}: the expanded size of the tensor (${size}) isn't allowed in a leading, non-existing dimension ${i}`);
      }
      return size;
    }
    const current = input.shape[i - lead]!;
    if (size === -1) return current;
    if (size < -1) throw new OpError('invalid-argument', `${fn}: invalid size ${size} in ${formatShape(sizes)}`);
    if (current === size) return size;
    if (current === 1) return size;
    throw new OpError(
      'shape-mismatch',
      `${fn}: the expanded size of the tensor (${size}) must match the existing size (${current}) at non-singleton dimension ${i}. ` +
        `Target sizes: ${formatShape(sizes)}. Tensor sizes: ${formatShape(input.shape)}`,
    );
  });
  return makeTensor(fn, shape, input.geometry);
}

export function repeat(fn: string, input: Tensor, repeats: readonly number[]): Tensor {
  const rank = input.shape.length;
  if (repeats.length < rank) {
    throw new OpError(
      'invalid-argument',
      `${fn}: number of dimensions of repeat dims (${repeats.length}) can not be smaller than number of dimensions of tensor (${rank}, shape ${formatShape(input.shape)})`,
    );
  }
  for (const r of repeats) {
    if (r < 0) throw new OpError('invalid-argument', `${fn}: trying to create tensor with negative dimension ${r}: ${formatShape(repeats)}`);
  }
  const padded = [...new Array(repeats.length - rank).fill(1), ...input.shape];
  return makeTensor(
    fn,
    padded.map((s, i) => s * repeats[i]!),
    input.geometry,
  );
}

function tile(fn: string, input: Tensor, dims: readonly number[]): Tensor {
  const padded = [...new Array(Math.max(0, input.shape.length - dims.length)).fill(1), ...dims];
  return repeat(fn, input, padded);
}

// ---------------------------------------------------------------------------------------------
// Splitting

/** Piece sizes of torch.split with an int split size. */
export function splitSizes(fn: string, size: number, splitSize: number): number[] {
  if (splitSize < 0) throw new OpError('invalid-argument', `${fn}: split expects split_size be non-negative, but got split_size=${splitSize}`);
  if (splitSize === 0) {
    if (size !== 0) {
      throw new OpError('invalid-argument', `${fn}: split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
    }
    return [0];
  }
  const count = Math.max(Math.ceil(size / splitSize), 1);
  return Array.from({ length: count }, (_, i) => Math.min(splitSize, size - i * splitSize));
}

/** Piece sizes of torch.chunk. */
export function chunkSizes(fn: string, size: number, chunks: number): number[] {
  if (chunks <= 0) throw new OpError('invalid-argument', `${fn}: chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  const splitSize = Math.ceil(size / chunks);
  if (splitSize === 0 && size === 0) return new Array(chunks).fill(0);
  return splitSizes(fn, size, splitSize);
}

function piecesAlong(fn: string, input: Tensor, dim: number, sizes: readonly number[]): Tensor[] {
  return sizes.map((s) => {
    const shape = [...input.shape];
    shape[dim] = s;
    return makeTensor(fn, shape, input.geometry);
  });
}

export function split(fn: string, input: Tensor, sections: OpValue | undefined, dimArg: number): Tensor[] {
  const rank = input.shape.length;
  if (rank === 0) throw new OpError('invalid-argument', `${fn}: split expects at least a 1-dimensional tensor`);
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  const size = input.shape[dim]!;
  if (isInt(sections)) return piecesAlong(fn, input, dim, splitSizes(fn, size, sections));
  const list = toIntList(fn, 'split_size_or_sections', sections, false);
  const total = list.reduce((a, b) => a + b, 0);
  if (list.some((s) => s < 0) || total !== size) {
    throw new OpError(
      'shape-mismatch',
      `${fn}: split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${dim}, shape ` +
        `${formatShape(input.shape)}), but got split_sizes=${formatShape(list)}`,
    );
  }
  return piecesAlong(fn, input, dim, list);
}

function tensorSplit(fn: string, input: Tensor, sections: OpValue | undefined, dimArg: number): Tensor[] {
  const rank = input.shape.length;
  if (rank === 0) throw new OpError('invalid-argument', `${fn}: tensor_split expects at least a 1-dimensional tensor`);
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  const size = input.shape[dim]!;
  if (isInt(sections)) {
    if (sections <= 0) throw new OpError('invalid-argument', `${fn}: number of sections must be larger than 0, got ${sections}`);
    const base = Math.floor(size / sections);
    const extra = size % sections;
    return piecesAlong(fn, input, dim, Array.from({ length: sections }, (_, i) => base + (i < extra ? 1 : 0)));
  }
  const indices = toIntList(fn, 'indices_or_sections', sections, false);
  const clampIndex = (i: number) => Math.min(Math.max(i < 0 ? i + size : i, 0), size);
  // Piece i is input[indices[i-1]:indices[i]] with Python slice clamping (empty when start > end).
  const pieces = indices.length + 1;
  const out: number[] = [];
  for (let i = 0; i < pieces; i++) {
    const start = i === 0 ? 0 : clampIndex(indices[i - 1]!);
    const end = i === pieces - 1 ? size : clampIndex(indices[i]!);
    out.push(Math.max(0, end - start));
  }
  return piecesAlong(fn, input, dim, out);
}

export function unbind(fn: string, input: Tensor, dimArg: number): Tensor[] {
  const rank = input.shape.length;
  if (rank === 0) throw new OpError('invalid-argument', `${fn}: dimension specified as 0 but tensor has no dimensions`);
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  const shape = input.shape.filter((_, i) => i !== dim);
  const axes = axisGeometries(input).filter((_, i) => i !== dim);
  const piece = makeTensor(fn, shape, geometryFromAxes(axes));
  return new Array(input.shape[dim]!).fill(piece);
}

export function narrow(fn: string, input: Tensor, dimArg: number, start: number, length: number): Tensor {
  const rank = input.shape.length;
  if (rank === 0) throw new OpError('invalid-argument', `${fn}: narrow() cannot be applied to a 0-dim tensor`);
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  const size = input.shape[dim]!;
  if (start < -size || start > size) {
    throw new OpError('invalid-argument', `${fn}: start out of range (expected to be in range of [${-size}, ${size}], but got ${start})`);
  }
  const s = start < 0 ? start + size : start;
  if (length < 0) throw new OpError('invalid-argument', `${fn}: narrow(): length must be non-negative, got ${length}`);
  if (s + length > size) {
    throw new OpError(
      'invalid-argument',
      `${fn}: start (${start}) + length (${length}) exceeds dimension size (${size}) of dim ${dim} in shape ${formatShape(input.shape)}`,
    );
  }
  const shape = [...input.shape];
  shape[dim] = length;
  return makeTensor(fn, shape, input.geometry);
}

// ---------------------------------------------------------------------------------------------
// flip / roll / rot90

function flip(fn: string, input: Tensor, dims: readonly number[]): Tensor {
  wrapDims(fn, dims, input.shape.length, input.shape);
  return input;
}

function roll(fn: string, input: Tensor, shifts: readonly number[], dims: readonly number[] | null): Tensor {
  if (dims === null || dims.length === 0) {
    if (shifts.length !== 1) {
      throw new OpError('invalid-argument', `${fn}: shifts and dimensions must align. shifts: ${shifts.length}, dims: 0`);
    }
    return input;
  }
  if (shifts.length !== dims.length) {
    throw new OpError('invalid-argument', `${fn}: shifts and dimensions must align. shifts: ${shifts.length}, dims: ${dims.length}`);
  }
  if (input.shape.length === 0) throw new OpError('invalid-argument', `${fn}: dimension specified as ${dims[0]} but tensor has no dimensions`);
  dims.forEach((d) => wrapDim(fn, d, input.shape.length, input.shape));
  return input;
}

function rot90(fn: string, input: Tensor, k: number, dims: readonly number[]): Tensor {
  const rank = input.shape.length;
  if (dims.length !== 2) throw new OpError('invalid-argument', `${fn}: expected total rotation dims == 2, but got dims = ${dims.length}`);
  if (rank < 2) throw new OpError('invalid-argument', `${fn}: expected total dims >= 2, but got total dims = ${rank}`);
  const [a, b] = [wrapDim(fn, dims[0]!, rank, input.shape), wrapDim(fn, dims[1]!, rank, input.shape)];
  if (a === b) throw new OpError('invalid-argument', `${fn}: expected rotation dims to be different, but got dim0 = ${a} and dim1 = ${b}`);
  return ((k % 4) + 4) % 2 === 1 ? transpose(fn, input, a, b) : input;
}

// ---------------------------------------------------------------------------------------------
// Tensor.unfold: sliding windows along one dim, the window becoming a new last dim.

function unfold(fn: string, input: Tensor, dimArg: number, size: number, step: number): Tensor {
  const rank = input.shape.length;
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  const length = rank === 0 ? 1 : input.shape[dim]!;
  if (size > length) {
    throw new OpError('invalid-argument', `${fn}: maximum size for tensor at dimension ${dim} is ${length} but size is ${size}`);
  }
  if (step <= 0) throw new OpError('invalid-argument', `${fn}: step is ${step} but must be > 0`);
  const shape = rank === 0 ? [] : [...input.shape];
  if (rank > 0) shape[dim] = Math.floor((length - size) / step) + 1;
  shape.push(size);
  // Windows read `size` consecutive positions and hop by `step`: a tiny convolution on that axis;
  // but the window axis is a new trailing non-spatial axis, which hides all geometry.
  const axes: (AxisGeometry | null)[] = axisGeometries(input).map((g, i) =>
    g && i === dim ? { rf: g.rf, jump: mulRational(g.jump, rational(step)) } : g,
  );
  axes.push(null);
  return makeTensor(fn, shape, geometryFromAxes(axes));
}

// ---------------------------------------------------------------------------------------------
// Specs

const keepSelf = (fn: string, args: OpArgs): OpResult => ok(argTensor(fn, args, selfOrInput(args)));

function dimsArg(fn: string, args: OpArgs, name: string): number[] {
  return sizeVarargs(fn, args, name);
}

function reshapeSpec(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfOrInput(args));
  // Tensor.view(dtype) reinterprets bytes; without dtypes we cannot follow it.
  const raw = args.shape;
  if (Array.isArray(raw) && raw.length === 1 && typeof raw[0] === 'string') {
    throw new OpError('unsupported', `${fn}: view(dtype) is not supported (the analysis does not track dtypes)`);
  }
  const sizes = Array.isArray(raw) && 'self' in args ? sizeVarargs(fn, args, 'shape') : toIntList(fn, 'shape', raw, false);
  return ok(reshape(fn, input, sizes));
}

const conversionNames = [
  'float', 'double', 'half', 'bfloat16', 'int', 'long', 'short', 'char', 'byte', 'bool', 'cfloat', 'cdouble',
];

function sizeSpec(fn: string, args: OpArgs): OpResult {
  const self = argTensor(fn, args, 'self');
  const dim = argOptionalInt(fn, args, 'dim');
  if (dim === null) return ok([...self.shape]);
  if (self.shape.length === 0) {
    throw new OpError('invalid-argument', `${fn}: dimension specified as ${dim} but tensor has no dimensions`);
  }
  return ok(self.shape[wrapDim(fn, dim, self.shape.length, self.shape)]!);
}

export const shapeSpecs: readonly FunctionSpec[] = [
  // view/reshape: `*shape` takes varargs (x.view(2, 3)) or one tuple/list/torch.Size (x.view((2, 3))).
  ...specs(['Tensor.view', 'Tensor.reshape'], 'self, *shape', reshapeSpec),
  ...specs(['torch.reshape'], 'input, shape', reshapeSpec),
  ...specs(['Tensor.view_as', 'Tensor.reshape_as'], 'self, other', (fn, args) =>
    ok(reshape(fn, argTensor(fn, args, 'self'), argTensor(fn, args, 'other').shape)),
  ),
  ...specs(['torch.flatten'], 'input, start_dim=0, end_dim=-1', (fn, args) =>
    ok(flatten(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'start_dim', 0), argInt(fn, args, 'end_dim', -1))),
  ),
  ...specs(['Tensor.flatten'], 'self, start_dim=0, end_dim=-1', (fn, args) =>
    ok(flatten(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'start_dim', 0), argInt(fn, args, 'end_dim', -1))),
  ),
  ...specs(['torch.ravel'], 'input', (fn, args) => ok(flatten(fn, argTensor(fn, args, 'input'), 0, -1))),
  ...specs(['Tensor.ravel'], 'self', (fn, args) => ok(flatten(fn, argTensor(fn, args, 'self'), 0, -1))),
  ...specs(['torch.unflatten'], 'input, dim, sizes', (fn, args) =>
    ok(unflatten(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'dim'), toIntList(fn, 'sizes', args.sizes, false))),
  ),
  ...specs(['Tensor.unflatten'], 'self, dim, sizes', (fn, args) =>
    ok(unflatten(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'dim'), toIntList(fn, 'sizes', args.sizes, false))),
  ),

  ...specs(['torch.permute'], 'input, dims', (fn, args) =>
    ok(permute(fn, argTensor(fn, args, 'input'), toIntList(fn, 'dims', args.dims, false))),
  ),
  ...specs(['Tensor.permute'], 'self, *dims', (fn, args) => ok(permute(fn, argTensor(fn, args, 'self'), dimsArg(fn, args, 'dims')))),
  ...specs(['torch.transpose', 'torch.swapdims'], 'input, dim0, dim1', (fn, args) =>
    ok(transpose(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'dim0'), argInt(fn, args, 'dim1'))),
  ),
  ...specs(['Tensor.transpose', 'Tensor.swapdims', 'Tensor.transpose_', 'Tensor.swapdims_'], 'self, dim0, dim1', (fn, args) =>
    ok(transpose(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'dim0'), argInt(fn, args, 'dim1'))),
  ),
  ...specs(['torch.swapaxes'], 'input, axis0, axis1', (fn, args) =>
    ok(transpose(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'axis0'), argInt(fn, args, 'axis1'))),
  ),
  ...specs(['Tensor.swapaxes', 'Tensor.swapaxes_'], 'self, axis0, axis1', (fn, args) =>
    ok(transpose(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'axis0'), argInt(fn, args, 'axis1'))),
  ),
  ...specs(['torch.t'], 'input', matrixTranspose),
  ...specs(['Tensor.t', 'Tensor.t_'], 'self', matrixTranspose),
  ...specs(['torch.movedim', 'torch.moveaxis'], 'input, source, destination', (fn, args) =>
    ok(movedim(fn, argTensor(fn, args, 'input'), toIntList(fn, 'source', args.source), toIntList(fn, 'destination', args.destination))),
  ),
  ...specs(['Tensor.movedim', 'Tensor.moveaxis'], 'self, source, destination', (fn, args) =>
    ok(movedim(fn, argTensor(fn, args, 'self'), toIntList(fn, 'source', args.source), toIntList(fn, 'destination', args.destination))),
  ),

  ...specs(['torch.squeeze'], 'input, dim=None', (fn, args) => ok(squeeze(fn, argTensor(fn, args, 'input'), argOptionalInt(fn, args, 'dim')))),
  ...specs(['Tensor.squeeze', 'Tensor.squeeze_'], 'self, dim=None', (fn, args) =>
    ok(squeeze(fn, argTensor(fn, args, 'self'), argOptionalInt(fn, args, 'dim'))),
  ),
  ...specs(['torch.unsqueeze'], 'input, dim', (fn, args) => ok(unsqueeze(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'dim')))),
  ...specs(['Tensor.unsqueeze', 'Tensor.unsqueeze_'], 'self, dim', (fn, args) =>
    ok(unsqueeze(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'dim'))),
  ),
  ...specs(['Tensor.expand'], 'self, *sizes', (fn, args) => ok(expand(fn, argTensor(fn, args, 'self'), sizeVarargs(fn, args, 'sizes')))),
  ...specs(['Tensor.expand_as'], 'self, other', (fn, args) =>
    ok(expand(fn, argTensor(fn, args, 'self'), argTensor(fn, args, 'other').shape)),
  ),
  ...specs(['torch.broadcast_to'], 'input, size', (fn, args) =>
    ok(expand(fn, argTensor(fn, args, 'input'), toIntList(fn, 'size', args.size, false))),
  ),
  ...specs(['Tensor.broadcast_to'], 'self, size', (fn, args) =>
    ok(expand(fn, argTensor(fn, args, 'self'), toIntList(fn, 'size', args.size, false))),
  ),
  ...specs(['torch.broadcast_tensors'], '*tensors', (fn, args) => {
    const given = args.tensors;
    const list = tensorList(fn, 'tensors', Array.isArray(given) && given.length === 1 && Array.isArray(given[0]) ? given[0] : given);
    const shape = broadcastShapes(fn, list.map((t, i) => ({ label: `tensor ${i}`, shape: t.shape })));
    return ok(list.map((t) => expand(fn, t, shape)));
  }),
  // meshgrid: 0-d or 1-d inputs of sizes n1..nk give k tensors of shape [n1, ..., nk]; indexing='xy'
  // swaps the first two dimensions. (The default, 'ij', warns in torch 1.13.)
  ...specs(['torch.meshgrid'], '*tensors, indexing=None', (fn, args) => {
    const given = args.tensors;
    const list = tensorList(fn, 'tensors', Array.isArray(given) && given.length === 1 && Array.isArray(given[0]) ? given[0] : given);
    const sizes = list.map((t) => {
      if (t.shape.length > 1) throw new OpError('invalid-argument', `${fn}: Expected 0D or 1D tensor in the tensor list but got: a tensor of ${t.shape.length} dimensions`);
      return t.shape.length ? t.shape[0]! : 1;
    });
    const indexing = args.indexing ?? 'ij';
    if (indexing !== 'ij' && indexing !== 'xy') throw new OpError('invalid-argument', `${fn}: indexing must be one of "xy" or "ij", but received: ${String(indexing)}`);
    const shape = indexing === 'xy' && sizes.length >= 2 ? [sizes[1]!, sizes[0]!, ...sizes.slice(2)] : sizes;
    return ok(list.map(() => makeTensor(fn, shape, null)));
  }),
  ...specs(['torch.broadcast_shapes'], '*shapes', (fn, args) => {
    const given = Array.isArray(args.shapes) ? args.shapes : [];
    const shapes = given.map((s, i) => ({ label: `shape ${i}`, shape: toIntList(fn, 'shapes', s) }));
    shapes.forEach((s) => checkShape(fn, s.shape));
    return ok(broadcastShapes(fn, shapes));
  }),
  ...specs(['Tensor.repeat'], 'self, *sizes', (fn, args) => ok(repeat(fn, argTensor(fn, args, 'self'), sizeVarargs(fn, args, 'sizes')))),
  ...specs(['torch.tile'], 'input, dims', (fn, args) => ok(tile(fn, argTensor(fn, args, 'input'), toIntList(fn, 'dims', args.dims, false)))),
  ...specs(['Tensor.tile'], 'self, *dims', (fn, args) => ok(tile(fn, argTensor(fn, args, 'self'), sizeVarargs(fn, args, 'dims')))),

  ...specs(['torch.chunk'], 'input, chunks, dim=0', (fn, args) => {
    const input = argTensor(fn, args, 'input');
    return ok(chunk(fn, input, argInt(fn, args, 'chunks'), argInt(fn, args, 'dim', 0)));
  }),
  ...specs(['Tensor.chunk'], 'self, chunks, dim=0', (fn, args) => {
    const input = argTensor(fn, args, 'self');
    return ok(chunk(fn, input, argInt(fn, args, 'chunks'), argInt(fn, args, 'dim', 0)));
  }),
  ...specs(['torch.split'], 'tensor, split_size_or_sections, dim=0', (fn, args) =>
    ok(split(fn, argTensor(fn, args, 'tensor'), args.split_size_or_sections, argInt(fn, args, 'dim', 0))),
  ),
  ...specs(['Tensor.split'], 'self, split_size, dim=0', (fn, args) =>
    ok(split(fn, argTensor(fn, args, 'self'), args.split_size, argInt(fn, args, 'dim', 0))),
  ),
  ...specs(['torch.tensor_split'], 'input, indices_or_sections, dim=0', (fn, args) =>
    ok(tensorSplit(fn, argTensor(fn, args, 'input'), args.indices_or_sections, argInt(fn, args, 'dim', 0))),
  ),
  ...specs(['Tensor.tensor_split'], 'self, indices_or_sections, dim=0', (fn, args) =>
    ok(tensorSplit(fn, argTensor(fn, args, 'self'), args.indices_or_sections, argInt(fn, args, 'dim', 0))),
  ),
  ...specs(['torch.unbind'], 'input, dim=0', (fn, args) => ok(unbind(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'dim', 0)))),
  ...specs(['Tensor.unbind'], 'self, dim=0', (fn, args) => ok(unbind(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'dim', 0)))),
  ...specs(['torch.narrow'], 'input, dim, start, length', (fn, args) =>
    ok(narrow(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'dim'), argInt(fn, args, 'start'), argInt(fn, args, 'length'))),
  ),
  ...specs(['Tensor.narrow'], 'self, dim, start, length', (fn, args) =>
    ok(narrow(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'dim'), argInt(fn, args, 'start'), argInt(fn, args, 'length'))),
  ),
  ...specs(['Tensor.unfold'], 'self, dimension, size, step', (fn, args) =>
    ok(unfold(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'dimension'), argInt(fn, args, 'size'), argInt(fn, args, 'step'))),
  ),

  // Size queries. torch.Size is a plain array of numbers.
  ...specs(['Tensor.size'], 'self, dim=None', sizeSpec),
  ...specs(['Tensor.dim', 'Tensor.ndimension'], 'self', (fn, args) => ok(argTensor(fn, args, 'self').shape.length)),
  ...specs(['Tensor.numel', 'Tensor.nelement'], 'self', (fn, args) => ok(numel(argTensor(fn, args, 'self').shape))),
  ...specs(['torch.numel'], 'input', (fn, args) => ok(numel(argTensor(fn, args, 'input').shape))),
  ...specs(['Tensor.__len__'], 'self', (fn, args) => {
    const self = argTensor(fn, args, 'self');
    if (self.shape.length === 0) throw new OpError('invalid-argument', `${fn}: len() of a 0-d tensor`);
    return ok(self.shape[0]!);
  }),
  // Properties: the interpreter evaluates `x.shape` as a call with `self` only (tensorPropertyNames).
  ...specs(['Tensor.shape'], 'self', (fn, args) => ok([...argTensor(fn, args, 'self').shape])),
  ...specs(['Tensor.ndim'], 'self', (fn, args) => ok(argTensor(fn, args, 'self').shape.length)),
  ...specs(['Tensor.data'], 'self', keepSelf),
  ...specs(['Tensor.T', 'Tensor.H'], 'self', (fn, args) => {
    const self = argTensor(fn, args, 'self');
    return ok(permute(fn, self, self.shape.map((_, i) => self.shape.length - 1 - i)));
  }),
  ...specs(['Tensor.mT', 'Tensor.mH'], 'self', (fn, args) => {
    const self = argTensor(fn, args, 'self');
    // torch 1.13 lets a 0-d tensor through unchanged and refuses 1-D ones.
    if (self.shape.length === 0) return ok(self);
    if (self.shape.length < 2) {
      throw new OpError('invalid-argument', `${fn}: tensor.mT is only supported on matrices or batches of matrices. Got ${self.shape.length}-D tensor.`);
    }
    return ok(transpose(fn, self, -2, -1));
  }),

  // Conversions that keep shape and geometry (dtype, device, memory format, autograd).
  ...specs(conversionNames.map((n) => `Tensor.${n}`), 'self, memory_format=None', keepSelf),
  ...specs(['Tensor.to'], 'self, *args, **kwargs', keepSelf),
  ...specs(['Tensor.type'], 'self, dtype=None, non_blocking=False, **kwargs', (fn, args) => {
    const self = argTensor(fn, args, 'self');
    // x.type() without a dtype names the tensor type; the analysis assumes float32 on the CPU.
    return ok(args.dtype === undefined || args.dtype === null ? 'torch.FloatTensor' : self);
  }),
  ...specs(['Tensor.type_as'], 'self, other', keepSelf),
  ...specs(['Tensor.detach', 'Tensor.detach_'], 'self', keepSelf),
  ...specs(['torch.detach'], 'input', keepSelf),
  ...specs(['Tensor.clone'], 'self, *, memory_format=None', keepSelf),
  ...specs(['torch.clone'], 'input, *, memory_format=None', keepSelf),
  ...specs(['Tensor.cpu'], 'self, memory_format=None', keepSelf),
  ...specs(['Tensor.cuda'], 'self, device=None, non_blocking=False, memory_format=None', keepSelf),
  ...specs(['Tensor.contiguous'], 'self, memory_format=None', keepSelf),
  ...specs(['Tensor.pin_memory'], 'self, device=None', keepSelf),
  ...specs(['Tensor.share_memory_'], 'self', keepSelf),
  ...specs(['Tensor.requires_grad_'], 'self, requires_grad=True', (fn, args) => {
    argBool(fn, args, 'requires_grad', true);
    return keepSelf(fn, args);
  }),

  ...specs(['torch.flip'], 'input, dims', (fn, args) => ok(flip(fn, argTensor(fn, args, 'input'), toIntList(fn, 'dims', args.dims)))),
  ...specs(['Tensor.flip'], 'self, *dims', (fn, args) => ok(flip(fn, argTensor(fn, args, 'self'), sizeVarargs(fn, args, 'dims')))),
  ...specs(['torch.fliplr'], 'input', flipAxis(2)),
  ...specs(['Tensor.fliplr'], 'self', flipAxis(2)),
  ...specs(['torch.flipud'], 'input', flipAxis(1)),
  ...specs(['Tensor.flipud'], 'self', flipAxis(1)),
  ...specs(['torch.roll'], 'input, shifts, dims=None', (fn, args) =>
    ok(roll(fn, argTensor(fn, args, 'input'), toIntList(fn, 'shifts', args.shifts), optionalDims(fn, args.dims))),
  ),
  ...specs(['Tensor.roll'], 'self, shifts, dims=None', (fn, args) =>
    ok(roll(fn, argTensor(fn, args, 'self'), toIntList(fn, 'shifts', args.shifts), optionalDims(fn, args.dims))),
  ),
  ...specs(['torch.rot90'], 'input, k=1, dims=[0, 1]', (fn, args) =>
    ok(rot90(fn, argTensor(fn, args, 'input'), argInt(fn, args, 'k', 1), args.dims == null ? [0, 1] : toIntList(fn, 'dims', args.dims, false))),
  ),
  ...specs(['Tensor.rot90'], 'self, k=1, dims=[0, 1]', (fn, args) =>
    ok(rot90(fn, argTensor(fn, args, 'self'), argInt(fn, args, 'k', 1), args.dims == null ? [0, 1] : toIntList(fn, 'dims', args.dims, false))),
  ),
];

function chunk(fn: string, input: Tensor, chunks: number, dimArg: number): Tensor[] {
  const rank = input.shape.length;
  if (rank === 0) throw new OpError('invalid-argument', `${fn}: chunk expects at least a 1-dimensional tensor`);
  const dim = wrapDim(fn, dimArg, rank, input.shape);
  return piecesAlong(fn, input, dim, chunkSizes(fn, input.shape[dim]!, chunks));
}

/** fliplr/flipud: the shape stays; torch only checks the rank. */
function flipAxis(minRank: number) {
  return (fn: string, args: OpArgs): OpResult => {
    const input = argTensor(fn, args, selfOrInput(args));
    if (input.shape.length < minRank) {
      throw new OpError('invalid-argument', `${fn}: input must be >= ${minRank}-d, got shape ${formatShape(input.shape)}`);
    }
    return ok(input);
  };
}

function matrixTranspose(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, selfOrInput(args));
  if (input.shape.length > 2) {
    throw new OpError(
      'invalid-argument',
      `${fn}: t() expects a tensor with <= 2 dimensions, but the tensor of shape ${formatShape(input.shape)} is ${input.shape.length}D`,
    );
  }
  return ok(input.shape.length < 2 ? input : transpose(fn, input, 0, 1));
}

function optionalDims(fn: string, v: OpValue | undefined): number[] | null {
  if (v === undefined || v === null) return null;
  return toIntList(fn, 'dims', v);
}
