// The values of small 0-d and 1-d tensors (and NumPy arrays) that model code computes shapes from
// (RegNet widths: `torch.arange(depth) * slope + w0`, `torch.round(torch.log(...))`,
// `.int().tolist()`, `np.diff(...)`; drop-path rates from `torch.linspace`). Shapes come from the
// op specs as always; this only adds the numbers where every input's numbers are known, and drops
// them everywhere else, so a value is either the one torch computes or absent (Unknown), never stale.
//
// Rounding follows the dtype as torch computes it: a float32 result is computed from float32
// operands (a Python scalar is converted to float32 first, as torch's CPU kernels do) and rounded
// once (Math.fround: for + − × ÷ and sqrt, rounding the exact double result is the float32 result).
// float64 (NumPy's default, torch.float64) is JavaScript's own arithmetic.
//
// Some results are not the same on every machine: torch's float32 log / exp / pow are accurate to
// within one unit in the last place but not correctly rounded (SLEEF's vectorised kernels; measured
// against float64 references with torch 1.13), linspace's vectorised path depends on the CPU's
// vector width and on FMA contraction, and libm's float64 log differs from V8's in the last bit.
// Such values are kept as bounds [lo, hi] that surely hold torch's (or NumPy's) result, and become
// exact again where an op collapses them (round, floor, ceil, trunc, int conversion, comparisons)
// to one answer across the whole interval. A bounded value is never read as a number: `values` is
// absent, so .item(), .tolist() and float() give Unknown.

import type { OpValue, Tensor } from './types';

/** A tensor whose values are known: at most MAX_VALUES numbers, in row-major order. */
export interface ValuedTensor extends Tensor {
  /** The exact numbers. */
  values?: number[];
  /** Bounds on each number where torch's result is known only to within them (then no `values`). */
  lo?: number[];
  hi?: number[];
  /** An integer dtype (int64 from arange of ints, int32 from .int()): tolist gives ints. */
  integral?: boolean;
  /** float64 (NumPy's default float, torch.float64) rather than float32. */
  double?: boolean;
  /** A NumPy array (numpy promotes ints with Python floats to float64, torch to float32). */
  numpy?: boolean;
  /** A bool tensor (comparisons, dtype=torch.bool): indexing with it is a mask. */
  bool?: boolean;
  /** An int dtype narrower than int64 (int32, int16, int8, uint8): the range its values must stay
   *  in. torch wraps around outside it; the analysis gives Unknown there instead. */
  intRange?: IntRange;
}

/** The inclusive range of a narrow int dtype. */
export type IntRange = readonly [number, number];

export const MAX_VALUES = 4096;

/** Numbers known about an operand: exact (lo === hi, the same array) or bounded. */
export interface Known {
  lo: number[];
  hi: number[];
  exact: boolean;
  integral: boolean;
  double: boolean;
  numpy: boolean;
  bool?: boolean;
  intRange?: IntRange;
  /** A Python scalar (or a 0-d tensor): it does not decide a tensor operand's float width. */
  scalar: boolean;
}

const isTensor = (v: unknown): v is ValuedTensor => typeof v === 'object' && v !== null && (v as Tensor).kind === 'tensor';

/** The known numbers of an op argument: a valued tensor, or a Python number (a 1-element broadcast).
 *  `floatScalars`: the call passed a Python float, so its numbers are floats even when whole. */
export function known(v: OpValue | undefined, floatScalars = false): Known | null {
  if (typeof v === 'number') return exactKnown([v], Number.isInteger(v) && !floatScalars, false, false, true);
  if (typeof v === 'boolean') return { ...exactKnown([v ? 1 : 0], true, false, false, true), bool: true };
  if (!isTensor(v)) return null;
  const scalar = v.shape.length === 0;
  if (v.values) return { ...exactKnown(v.values, !!v.integral, !!v.double, !!v.numpy, scalar), bool: !!v.bool, ...(v.intRange ? { intRange: v.intRange } : {}) };
  if (v.lo && v.hi) return { lo: v.lo, hi: v.hi, exact: false, integral: false, double: !!v.double, numpy: !!v.numpy, scalar };
  return null;
}

function exactKnown(values: number[], integral: boolean, double: boolean, numpy: boolean, scalar: boolean): Known {
  return { lo: values, hi: values, exact: true, integral, double, numpy, scalar };
}

/** A result tensor carrying `k`'s numbers (and no stale ones from an input). */
export function withKnown<T extends Tensor>(t: T, k: Known | null): ValuedTensor {
  const { values: _v, lo: _l, hi: _h, integral: _i, double: _d, bool: _b, intRange: _r, numpy, ...rest } = t as ValuedTensor;
  void _v; void _l; void _h; void _i; void _d; void _b; void _r;
  // Known numbers say whether the result is a NumPy array (torch.as_tensor(ndarray) is not).
  const out: ValuedTensor = (k ? k.numpy : numpy) ? { ...rest, numpy: true } : rest;
  if (!k) return out;
  if (k.exact) out.values = k.lo;
  else { out.lo = k.lo; out.hi = k.hi; }
  if (k.integral) out.integral = true;
  if (k.double) out.double = true;
  if (k.numpy) out.numpy = true;
  if (k.bool) out.bool = true;
  if (k.intRange) out.intRange = k.intRange;
  return out;
}

/** `t[i] = x` in place: one element of a 1-d tensor whose values are exact gets the number
 *  (converted to its dtype); any other write forgets the values. */
export function writeElement(t: Tensor, index: number | null, value: number | null): void {
  const v = t as ValuedTensor;
  const values = v.values;
  delete v.lo;
  delete v.hi;
  if (values && index !== null && value !== null && t.shape.length === 1 && index >= -values.length && index < values.length) {
    const x = v.bool ? (value !== 0 ? 1 : 0) : v.integral ? Math.trunc(value) : v.double ? value : Math.fround(value);
    if (!inRange(x, v.intRange)) {
      delete v.values;
      return;
    }
    const copy = values.slice();
    copy[index < 0 ? index + values.length : index] = x;
    v.values = copy;
    return;
  }
  delete v.values;
}

/** The element at a (wrapped, in-range) index of a 1-d valued tensor, as a 0-d valued tensor. */
export function elementOf(t: Tensor, i: number): ValuedTensor | null {
  const k = known(t);
  if (!k || t.shape.length !== 1) return null;
  const lo = k.lo[i]!;
  const hi = k.hi[i]!;
  return withKnown({ kind: 'tensor', shape: [], geometry: null } as Tensor, { ...k, lo: [lo], hi: lo === hi ? [lo] : [hi], exact: lo === hi, scalar: true });
}

/** int(t) of a one-element tensor: the truncated value, when every value torch could hold truncates alike. */
export function truncatedValue(v: unknown): number | null {
  if (!isTensor(v)) return null;
  const k = known(v);
  if (!k || k.lo.length !== 1) return null;
  const a = Math.trunc(k.lo[0]!);
  return a === Math.trunc(k.hi[0]!) ? a : null;
}

/** Why a tensor's numbers cannot be read as Python numbers. */
export function unreadableReason(v: unknown): string {
  const t = isTensor(v) ? v : null;
  if (t?.lo && t.hi) {
    return `the tensor's values are known only to within a last-place rounding (torch's float32 log/exp/pow and linspace ` +
      `differ between machines; e.g. ${t.lo[0]} … ${t.hi[0]}): round or truncate them to use them`;
  }
  return 'a tensor whose values the analysis does not know';
}

// ---------------------------------------------------------------------------------------------
// Rounding (exported for test/unit/smallValues-rounding.test.ts, which checks them against exact
// rational arithmetic)

const F32 = new Float32Array(1);
const I32 = new Int32Array(F32.buffer);
const F64 = new Float64Array(1);
const I64 = new BigInt64Array(F64.buffer);

/** The next representable number toward +∞ (dir 1) or −∞ (dir −1), in float32 or float64. */
export function nextAfter(x: number, dir: 1 | -1, double: boolean): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return dir * (double ? Number.MIN_VALUE : 1.401298464324817e-45);
  if (double) {
    F64[0] = x;
    I64[0]! += (x > 0) === (dir > 0) ? 1n : -1n;
    return F64[0]!;
  }
  F32[0] = x;
  I32[0]! += (x > 0) === (dir > 0) ? 1 : -1;
  return F32[0]!;
}

/** Rounds to the result dtype. */
const rounder = (double: boolean): ((x: number) => number) => (double ? (x) => x : Math.fround);

/** Where torch's result of an op accurate to within one unit in the last place can lie, given the
 *  double-precision value `d` of the exact result: the two floats around it (a float32 strictly
 *  within one unit of the exact value is one of them), or, in float64, two units either side. */
export function bracket(d: number, double: boolean): [number, number] {
  if (double) return [nextAfter(nextAfter(d, -1, true), -1, true), nextAfter(nextAfter(d, 1, true), 1, true)];
  // d is itself within a double-precision unit of the exact value: allow for that too.
  const dl = d - Math.abs(d) * 2 ** -50;
  const dh = d + Math.abs(d) * 2 ** -50;
  let lo = Math.fround(dl);
  if (lo > dl) lo = nextAfter(lo, -1, false);
  let hi = Math.fround(dh);
  if (hi < dh) hi = nextAfter(hi, 1, false);
  return [lo, hi];
}

/** Dekker's product: whether x·y is exact in double precision (its rounding error is zero). */
export function productIsExact(x: number, y: number): boolean {
  const p = x * y;
  if (!Number.isFinite(p)) return false;
  if (x === 0 || y === 0) return true;
  // Near the subnormals the error terms themselves underflow (1e-300 · 1e-300 gives 0 and err 0).
  if (Math.abs(p) < 2 ** -969) return false;
  const split = (a: number): [number, number] => {
    const c = 134217729 * a; // 2^27 + 1
    const hi = c - (c - a);
    return [hi, a - hi];
  };
  const [xh, xl] = split(x);
  const [yh, yl] = split(y);
  const err = ((xh * yh - p) + xh * yl + xl * yh) + xl * yl;
  return err === 0;
}

/** The exact result of a transcendental op where it is a number of the dtype (log(1) = 0,
 *  log2(8) = 3, exp(0) = 1, 2.25 ** 1 = 2.25): an op accurate to within less than one unit in the
 *  last place returns exactly that. Null where the exact result is not known to be representable. */
export function exactTranscendental(name: string, x: number, y: number, double: boolean): number | null {
  const fits = (v: number) => Number.isFinite(v) && (double || Math.fround(v) === v);
  switch (name) {
    case 'log': return x === 1 ? 0 : null;
    case 'exp': return x === 0 ? 1 : null;
    case 'log2': {
      const k = Math.round(Math.log2(x));
      return x > 0 && 2 ** k === x ? k : null;
    }
    case 'log10': {
      const k = Math.round(Math.log10(x));
      return k >= 0 && k <= 22 && 10 ** k === x ? k : null;
    }
    case 'pow': {
      if (!Number.isInteger(y) || y < 0 || y > 64) return null;
      let acc = 1;
      for (let i = 0; i < y; i++) {
        if (!productIsExact(acc, x)) return null;
        acc *= x;
      }
      return fits(acc) ? acc : null;
    }
    default: return null;
  }
}

function result(lo: number[], hi: number[], integral: boolean, double: boolean, numpy: boolean, forceInexact = false, intRange?: IntRange): Known | null {
  for (let i = 0; i < lo.length; i++) if (!Number.isFinite(lo[i]!) || !Number.isFinite(hi[i]!)) return null;
  if (integral) for (let i = 0; i < lo.length; i++) if (!Number.isSafeInteger(hi[i]!) || !inRange(lo[i]!, intRange) || !inRange(hi[i]!, intRange)) return null;
  // Ints have no −0 (Math.trunc(-0.5) is −0).
  if (integral && lo.some((x) => Object.is(x, -0))) lo = lo.map((x) => x + 0);
  if (integral && hi.some((x) => Object.is(x, -0))) hi = hi.map((x) => x + 0);
  // Bounds −0 … 0 are not one float: the sign of torch's zero is not known (round of −1e-17 is −0.0).
  const exact = !forceInexact && lo.every((x, i) => Object.is(x, hi[i]));
  const out: Known = { lo, hi: exact ? lo : hi, exact, integral, double, numpy, scalar: false };
  if (integral && intRange) out.intRange = intRange;
  return out;
}

function inRange(x: number, range: IntRange | undefined): boolean {
  return !range || (x >= range[0] && x <= range[1]);
}

/** Python-style round half to even, as torch.round and numpy.round do. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// ---------------------------------------------------------------------------------------------
// dtypes

const INT_DTYPES = new Set(['int64', 'long', 'int32', 'int', 'int16', 'int8', 'uint8', 'bool', 'short']);
const F32_DTYPES = new Set(['float32', 'float', 'float16', 'half', 'bfloat16']);
const F64_DTYPES = new Set(['float64', 'double']);

/** The ranges of the int dtypes narrower than int64. */
const INT_RANGES: Record<string, IntRange> = {
  int32: [-(2 ** 31), 2 ** 31 - 1], int: [-(2 ** 31), 2 ** 31 - 1], int16: [-32768, 32767], short: [-32768, 32767],
  int8: [-128, 127], uint8: [0, 255],
};

interface DtypeKind { integral: boolean; double: boolean; intRange?: IntRange }

/** `dtype=` as (integral, double, range); null for a dtype whose arithmetic is not modelled (half, bfloat16). */
function dtypeKind(dtype: OpValue | undefined, fallback: DtypeKind): DtypeKind | null {
  if (dtype === undefined || dtype === null) return fallback;
  if (typeof dtype !== 'string') return null;
  if (INT_DTYPES.has(dtype)) return INT_RANGES[dtype] ? { integral: true, double: false, intRange: INT_RANGES[dtype] } : { integral: true, double: false };
  if (dtype === 'float32' || dtype === 'float') return { integral: false, double: false };
  if (F64_DTYPES.has(dtype)) return { integral: false, double: true };
  // float16, bfloat16: their arithmetic is not modelled.
  return null;
}

/** The Tensor methods named after the dtype they convert to. */
const CONVERSIONS = new Set(['int', 'long', 'short', 'float', 'double']);

function isDtypeName(v: string): boolean {
  return INT_DTYPES.has(v) || F32_DTYPES.has(v) || F64_DTYPES.has(v);
}

/** The values converted to a dtype as torch converts them (ints truncate, float32 rounds); null
 *  for a dtype whose arithmetic is not modelled. */
function cast(k: Known, dtype: string): Known | null {
  const kind = dtype === 'bool' ? null : dtypeKind(dtype, { integral: k.integral, double: k.double });
  if (!kind) return null;
  // Out of the new dtype's range torch wraps around (or, from a float, the result is undefined): Unknown.
  if (kind.integral) return unary(k, { f: Math.trunc, collapses: true }, k.double, true, kind.intRange);
  const r = rounder(kind.double);
  return result(k.lo.map(r), k.hi.map(r), false, kind.double, k.numpy, !k.exact);
}

/** An op's `dtype=` applied to its input's values first; the values as they are without one. */
function withDtype(k: Known | null, dtype: OpValue | undefined): Known | null {
  if (!k || dtype === undefined || dtype === null) return k;
  return typeof dtype === 'string' ? cast(k, dtype) : null;
}

/** The float width of a binary op's result: torch's promotion (a dimensioned tensor's float type
 *  wins over a scalar's), NumPy 1.x's (value-based: a Python float or 0-d array does not widen a
 *  float32 array, though it makes an int array float64; between scalars alone, float64 unless both
 *  are float32 arrays). */
function floatDouble(a: Known, b: Known): boolean {
  if (a.numpy || b.numpy) {
    const float32Array = (k: Known) => k.numpy && !k.integral && !k.double;
    const arrays = [a, b].filter((k) => !k.scalar);
    if (!arrays.length) return !(float32Array(a) && float32Array(b));
    const scalarFloat = [a, b].some((k) => k.scalar && !k.integral);
    if (scalarFloat && arrays.every((k) => k.integral)) return true;
    return !arrays.every(float32Array);
  }
  const aFloat = !a.integral && !a.scalar;
  const bFloat = !b.integral && !b.scalar;
  if (aFloat || bFloat) return (aFloat && a.double) || (bFloat && b.double);
  return (!a.integral && a.double) || (!b.integral && b.double);
}

/** The range of an int result narrower than int64, as torch and NumPy promote: the dimensioned
 *  operands decide (a Python int or 0-d tensor does not widen an int8 tensor) unless a scalar's
 *  category is higher; a bool counts as [0, 1]; undefined when an int64 operand decides (its values
 *  are checked as safe integers). */
function intResultRange(a: Known, b: Known): IntRange | undefined {
  let deciding = a.scalar === b.scalar ? [a, b] : [a.scalar ? b : a];
  // A scalar of a higher category decides instead (a bool tensor plus a Python int is int64).
  const other = a.scalar === b.scalar ? null : a.scalar ? a : b;
  if (other && !other.bool && deciding.every((k) => k.bool)) deciding = [other];
  let lo = Infinity;
  let hi = -Infinity;
  for (const k of deciding) {
    const range: IntRange | undefined = k.bool ? [0, 1] : k.intRange;
    if (!range) return undefined;
    lo = Math.min(lo, range[0]);
    hi = Math.max(hi, range[1]);
  }
  // Mixed signed and unsigned (int8 with uint8: int16 in torch) is not one of the ranges: Unknown
  // past the union only errs toward Unknown.
  return [lo, hi];
}

// ---------------------------------------------------------------------------------------------
// Elementwise

/** Applies f over the corners of the operands' bounds (f monotone in each argument on them). */
function binary(a: Known, b: Known, f: (x: number, y: number) => number, integral: boolean, double: boolean, intRange?: IntRange): Known | null {
  const n = Math.max(a.lo.length, b.lo.length);
  if ((a.lo.length !== n && a.lo.length !== 1) || (b.lo.length !== n && b.lo.length !== 1)) return null;
  const r = integral ? (x: number) => x : rounder(double);
  // Operands are converted to the result dtype before the op.
  const cv = integral ? (x: number) => x : rounder(double);
  const lo = new Array<number>(n);
  const hi = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const ai = a.lo.length === 1 ? 0 : i;
    const bi = b.lo.length === 1 ? 0 : i;
    const xs = a.lo[ai] === a.hi[ai] ? [cv(a.lo[ai]!)] : [cv(a.lo[ai]!), cv(a.hi[ai]!)];
    const ys = b.lo[bi] === b.hi[bi] ? [cv(b.lo[bi]!)] : [cv(b.lo[bi]!), cv(b.hi[bi]!)];
    let min = Infinity;
    let max = -Infinity;
    for (const x of xs) {
      for (const y of ys) {
        const v = r(f(x, y));
        if (Number.isNaN(v)) return null;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    lo[i] = min;
    hi[i] = max;
  }
  return result(lo, hi, integral, double, a.numpy || b.numpy, !(a.exact && b.exact), intRange);
}

/** x ** y in floating point: exact where the exact power is a number of the dtype, otherwise the
 *  bracket around it (torch's pow is within a last-place unit), over the corners of the bounds. */
function floatPow(a: Known, b: Known, double: boolean): Known | null {
  const n = Math.max(a.lo.length, b.lo.length);
  if ((a.lo.length !== n && a.lo.length !== 1) || (b.lo.length !== n && b.lo.length !== 1)) return null;
  const cv = rounder(double);
  const lo = new Array<number>(n);
  const hi = new Array<number>(n);
  let exact = true;
  for (let i = 0; i < n; i++) {
    const ai = a.lo.length === 1 ? 0 : i;
    const bi = b.lo.length === 1 ? 0 : i;
    const [xl, xh, yl, yh] = [cv(a.lo[ai]!), cv(a.hi[ai]!), cv(b.lo[bi]!), cv(b.hi[bi]!)];
    if (xl === xh && yl === yh) {
      const e = exactTranscendental('pow', xl, yl, double);
      if (e !== null) {
        lo[i] = hi[i] = e;
        continue;
      }
    }
    exact = false;
    let min = Infinity;
    let max = -Infinity;
    for (const x of [xl, xh]) {
      for (const y of [yl, yh]) {
        const [l, h] = bracket(x ** y, double);
        if (l < min) min = l;
        if (h > max) max = h;
      }
    }
    lo[i] = min;
    hi[i] = max;
  }
  return result(lo, hi, false, double, a.numpy || b.numpy, !exact);
}

type BinarySpec = { f: (x: number, y: number) => number; alwaysFloat?: boolean; intOnly?: (x: number, y: number) => number; monotone?: boolean };

const BINARY: Record<string, BinarySpec> = {
  add: { f: (x, y) => x + y },
  sub: { f: (x, y) => x - y },
  mul: { f: (x, y) => x * y },
  div: { f: (x, y) => x / y, alwaysFloat: true },
  floor_divide: { f: (x, y) => Math.floor(x / y) },
  pow: { f: (x, y) => x ** y },
  maximum: { f: Math.max },
  minimum: { f: Math.min },
};
const BINARY_ALIASES: Record<string, string> = {
  subtract: 'sub', multiply: 'mul', divide: 'div', true_divide: 'div', power: 'pow', fmax: 'maximum', fmin: 'minimum',
};

const DUNDER: Record<string, [string, boolean]> = {
  __add__: ['add', false], __radd__: ['add', true], __sub__: ['sub', false], __rsub__: ['sub', true],
  __mul__: ['mul', false], __rmul__: ['mul', true], __truediv__: ['div', false], __rtruediv__: ['div', true],
  __floordiv__: ['floor_divide', false], __rfloordiv__: ['floor_divide', true], __pow__: ['pow', false], __rpow__: ['pow', true],
};

/** Comparisons give bool tensors: decided when every value in the bounds gives the same answer. */
const COMPARE: Record<string, (x: number, y: number) => boolean> = {
  eq: (x, y) => x === y, ne: (x, y) => x !== y, lt: (x, y) => x < y, le: (x, y) => x <= y, gt: (x, y) => x > y, ge: (x, y) => x >= y,
};
const COMPARE_ALIASES: Record<string, string> = {
  __eq__: 'eq', __ne__: 'ne', __lt__: 'lt', __le__: 'le', __gt__: 'gt', __ge__: 'ge',
  greater: 'gt', greater_equal: 'ge', less: 'lt', less_equal: 'le', not_equal: 'ne', equal: 'eq',
};

function compare(a: Known, b: Known, op: string): Known | null {
  const f = COMPARE[op]!;
  const n = Math.max(a.lo.length, b.lo.length);
  if ((a.lo.length !== n && a.lo.length !== 1) || (b.lo.length !== n && b.lo.length !== 1)) return null;
  const double = floatDouble(a, b);
  const cv = a.integral && b.integral ? (x: number) => x : rounder(double);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const ai = a.lo.length === 1 ? 0 : i;
    const bi = b.lo.length === 1 ? 0 : i;
    const [al, ah, bl, bh] = [cv(a.lo[ai]!), cv(a.hi[ai]!), cv(b.lo[bi]!), cv(b.hi[bi]!)];
    if (al === ah && bl === bh) out[i] = f(al, bl) ? 1 : 0;
    // Bounds: decided only when the intervals do not overlap.
    else if (ah < bl) out[i] = f(0, 1) ? 1 : 0;
    else if (al > bh) out[i] = f(1, 0) ? 1 : 0;
    else return null;
  }
  const r = result(out, out, true, false, a.numpy || b.numpy);
  return r && { ...r, bool: true };
}

type UnarySpec = { f: (x: number) => number; keepsInt?: boolean; collapses?: boolean; approximate?: string; increasing?: boolean };

/** Monotone unary ops. `approximate`: torch's result is within a last-place unit of the exact one,
 *  not always the correctly rounded number (its name picks the exactly known special cases). */
const UNARY: Record<string, UnarySpec> = {
  log: { f: Math.log, approximate: 'log' }, log2: { f: Math.log2, approximate: 'log2' }, log10: { f: Math.log10, approximate: 'log10' },
  exp: { f: Math.exp, approximate: 'exp' }, sqrt: { f: Math.sqrt },
  floor: { f: Math.floor, keepsInt: true, collapses: true }, ceil: { f: Math.ceil, keepsInt: true, collapses: true },
  round: { f: roundHalfEven, keepsInt: true, collapses: true }, trunc: { f: Math.trunc, keepsInt: true, collapses: true },
  fix: { f: Math.trunc, keepsInt: true, collapses: true },
  neg: { f: (x) => -x, keepsInt: true, increasing: false }, negative: { f: (x) => -x, keepsInt: true, increasing: false },
  __neg__: { f: (x) => -x, keepsInt: true, increasing: false },
  sign: { f: Math.sign, keepsInt: true, collapses: true },
};

function unary(k: Known, spec: UnarySpec, double: boolean, integralOut: boolean, intRange: IntRange | undefined): Known | null {
  const r = integralOut ? (x: number) => x : rounder(double);
  const cv = k.integral ? (x: number) => x : rounder(double);
  const n = k.lo.length;
  const lo = new Array<number>(n);
  const hi = new Array<number>(n);
  if (spec.approximate && !integralOut) {
    let exact = k.exact;
    for (let i = 0; i < n; i++) {
      const x = cv(k.lo[i]!);
      const e = k.exact ? exactTranscendental(spec.approximate, x, 0, double) : null;
      if (e !== null) {
        lo[i] = hi[i] = e;
        continue;
      }
      exact = false;
      lo[i] = bracket(spec.f(x), double)[0];
      hi[i] = bracket(spec.f(cv(k.hi[i]!)), double)[1];
    }
    return result(lo, hi, false, double, k.numpy, !exact);
  }
  for (let i = 0; i < n; i++) {
    let a = r(spec.f(cv(k.lo[i]!)));
    let b = k.exact ? a : r(spec.f(cv(k.hi[i]!)));
    if (spec.increasing === false) [a, b] = [b, a];
    lo[i] = a;
    hi[i] = b;
  }
  return result(lo, hi, integralOut, double, k.numpy, spec.collapses ? false : !k.exact, integralOut ? intRange : undefined);
}

/** Ops that return their input's values unchanged (conversions of device or memory). Not
 *  Tensor.type_as: it converts to the other tensor's dtype, which is not known here. */
const SAME_VALUES = new Set(['Tensor.to', 'Tensor.contiguous', 'Tensor.detach', 'torch.detach', 'Tensor.clone', 'torch.clone', 'Tensor.cpu',
  'Tensor.cuda', 'Tensor.view', 'Tensor.reshape', 'torch.reshape', 'Tensor.flatten', 'torch.flatten', 'Tensor.squeeze', 'Tensor.unsqueeze',
  'Tensor.ravel', 'torch.ravel']);

function first(args: Record<string, OpValue>): OpValue | undefined {
  return args.self ?? args.input;
}

/** linspace's value at i: torch's scalar formula (the first half from start, the second from end),
 *  with or without FMA contraction; a vectorised run (16 or more steps) only to within a bound. */
function linspaceValues(start: number, end: number, count: number, double: boolean): Known | null {
  const r = rounder(double);
  const s = r(start);
  const e = r(end);
  if (count === 1) return result([s], [s], false, double, false);
  // The step is computed in the dtype: (end − start) rounded, then divided.
  const step = r(r(e - s) / (count - 1));
  const half = Math.floor(count / 2);
  const lo = new Array<number>(count);
  const hi = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const fused = i < half ? r(s + step * i) : r(e - step * (count - 1 - i));
    const separate = i < half ? r(s + r(step * i)) : r(e - r(step * (count - 1 - i)));
    lo[i] = Math.min(fused, separate);
    hi[i] = Math.max(fused, separate);
  }
  if ((count >= 16 || double) && step !== 0) {
    // Vector lanes add multiples of the step to a run's first value, and float64's fused
    // multiply-add cannot be reproduced here: each rounding can move a value by a last-place unit
    // of the largest magnitude involved, whatever the value's own size (near zero it is far more
    // than the value's own last place).
    const m = Math.max(Math.abs(s), Math.abs(e));
    const unit = nextAfter(m, 1, double) - m;
    const wideLo = lo.map((x) => x - 4 * unit);
    const wideHi = hi.map((x) => x + 4 * unit);
    // The first value is start in every path (start + step · 0, fused or not).
    wideLo[0] = wideHi[0] = s;
    return result(wideLo, wideHi, false, double, false, true);
  }
  return result(lo, hi, false, double, false);
}

/** The values of an op's result, when the op is one of those above and all its inputs are known.
 *  `floatScalars`: a Python float was among the call's arguments. */
export function computeValues(fn: string, args: Record<string, OpValue>, shape: readonly number[], floatScalars = false): Known | null {
  let count = 1;
  for (const x of shape) count *= x;
  if (shape.length > 1 || count > MAX_VALUES) return null;
  const dot = fn.indexOf('.');
  const name = fn.slice(dot + 1);
  const isTorch = fn.startsWith('torch.') || fn.startsWith('Tensor.');
  if (!isTorch) return null;
  if (fn === 'torch.arange') {
    let start = args.start;
    let end = args.end;
    if (end === undefined || end === null) [start, end] = [0, start];
    const step = args.step ?? 1;
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') return null;
    const kind = dtypeKind(args.dtype, { integral: !floatScalars && Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step), double: false });
    if (!kind) return null;
    // torch computes start + i * step in double (its accumulate type), then casts.
    const r = kind.integral ? Math.trunc : rounder(kind.double);
    const values = Array.from({ length: count }, (_, i) => r((start as number) + i * (step as number)));
    return result(values, values, kind.integral, kind.double, false, false, kind.intRange);
  }
  if (fn === 'torch.linspace') {
    const { start, end } = args;
    if (typeof start !== 'number' || typeof end !== 'number') return null;
    const kind = dtypeKind(args.dtype, { integral: false, double: false });
    if (!kind || kind.integral) return null;
    return linspaceValues(start, end, count, kind.double);
  }
  if (fn === 'torch.tensor' || fn === 'torch.as_tensor' || fn === 'Tensor.new_tensor') {
    const data = args.data;
    if (isTensor(data)) {
      // torch.tensor(ndarray) keeps the dtype, and the result is a torch tensor.
      const k = known(data);
      return k && { ...k, numpy: false, scalar: false };
    }
    const flat = Array.isArray(data) ? data : [data];
    if (!flat.every((x) => typeof x === 'number' || typeof x === 'boolean')) return null;
    const nums = flat.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : (x as number)));
    const kind = dtypeKind(args.dtype, { integral: !floatScalars && nums.every(Number.isInteger), double: false });
    if (!kind) return null;
    const r = kind.integral ? Math.trunc : rounder(kind.double);
    const values = nums.map(r);
    const isBool = args.dtype === 'bool' || ((args.dtype === undefined || args.dtype === null) && flat.length > 0 && flat.every((x) => typeof x === 'boolean'));
    const bools = isBool ? values.map((x) => (x !== 0 ? 1 : 0)) : null;
    const out = bools ? result(bools, bools, true, false, false) : result(values, values, kind.integral, kind.double, false, false, kind.intRange);
    return out && { ...out, bool: isBool };
  }
  if (SAME_VALUES.has(fn)) {
    const k = known(first(args));
    if (!k) return null;
    if (fn === 'Tensor.to') {
      // x.to(torch.int64), x.to('cpu', torch.float64), x.to(dtype=...) (its signature is
      // `self, *args, **kwargs`): a dtype casts the values; x.to(other) takes another tensor's
      // dtype, which is not known here.
      const given = Array.isArray(args.args) ? [...args.args] : [];
      const kwargs = args.kwargs;
      if (kwargs && typeof kwargs === 'object' && !Array.isArray(kwargs) && !isTensor(kwargs)) given.push((kwargs as Record<string, OpValue>).dtype);
      if (given.some(isTensor)) return null;
      const dtype = given.find((v): v is string => typeof v === 'string' && isDtypeName(v));
      if (dtype !== undefined) return cast(k, dtype);
    }
    return { ...k, scalar: false };
  }
  if (fn === 'Tensor.bool') {
    const k = known(args.self);
    if (!k) return null;
    const out = k.lo.map((x, i) => (x > 0 || k.hi[i]! < 0 ? 1 : x === 0 && k.hi[i] === 0 ? 0 : NaN));
    return out.some(Number.isNaN) ? null : { ...exactKnown(out, true, false, k.numpy, false), bool: true };
  }
  if ((fn === 'torch.ones' || fn === 'torch.zeros' || fn === 'torch.full') && shape.length === 1) {
    const fill = fn === 'torch.ones' ? 1 : fn === 'torch.zeros' ? 0 : args.fill_value;
    if (typeof fill !== 'number' && typeof fill !== 'boolean') return null;
    const x = typeof fill === 'boolean' ? (fill ? 1 : 0) : fill;
    // torch.full of a bool fill without a dtype is a bool tensor.
    const isBool = args.dtype === 'bool' || ((args.dtype === undefined || args.dtype === null) && typeof fill === 'boolean');
    const kind = isBool ? { integral: true, double: false } : dtypeKind(args.dtype, { integral: fn === 'torch.full' && !floatScalars && Number.isInteger(x), double: false });
    if (!kind) return null;
    const v = isBool ? (x !== 0 ? 1 : 0) : kind.integral ? Math.trunc(x) : rounder(kind.double)(x);
    const values = new Array<number>(count).fill(v);
    const r = result(values, values, kind.integral, kind.double, false, false, isBool ? undefined : kind.intRange);
    return r && { ...r, bool: isBool };
  }
  // dtype conversions: x.int(), x.long(), x.short(), x.float(), x.double()
  if (fn.startsWith('Tensor.') && CONVERSIONS.has(name)) {
    const k = known(args.self);
    return k && cast(k, name);
  }
  // comparisons
  const cmp = COMPARE_ALIASES[name] ?? (name in COMPARE ? name : undefined);
  if (cmp) {
    const a = known(first(args), floatScalars);
    const b = known(args.other, floatScalars);
    return a && b ? compare(a, b, cmp) : null;
  }
  // binary arithmetic
  let op: string | undefined;
  let swap = false;
  let a: OpValue | undefined;
  let b: OpValue | undefined;
  if (fn.startsWith('Tensor.') && name in DUNDER) {
    [op, swap] = DUNDER[name]!;
    a = args.self;
    b = args.other;
  } else if (name in BINARY || name in BINARY_ALIASES) {
    op = BINARY_ALIASES[name] ?? name;
    a = first(args);
    b = args.other ?? args.exponent;
    if (args.alpha !== undefined && args.alpha !== null && args.alpha !== 1) return null;
    if (args.rounding_mode !== undefined && args.rounding_mode !== null) return null;
  }
  if (op) {
    let ka = known(a, floatScalars);
    let kb = known(b, floatScalars);
    if (!ka || !kb) return null;
    if (swap) [ka, kb] = [kb, ka];
    const spec = BINARY[op]!;
    const integral = !spec.alwaysFloat && ka.integral && kb.integral;
    if (integral && op === 'pow' && kb.lo.some((y) => y < 0)) return null;
    if (op === 'div' || op === 'floor_divide') {
      // Dividing by bounds that hold zero: no bound on the result.
      for (let i = 0; i < kb.lo.length; i++) if (kb.lo[i]! <= 0 && kb.hi[i]! >= 0) return null;
    }
    if (ka.bool && kb.bool) {
      // Between bools torch (and NumPy) give a bool: + is or, * is and; − is an error.
      if (op !== 'add' && op !== 'mul' && op !== 'maximum' && op !== 'minimum') return null;
      const t = binary(ka, kb, spec.f, true, false);
      return t && { ...exactKnown(t.lo.map((x) => (x !== 0 ? 1 : 0)), true, false, t.numpy, false), bool: true };
    }
    if (op === 'pow' && !integral) {
      // x ** y is monotone in each argument only for positive bases.
      if (ka.lo.some((x) => x <= 0)) return null;
      return floatPow(ka, kb, floatDouble(ka, kb));
    }
    return binary(ka, kb, spec.f, integral, floatDouble(ka, kb), integral ? intResultRange(ka, kb) : undefined);
  }
  const uspec = UNARY[name];
  if (uspec) {
    const k = known(first(args));
    // Of bools torch gives an error (neg) or a bool (floor, sign): not modelled.
    if (!k || k.bool || (args.decimals !== undefined && args.decimals !== null && args.decimals !== 0)) return null;
    const integralOut = k.integral && !!uspec.keepsInt;
    // A float op of an integer tensor computes in the default float dtype (NumPy's: float64).
    const double = k.integral ? k.numpy : k.double;
    return unary(k, uspec, double, integralOut, k.intRange);
  }
  // reductions to a 0-d tensor
  // amax / amin take dim=() for all dims.
  const allDims = args.dim === undefined || args.dim === null || (Array.isArray(args.dim) && args.dim.length === 0);
  if ((name === 'max' || name === 'min' || name === 'amax' || name === 'amin') && allDims && shape.length === 0) {
    const k = known(first(args));
    if (!k || !k.lo.length) return null;
    const pick = name.endsWith('max') ? Math.max : Math.min;
    return result([pick(...k.lo)], [pick(...k.hi)], k.integral, k.double, k.numpy);
  }
  if ((name === 'sum' || name === 'prod') && (args.dim === undefined || args.dim === null) && shape.length === 0) {
    // dtype= casts the input first (torch.sum(x, dtype=torch.float64) of ints is a float).
    const k = withDtype(known(first(args)), args.dtype);
    if (!k || !k.exact) return null;
    const v = name === 'sum' ? k.lo.reduce((s, x) => s + x, 0) : k.lo.reduce((s, x) => s * x, 1);
    if (k.integral) return result([v], [v], true, false, k.numpy);
    // Float sums are taken in a machine-dependent order (vectorised, pairwise): exact only when
    // every partial result is an exactly representable number.
    return exactFloatFold(k, name === 'sum' ? (s, x) => s + x : (s, x) => s * x, name === 'sum' ? 0 : 1);
  }
  if (name === 'cumsum' || name === 'cumprod') {
    const k = withDtype(known(first(args)), args.dtype);
    if (!k || !k.exact) return null;
    let acc = name === 'cumsum' ? 0 : 1;
    // torch accumulates in double (its CPU accumulate type) and rounds each output.
    const r = k.integral ? (x: number) => x : rounder(k.double);
    const values = k.lo.map((x) => r(name === 'cumsum' ? (acc += x) : (acc *= x)));
    return result(values, values, k.integral, k.double, k.numpy);
  }
  if (fn === 'torch.diff' || fn === 'Tensor.diff') {
    const k = known(first(args));
    if (!k || !k.exact || (args.n !== undefined && args.n !== null && args.n !== 1)) return null;
    if ((args.prepend !== undefined && args.prepend !== null) || (args.append !== undefined && args.append !== null)) return null;
    const r = k.integral ? (x: number) => x : rounder(k.double);
    const values = k.lo.slice(1).map((x, i) => r(x - k.lo[i]!));
    return result(values, values, k.integral, k.double, k.numpy);
  }
  if (fn === 'torch.flip' || fn === 'Tensor.flip') {
    const k = known(first(args));
    return k ? { ...k, lo: k.lo.slice().reverse(), hi: k.hi.slice().reverse(), scalar: false } : null;
  }
  if (name === 'clamp' || name === 'clip') {
    const k = known(first(args));
    if (!k) return null;
    const lo = args.min === undefined || args.min === null ? -Infinity : args.min;
    const hi = args.max === undefined || args.max === null ? Infinity : args.max;
    if (typeof lo !== 'number' || typeof hi !== 'number') return null;
    const c = (x: number) => Math.min(Math.max(x, lo), hi);
    const integral = k.integral && (Number.isInteger(lo) || lo === -Infinity) && (Number.isInteger(hi) || hi === Infinity);
    return result(k.lo.map(c), k.hi.map(c), integral, k.double, k.numpy, !k.exact);
  }
  return null;
}

/** A float sum or product whose every partial result is exact in the dtype: the same in any order. */
function exactFloatFold(k: Known, f: (s: number, x: number) => number, init: number): Known | null {
  const r = rounder(k.double);
  let acc = init;
  for (const x of k.lo) {
    const next = f(acc, x);
    if (r(next) !== next || !Number.isFinite(next)) return null;
    acc = next;
  }
  return result([acc], [acc], false, k.double, k.numpy);
}

/** `torch.unique(t)` of a tensor whose values are known: sorted distinct values, and how often each occurs. */
export function uniqueValues(input: OpValue | undefined): (Known & { counts: number[] }) | null {
  const k = known(input);
  if (!k || !k.exact || !isTensor(input) || input.shape.length > 1) return null;
  const values = [...new Set(k.lo)].sort((x, y) => x - y);
  const counts = values.map((v) => k.lo.filter((x) => x === v).length);
  return { ...k, lo: values, hi: values, scalar: false, counts };
}
