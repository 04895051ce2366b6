// The values of small 0-d and 1-d tensors that model code computes shapes from (timm's RegNet
// widths: `torch.arange(depth) * slope + w0`, `torch.round(torch.log(...))`, `.int().tolist()`;
// drop-path rates from `torch.linspace`). Shapes come from the op specs as always; this only adds
// the numbers where every input's numbers are known, and drops them everywhere else, so a value
// is either the one torch computes or absent (Unknown), never stale.
//
// Float tensors are float32: each result is rounded to float32 (Math.fround) as torch stores it.

import type { OpValue, Tensor } from './types';

/** A tensor whose values are known: at most MAX_VALUES numbers, in row-major order. */
export interface ValuedTensor extends Tensor {
  values?: number[];
  /** An integer dtype (int64 from arange of ints, int32 from .int()): tolist gives ints. */
  integral?: boolean;
}

export const MAX_VALUES = 4096;

type Known = { values: number[]; integral: boolean };

const isTensor = (v: unknown): v is ValuedTensor => typeof v === 'object' && v !== null && (v as Tensor).kind === 'tensor';

/** The known numbers of an op argument: a valued tensor, or a Python number (a 1-element broadcast). */
function known(v: OpValue | undefined): Known | null {
  if (typeof v === 'number') return { values: [v], integral: Number.isInteger(v) };
  if (typeof v === 'boolean') return { values: [v ? 1 : 0], integral: true };
  if (isTensor(v) && v.values) return { values: v.values, integral: !!v.integral };
  return null;
}

const INT_DTYPES = new Set(['int64', 'long', 'int32', 'int', 'int16', 'int8', 'uint8', 'bool']);
const FLOAT_DTYPES = new Set(['float32', 'float', 'float64', 'double', 'float16', 'half', 'bfloat16']);

function dtypeIntegral(dtype: OpValue | undefined, fallback: boolean): boolean | null {
  if (dtype === undefined || dtype === null) return fallback;
  if (typeof dtype !== 'string') return null;
  if (INT_DTYPES.has(dtype)) return true;
  if (FLOAT_DTYPES.has(dtype)) return false;
  return null;
}

const f32 = (k: Known): Known => (k.integral ? k : { values: k.values.map(Math.fround), integral: false });

/** Python-style round half to even, as torch.round does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function elementwise(a: Known, b: Known, f: (x: number, y: number) => number, integral: boolean): Known | null {
  const n = Math.max(a.values.length, b.values.length);
  if ((a.values.length !== n && a.values.length !== 1) || (b.values.length !== n && b.values.length !== 1)) return null;
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(f(a.values[a.values.length === 1 ? 0 : i]!, b.values[b.values.length === 1 ? 0 : i]!));
  if (out.some((x) => !Number.isFinite(x))) return null;
  return f32({ values: integral ? out.map(Math.trunc) : out, integral });
}

const BINARY: Record<string, { f: (x: number, y: number) => number; swap?: boolean; alwaysFloat?: boolean; floor?: boolean }> = {
  add: { f: (x, y) => x + y },
  sub: { f: (x, y) => x - y },
  mul: { f: (x, y) => x * y },
  div: { f: (x, y) => x / y, alwaysFloat: true },
  true_divide: { f: (x, y) => x / y, alwaysFloat: true },
  floor_divide: { f: (x, y) => Math.floor(x / y), floor: true },
  pow: { f: (x, y) => x ** y },
};

const DUNDER: Record<string, [string, boolean]> = {
  __add__: ['add', false], __radd__: ['add', true], __sub__: ['sub', false], __rsub__: ['sub', true],
  __mul__: ['mul', false], __rmul__: ['mul', true], __truediv__: ['div', false], __rtruediv__: ['div', true],
  __floordiv__: ['floor_divide', false], __rfloordiv__: ['floor_divide', true], __pow__: ['pow', false], __rpow__: ['pow', true],
};

const UNARY: Record<string, (x: number) => number> = {
  log: Math.log, exp: Math.exp, sqrt: Math.sqrt, abs: Math.abs, floor: Math.floor, ceil: Math.ceil,
  round: roundHalfEven, trunc: Math.trunc, neg: (x) => -x, log2: Math.log2, log10: Math.log10,
};
/** Unary ops whose result keeps an integer dtype. */
const KEEPS_INT = new Set(['abs', 'floor', 'ceil', 'round', 'trunc', 'neg']);

/** Ops that return their input's values unchanged (conversions of device or memory). */
const SAME_VALUES = new Set(['Tensor.to', 'Tensor.contiguous', 'Tensor.detach', 'torch.detach', 'Tensor.clone', 'torch.clone', 'Tensor.cpu', 'Tensor.cuda']);

function first(args: Record<string, OpValue>): OpValue | undefined {
  return args.self ?? args.input;
}

/** The values of an op's result, when the op is one of those above and all its inputs are known. */
export function computeValues(fn: string, args: Record<string, OpValue>, shape: readonly number[]): Known | null {
  const count = shape.reduce((p, x) => p * x, 1);
  if (shape.length > 1 || count > MAX_VALUES) return null;
  const dot = fn.indexOf('.');
  const name = fn.slice(dot + 1);
  if (fn === 'torch.arange') {
    let start = args.start;
    let end = args.end;
    if (end === undefined || end === null) [start, end] = [0, start];
    const step = args.step ?? 1;
    if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number') return null;
    const integral = dtypeIntegral(args.dtype, Number.isInteger(start) && Number.isInteger(end) && Number.isInteger(step));
    if (integral === null) return null;
    const values = Array.from({ length: count }, (_, i) => start as number + i * (step as number));
    return f32({ values: integral ? values.map(Math.trunc) : values, integral });
  }
  if (fn === 'torch.linspace') {
    const { start, end } = args;
    if (typeof start !== 'number' || typeof end !== 'number') return null;
    const integral = dtypeIntegral(args.dtype, false);
    if (integral === null) return null;
    // torch fills the first half from start and the second half from end.
    const step = count > 1 ? (end - start) / (count - 1) : 0;
    const half = Math.floor(count / 2);
    const values = Array.from({ length: count }, (_, i) => (i < half ? start + step * i : end - step * (count - 1 - i)));
    return f32({ values: integral ? values.map(Math.trunc) : values, integral });
  }
  if (fn === 'torch.tensor' || fn === 'torch.as_tensor') {
    const data = args.data;
    const flat = Array.isArray(data) ? data : [data];
    if (!flat.every((x) => typeof x === 'number' || typeof x === 'boolean')) return null;
    const nums = flat.map((x) => (typeof x === 'boolean' ? (x ? 1 : 0) : (x as number)));
    const integral = dtypeIntegral(args.dtype, nums.every(Number.isInteger));
    if (integral === null) return null;
    return f32({ values: integral ? nums.map(Math.trunc) : nums, integral });
  }
  if (SAME_VALUES.has(fn)) {
    const k = known(first(args));
    return k && (fn !== 'Tensor.to' || args.dtype === undefined) ? k : null;
  }
  // dtype conversions
  const conversion: Record<string, boolean> = { int: true, long: true, short: true, float: false, double: false, half: false };
  if (fn.startsWith('Tensor.') && name in conversion) {
    const k = known(args.self);
    if (!k) return null;
    const integral = conversion[name]!;
    return f32({ values: integral ? k.values.map(Math.trunc) : k.values, integral });
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
  } else if (name in BINARY && (fn.startsWith('torch.') || fn.startsWith('Tensor.'))) {
    op = name;
    a = first(args) ?? args.exponent;
    b = args.other ?? args.exponent;
    if (fn === 'torch.pow') { a = args.self ?? args.input; b = args.exponent; }
    if (args.alpha !== undefined && args.alpha !== null && args.alpha !== 1) return null;
    if (args.rounding_mode !== undefined && args.rounding_mode !== null) return null;
  }
  if (op) {
    let ka = known(a);
    let kb = known(b);
    if (!ka || !kb) return null;
    if (swap) [ka, kb] = [kb, ka];
    const spec = BINARY[op]!;
    const integral = !spec.alwaysFloat && ka.integral && kb.integral && !(op === 'pow' && kb.values.some((y) => y < 0));
    return elementwise(ka, kb, spec.f, integral);
  }
  if (name in UNARY && (fn.startsWith('torch.') || fn.startsWith('Tensor.'))) {
    const k = known(first(args));
    if (!k || (args.decimals !== undefined && args.decimals !== 0)) return null;
    const integral = k.integral && KEEPS_INT.has(name);
    const values = k.values.map(UNARY[name]!);
    if (values.some((x) => !Number.isFinite(x))) return null;
    return f32({ values, integral });
  }
  // reductions to a 0-d tensor
  if ((name === 'max' || name === 'min' || name === 'sum' || name === 'prod') && (args.dim === undefined || args.dim === null) && shape.length === 0) {
    const k = known(first(args));
    if (!k || !k.values.length) return null;
    const v = name === 'max' ? Math.max(...k.values) : name === 'min' ? Math.min(...k.values)
      : name === 'sum' ? k.values.reduce((s, x) => s + x, 0) : k.values.reduce((s, x) => s * x, 1);
    return f32({ values: [v], integral: k.integral });
  }
  if (fn === 'torch.cumsum' || fn === 'Tensor.cumsum') {
    const k = known(first(args));
    if (!k) return null;
    let acc = 0;
    return f32({ values: k.values.map((x) => (acc += x)), integral: k.integral });
  }
  return null;
}

/** `torch.unique(t)` of a tensor whose values are known: sorted distinct values, and how often each occurs. */
export function uniqueValues(input: OpValue | undefined): (Known & { counts: number[] }) | null {
  const k = known(input);
  if (!k || !isTensor(input) || input.shape.length > 1) return null;
  const values = [...new Set(k.values)].sort((x, y) => x - y);
  return { values, integral: k.integral, counts: values.map((v) => k.values.filter((x) => x === v).length) };
}
