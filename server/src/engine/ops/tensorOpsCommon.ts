// Shared helpers of the tensor functions and methods (torch.*, Tensor.*): reading bound
// arguments, wrapping dims the way torch does, building result tensors, and moving geometry
// along with the axes it belongs to.

import { ONE } from '../rational';
import { inputFootprint } from '../footprint';
import type { AxisGeometry, FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';

/** Tensors with more elements than this cannot be counted exactly with JS numbers. */
export const MAX_ELEMENTS = 2 ** 53;

export function isTensor(value: OpValue | undefined): value is Tensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    (value as { kind?: OpValue }).kind === 'tensor'
  );
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** How a value reads in an error message: tensors by their shape, the rest as Python would print them. */
export function describe(value: OpValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value}'`;
  if (isTensor(value)) return `a tensor of shape ${formatShape(value.shape)}`;
  if (Array.isArray(value)) return `(${value.map(describe).join(', ')})`;
  return 'a dict';
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Validates a shape the user asked for: whole, non-negative sizes and a countable element count. */
export function checkShape(fn: string, shape: readonly number[]): void {
  for (const size of shape) {
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new OpError('invalid-argument', `${fn}: invalid size ${size} in shape ${formatShape(shape)}`);
    }
  }
  if (numel(shape) > MAX_ELEMENTS) {
    throw new OpError(
      'invalid-argument',
      `${fn}: shape ${formatShape(shape)} has ${numel(shape)} elements, more than 2^53 (too large to analyse)`,
    );
  }
}

/** Builds a result tensor; an empty geometry list is normalised to null. */
export function makeTensor(fn: string, shape: readonly number[], geometry: readonly AxisGeometry[] | null): Tensor {
  checkShape(fn, shape);
  const geo = geometry && geometry.length > 0 ? geometry.slice(0, shape.length) : null;
  return { kind: 'tensor', shape: [...shape], geometry: geo && geo.length > 0 ? geo : null };
}

export function ok(value: OpValue, macs = 0): OpResult {
  return { value, macs };
}

// ---------------------------------------------------------------------------------------------
// Geometry per axis

/** The geometry of each dim (null for non-spatial dims), aligned with `shape`. */
export function axisGeometries(t: Tensor): (AxisGeometry | null)[] {
  const rank = t.shape.length;
  const geo = t.geometry ?? [];
  const offset = rank - geo.length;
  return t.shape.map((_, i) => (i >= offset ? geo[i - offset]! : null));
}

/**
 * Geometry must cover a trailing run of axes, so the result keeps the longest suffix of axes that
 * still carry geometry: an axis that lost its spatial meaning (merged, indexed with a list, a new
 * axis inserted after the spatial ones) hides the spatial axes before it.
 */
export function geometryFromAxes(axes: readonly (AxisGeometry | null)[]): AxisGeometry[] | null {
  const out: AxisGeometry[] = [];
  for (let i = axes.length - 1; i >= 0; i--) {
    const g = axes[i];
    if (!g) break;
    out.unshift(g);
  }
  return out.length > 0 ? out : null;
}

/** `t`'s geometry once every position along `dim` depends on the whole axis (softmax, cumsum). */
export function geometryWithoutAxis(t: Tensor, dim: number): AxisGeometry[] | null {
  const axes = axisGeometries(t);
  axes[dim] = null;
  return geometryFromAxes(axes);
}

/**
 * Geometry of a tensor that starts a computation (torch.randn(1, 3, 224, 224) as a model input, or a
 * flat vector reshaped into an image): rf = 1 and jump = 1 on the trailing rank − 2 axes, the
 * (N, C, *spatial) layout of convolution inputs. Rank ≤ 2 tensors are not images: null.
 */
export function freshGeometry(rank: number): AxisGeometry[] | null {
  if (rank < 3) return null;
  return Array.from({ length: rank - 2 }, () => ({ rf: ONE, jump: ONE, footprint: inputFootprint() }));
}

// ---------------------------------------------------------------------------------------------
// Dims

/** torch's maybe_wrap_dim: dims in [-rank, rank - 1]; a 0-d tensor accepts -1 and 0. */
export function wrapDim(fn: string, dim: number, rank: number, shape?: readonly number[]): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    const of = shape ? ` for a tensor of shape ${formatShape(shape)}` : '';
    throw new OpError(
      'invalid-argument',
      `${fn}: dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})${of}`,
    );
  }
  return dim < 0 ? dim + r : dim;
}

/** Wraps a list of dims and rejects repeats, as torch's reductions and permute do. */
export function wrapDims(fn: string, dims: readonly number[], rank: number, shape?: readonly number[]): number[] {
  const seen = new Set<number>();
  return dims.map((d) => {
    const w = wrapDim(fn, d, rank, shape);
    if (seen.has(w)) throw new OpError('invalid-argument', `${fn}: dim ${w} appears multiple times in the list of dims`);
    seen.add(w);
    return w;
  });
}

// ---------------------------------------------------------------------------------------------
// Reading bound arguments (the interpreter binds a call to the spec's signature)

export function argTensor(fn: string, args: OpArgs, name: string): Tensor {
  const v = args[name];
  if (!isTensor(v)) throw new OpError('invalid-argument', `${fn}: argument '${name}' must be a tensor, not ${describe(v)}`);
  return v;
}

export function isInt(v: OpValue | undefined): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

/** An int argument as torch's argument parser reads it: a bool is its TypeError (x.unsqueeze(True)). */
export function toInt(fn: string, name: string, v: OpValue | undefined): number {
  if (typeof v === 'boolean') throw new OpError('invalid-argument', `${fn}: argument '${name}' must be int, not bool`);
  if (!isInt(v)) throw new OpError('invalid-argument', `${fn}: argument '${name}' must be int, not ${describe(v)}`);
  return v;
}

export function argInt(fn: string, args: OpArgs, name: string, fallback?: number): number {
  const v = args[name];
  if ((v === undefined || v === null) && fallback !== undefined) return fallback;
  return toInt(fn, name, v);
}

export function argOptionalInt(fn: string, args: OpArgs, name: string): number | null {
  const v = args[name];
  return v === undefined || v === null ? null : toInt(fn, name, v);
}

export function argBool(fn: string, args: OpArgs, name: string, fallback: boolean): boolean {
  const v = args[name];
  if (v === undefined || v === null) return fallback;
  // torch's C++ bindings take a Python bool only (keepdim=1 is a TypeError).
  if (typeof v === 'boolean') return v;
  throw new OpError('invalid-argument', `${fn}: argument '${name}' must be bool, not ${describe(v)}`);
}

/** A list of ints (tuple, list or torch.Size); a bare int counts as a one-element list when `allowInt`. */
export function toIntList(fn: string, name: string, v: OpValue | undefined, allowInt = true): number[] {
  if (allowInt && isInt(v)) return [v];
  // torch's parser takes a sequence as ints when its first item is an int (a bool is not), and
  // reads the bools after it as ints: x.view(-1, True) is (6, 1), x.view(True, -1) its TypeError.
  if (!Array.isArray(v) || typeof v[0] === 'boolean') {
    throw new OpError('invalid-argument', `${fn}: argument '${name}' must be tuple of ints, not ${typeof v === 'boolean' ? 'bool' : Array.isArray(v) ? 'a tuple starting with a bool' : describe(v)}`);
  }
  return v.map((x) => (typeof x === 'boolean' ? Number(x) : toInt(fn, name, x)));
}

/**
 * Sizes passed the way torch accepts them for `*size` parameters: as varargs (`view(2, 3)`) or as one
 * tuple, list or torch.Size (`view((2, 3))`, `view(x.shape)`). The interpreter binds `*size` to an
 * array of the positional arguments, so a single tuple arrives as `[[2, 3]]`.
 */
export function sizeVarargs(fn: string, args: OpArgs, name: string): number[] {
  const v = args[name];
  // torch requires the sizes: x.view() and torch.zeros() are TypeErrors (a 0-d shape is `()`).
  if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) {
    throw new OpError('invalid-argument', `${fn}: missing the required argument '${name}' (use () for a 0-d shape)`);
  }
  if (!Array.isArray(v)) return toIntList(fn, name, v);
  if (v.length === 1 && Array.isArray(v[0])) return toIntList(fn, name, v[0], false);
  return toIntList(fn, name, v, false);
}

/** A Python sequence of tensors (the `tensors` argument of torch.cat and friends). */
export function tensorList(fn: string, name: string, v: OpValue | undefined): Tensor[] {
  if (!Array.isArray(v)) {
    throw new OpError('invalid-argument', `${fn}: argument '${name}' must be tuple of Tensors, not ${describe(v)}`);
  }
  return v.map((t, i) => {
    if (!isTensor(t)) {
      throw new OpError('invalid-argument', `${fn}: expected Tensor as element ${i} in argument '${name}', but got ${describe(t)}`);
    }
    return t;
  });
}

/** A catalogue by name; a name defined twice is a bug in the catalogue itself, refused at load. */
export function byName<Spec extends { readonly name: string }>(list: readonly Spec[]): Map<string, Spec> {
  const map = new Map<string, Spec>();
  for (const spec of list) {
    if (map.has(spec.name)) throw new Error(`${spec.name} is defined twice`);
    map.set(spec.name, spec);
  }
  return map;
}

/** Defines several specs that share one implementation under different names. */
export function specs(names: readonly string[], signature: string, apply: (fn: string, args: OpArgs) => OpResult): FunctionSpec[] {
  return names.map((name) => ({ name, signature, apply: (args: OpArgs) => apply(name, args) }));
}
