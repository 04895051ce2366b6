// Reading and validating the plain arguments layer ops receive (OpArgs), with the readable
// messages users see. Shared by the layer families; the interpreter has already bound the call
// to the Python signature, but a missing key still falls back to the signature's default.

import { describe as describeValue, formatShape, isTensor } from './tensorOpsCommon';
import { OpError, type AxisGeometry, type OpArgs, type OpValue, type Tensor } from './types';

// One implementation of these for both catalogues (the tensor functions' helpers).
export { describeValue, formatShape, isTensor };

export function invalid(message: string): OpError {
  return new OpError('invalid-argument', message);
}

export function makeTensor(shape: readonly number[], geometry: readonly AxisGeometry[] | null): Tensor {
  return { kind: 'tensor', shape: [...shape], geometry: geometry && geometry.length > 0 ? [...geometry] : null };
}

/** A tensor with `input`'s geometry (shape-preserving ops: activations, norms, dropout). */
export function sameGeometry(input: Tensor, shape: readonly number[] = input.shape): Tensor {
  return makeTensor(shape, input.geometry);
}

/** `[x, x, …]`, n times. Layers read their int-or-tuple arguments by the hundred: no closure,
 *  and literals for the usual 1–3 axes (an array grown by push reserves room for 17). */
export function repeated<T>(x: T, n: number): T[] {
  if (n === 2) return [x, x];
  if (n === 1) return [x];
  if (n === 3) return [x, x, x];
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(x);
  return out;
}

function allIntegers(values: readonly OpValue[]): boolean {
  for (const x of values) if (typeof x !== 'number' || !Number.isInteger(x)) return false;
  return true;
}

export function product(values: readonly number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

export function numel(t: Tensor): number {
  return product(t.shape);
}

/** Wraps a dim into [0, rank) as torch does, or throws torch's "Dimension out of range". */
export function normalizeDim(dim: number, rank: number, opName: string): number {
  const r = Math.max(rank, 1);
  if (!Number.isInteger(dim) || dim < -r || dim >= r) {
    throw new OpError(
      'invalid-argument',
      `${opName}: dimension out of range (expected to be in range of [${-r}, ${r - 1}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + r : dim;
}

/** Reads arguments of one call and names the op in every message. */
export class ArgReader {
  constructor(
    readonly opName: string,
    private readonly args: OpArgs,
  ) {}

  has(name: string): boolean {
    return this.args[name] !== undefined && this.args[name] !== null;
  }

  raw(name: string): OpValue | undefined {
    return this.args[name];
  }

  tensor(name: string): Tensor {
    const v = this.args[name];
    if (!isTensor(v)) throw invalid(`${this.opName}: ${name} must be a tensor, got ${describeValue(v)}`);
    return v;
  }

  optionalTensor(name: string): Tensor | null {
    const v = this.args[name];
    if (v === undefined || v === null) return null;
    return this.tensor(name);
  }

  int(name: string, fallback?: number): number {
    const v = this.args[name];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'boolean') return v ? 1 : 0; // Python bools are ints
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      throw invalid(`${this.opName}: ${name} must be an integer, got ${describeValue(v)}`);
    }
    // Sizes and counts are computed in doubles: past 2^53 they would be rounded without a word.
    if (!Number.isSafeInteger(v)) throw invalid(`${this.opName}: ${name} = ${describeValue(v)} is past 2^53, beyond the sizes ConvLens computes exactly`);
    return v;
  }

  /** An int torch's argument parser reads (F.conv2d's `groups`): a bool there is its TypeError. */
  parserInt(name: string, fallback: number): number {
    if (typeof this.args[name] === 'boolean') throw invalid(`${this.opName}: argument '${name}' must be int, not bool`);
    return this.int(name, fallback);
  }

  optionalInt(name: string): number | null {
    const v = this.args[name];
    if (v === undefined || v === null) return null;
    return this.int(name);
  }

  number(name: string, fallback?: number): number {
    const v = this.args[name];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (typeof v !== 'number') throw invalid(`${this.opName}: ${name} must be a number, got ${describeValue(v)}`);
    return v;
  }

  optionalNumber(name: string): number | null {
    const v = this.args[name];
    if (v === undefined || v === null) return null;
    return this.number(name);
  }

  /** Python truthiness of a flag (`bias=False`, `inplace=True`, `ceil_mode=0`). */
  bool(name: string, fallback: boolean): boolean {
    const v = this.args[name];
    if (v === undefined) return fallback;
    if (v === null) return false;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    if (typeof v === 'string') return v.length > 0;
    if (Array.isArray(v)) return v.length > 0;
    return true;
  }

  /** A flag torch's argument parser reads (`ceil_mode`, `count_include_pad`): a bool and nothing else. */
  flag(name: string, fallback: boolean): boolean {
    const v = this.args[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw invalid(`${this.opName}: argument '${name}' must be bool, not ${pythonTypeName(v)}`);
    return v;
  }

  string(name: string, fallback?: string): string {
    const v = this.args[name];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string') throw invalid(`${this.opName}: ${name} must be a string, got ${describeValue(v)}`);
    return v;
  }

  /**
   * An int or a tuple of `n` ints, as torch's `_single/_pair/_triple` accept (`3` → [3, 3]).
   */
  ints(name: string, n: number, fallback?: number | readonly number[], expandSingle = true, pythonOnly = false): number[] {
    let v = this.args[name];
    if (v === undefined && fallback !== undefined) v = typeof fallback === 'number' ? fallback : [...fallback];
    // torch's argument parser takes a list as ints when its first item is an int (not a bool), and
    // refuses a bare bool; a value only Python reads (a weight's shape: Conv2d's kernel_size) is any int.
    if (!pythonOnly && (typeof v === 'boolean' || (Array.isArray(v) && typeof v[0] === 'boolean'))) {
      throw invalid(`${this.opName}: argument '${name}' must be tuple of ints, not ${typeof v === 'boolean' ? 'bool' : 'a tuple starting with a bool'}`);
    }
    if (typeof v === 'boolean') v = v ? 1 : 0;
    if (Array.isArray(v) && v.some((x) => typeof x === 'boolean')) v = v.map((x) => (typeof x === 'boolean' ? Number(x) : x));
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw invalid(`${this.opName}: ${name} must be an integer or a tuple of ${n} integers, got ${v}`);
      return repeated(v, n);
    }
    if (Array.isArray(v)) {
      if (expandSingle && v.length === 1 && n > 1 && typeof v[0] === 'number' && Number.isInteger(v[0])) {
        // ATen expands a one-element list of strides, paddings, dilations and pooling sizes
        return repeated(v[0], n);
      }
      if (v.length !== n || !allIntegers(v)) {
        throw invalid(`${this.opName}: ${name} must be an integer or a tuple of ${n} integers, got ${describeValue(v)}`);
      }
      return v as number[];
    }
    throw invalid(`${this.opName}: ${name} must be an integer or a tuple of ${n} integers, got ${describeValue(v)}`);
  }

  /** Like `ints`, but None (and an empty tuple, as F.max_pool2d treats stride=[]) gives null. */
  optionalInts(name: string, n: number): number[] | null {
    const v = this.args[name];
    if (v === undefined || v === null || (Array.isArray(v) && v.length === 0)) return null;
    return this.ints(name, n);
  }

  /** A tuple/list of ints of any length (or a single int → [int]). */
  intList(name: string): number[] {
    const v = this.args[name];
    if (typeof v === 'number' && Number.isInteger(v)) return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return v as number[];
    throw invalid(`${this.opName}: ${name} must be an integer or a tuple of integers, got ${describeValue(v)}`);
  }
}

/** Checks the rank of an input to an N-d layer: N + 1 dims (unbatched) or N + 2 (batched). */
export function expectRank(opName: string, input: Tensor, spatialDims: number, what = 'input'): void {
  const rank = input.shape.length;
  if (rank === spatialDims + 1 || rank === spatialDims + 2) return;
  throw new OpError(
    'shape-mismatch',
    `${opName} expects a ${spatialDims + 1}D (unbatched) or ${spatialDims + 2}D (batched) ${what}, but got a ${rank}D ${what} of shape ${formatShape(input.shape)}`,
  );
}

/** "3×3" for a tuple, or "3" when every axis agrees: for short descriptions. */
export function compactTuple(values: readonly number[]): string {
  return values.every((v) => v === values[0]) ? String(values[0]) : values.join('×');
}

/** Python's type name of a value that is not a bool, for torch's "must be bool, not int" messages. */
function pythonTypeName(v: OpValue | undefined): string {
  if (v === null || v === undefined) return 'NoneType';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  if (isTensor(v)) return 'Tensor';
  return Array.isArray(v) ? 'tuple' : 'dict';
}

/** The literal defaults of a signature string (`p=0.5, inplace=False` → p: 0.5, inplace: false). */
function literalDefaults(signature: string): Map<string, OpValue> {
  const defaults = new Map<string, OpValue>();
  for (const part of signature.split(',')) {
    const m = /^\s*(\w+)\s*=\s*(.+?)\s*$/.exec(part);
    if (!m) continue;
    const text = m[2]!;
    const value: OpValue = text === 'None' ? null : text === 'True' ? true : text === 'False' ? false : /^'.*'$/.test(text) ? text.slice(1, -1) : Number(text);
    defaults.set(m[1]!, value);
  }
  return defaults;
}

/**
 * A describe() for a config of constructor arguments under their Python names, by the rule every
 * describe() keeps: an argument is named when it differs from its default in `signature`.
 */
export function nonDefaultDescriber(signature: string): (config: Record<string, OpValue>) => string {
  const defaults = literalDefaults(signature);
  return (config) =>
    Object.entries(config)
      .filter(([k, v]) => !defaults.has(k) || defaults.get(k) !== v)
      .map(([k, v]) => `${k}=${describeValue(v)}`)
      .join(', ');
}
