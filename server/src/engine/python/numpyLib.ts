// NumPy as construction code uses it to compute sizes: small arrays whose values are known
// (np.arange / np.linspace / np.array, elementwise math, rounding, np.unique / np.diff / np.cumsum /
// np.prod, .astype(int).tolist()). Arrays are the interpreter's tensors flagged `numpy`: shapes go
// through the torch op catalogue, values through ops/smallValues.ts in float64, NumPy's default.
// A 0-d result whose value is exact is a Python number (np.int64 and np.float64 behave as int and
// float); one known only within bounds (np.log, np.power) stays a 0-d array, so that int() and
// np.round can still decide it. Everything else in numpy is Unknown ("not modelled").

import type { Interpreter } from './interpreter';
import { NO_KEYWORDS } from './interpreter';
import { makeClass } from './builtins';
import { withKnown, type ValuedTensor } from '../ops/smallValues';
import {
  float, int, native, NONE, str, tuple, unknown,
  type CallArgs, type ModuleObjectValue, type Site, type TensorValue, type Value,
} from './values';

/** Applies a torch op of the catalogue by canonical name (`torch.log`, `Tensor.max`), unrecorded. */
export type TorchOp = (name: string, args: CallArgs, site: Site | null) => Value;

const F64 = 'float64';

export function makeNumpy(interp: Interpreter, op: TorchOp, dtypeOf: (name: string) => Value | undefined): ModuleObjectValue {
  const np = interp.opaqueModule('numpy', 'this part of numpy is not modelled');
  const fn = (name: string, call: (args: CallArgs, site: Site | null) => Value) => native(`numpy.${name}`, call);
  const kw = (entries: [string, Value][]): CallArgs['keywords'] => (entries.length ? new Map(entries) : NO_KEYWORDS);

  const flag = (v: Value): Value => {
    if (v.kind === 'tensor') {
      const t = v as ValuedTensor;
      return t.numpy ? v : ({ ...t, numpy: true } as TensorValue);
    }
    if (v.kind === 'tuple') return tuple(v.items.map(flag));
    return v;
  };

  const hasFloat = (v: Value): boolean =>
    v.kind === 'float' || ((v.kind === 'list' || v.kind === 'tuple') && v.items.some(hasFloat));

  /** np.asarray: a numpy array of a list, tuple, number or tensor. */
  const asArray = (v: Value, site: Site | null, dtype?: Value): Value => {
    if (v.kind === 'tensor') return (v as ValuedTensor).numpy ? v : flag(v);
    if (v.kind === 'unknown') return v;
    const floats = dtype ? numpyDtype(dtype) : hasFloat(v) ? F64 : null;
    const d = floats ? dtypeOf(floats) : undefined;
    const made = op('torch.tensor', { positional: [v], keywords: kw(d ? [['dtype', d]] : []) }, site);
    return flag(made);
  };

  /** A 0-d exact result as the Python number it behaves as; other results as numpy arrays. */
  const scalarOut = (v: Value): Value => {
    if (v.kind !== 'tensor') return v;
    const t = v as ValuedTensor;
    if (t.shape.length === 0 && t.values && t.values.length === 1) return t.integral ? int(t.values[0]!) : float(t.values[0]!);
    return flag(v);
  };

  const numpyDtype = (v: Value): string | null => {
    if (v.kind === 'class') {
      if (v.name === 'int' || v.name === 'int64' || v.name === 'int_') return 'int64';
      if (v.name === 'int32') return 'int32';
      if (v.name === 'float' || v.name === 'float64' || v.name === 'double') return F64;
      if (v.name === 'float32') return 'float32';
      if (v.name === 'bool' || v.name === 'bool_') return 'bool';
      return null;
    }
    if (v.kind === 'str') return ({ int: 'int64', int64: 'int64', int32: 'int32', float: F64, float64: F64, float32: 'float32', bool: 'bool' } as Record<string, string>)[v.value] ?? null;
    return null;
  };

  // Elementwise functions: numpy's name → the torch op that computes the same values.
  const UNARY: Record<string, string> = {
    sqrt: 'torch.sqrt', log: 'torch.log', log2: 'torch.log2', log10: 'torch.log10', exp: 'torch.exp', floor: 'torch.floor',
    ceil: 'torch.ceil', trunc: 'torch.trunc', fix: 'torch.trunc', rint: 'torch.round', abs: 'torch.abs', absolute: 'torch.abs',
    negative: 'torch.neg', sign: 'torch.sign',
  };
  for (const [name, torchName] of Object.entries(UNARY)) {
    np.attrs.set(name, fn(name, (args, site) => {
      const x = asArray(args.positional[0] ?? NONE, site);
      if (x.kind !== 'tensor') return unknown(`numpy.${name} of a value the analysis does not know`, site);
      return scalarOut(op(torchName, { positional: [x], keywords: NO_KEYWORDS }, site));
    }));
  }
  const round = fn('round', (args, site) => {
    const decimals = args.positional[1] ?? args.keywords.get('decimals');
    if (decimals && !(decimals.kind === 'int' && decimals.value === 0)) return unknown('numpy.round with decimals is not modelled', site);
    const x = asArray(args.positional[0] ?? NONE, site);
    if (x.kind !== 'tensor') return unknown('numpy.round of a value the analysis does not know', site);
    return scalarOut(op('torch.round', { positional: [x], keywords: NO_KEYWORDS }, site));
  });
  np.attrs.set('round', round);
  np.attrs.set('around', round);
  np.attrs.set('round_', round);

  const BINARY: Record<string, string> = {
    add: 'torch.add', subtract: 'torch.sub', multiply: 'torch.mul', divide: 'torch.div', true_divide: 'torch.div',
    floor_divide: 'torch.floor_divide', power: 'torch.pow', maximum: 'torch.maximum', minimum: 'torch.minimum',
  };
  for (const [name, torchName] of Object.entries(BINARY)) {
    np.attrs.set(name, fn(name, (args, site) => {
      const [a, b] = args.positional;
      if (!a || !b) return interp.raise('TypeError', `${name}() takes from 2 to 3 positional arguments`, site);
      const x = asArray(a, site);
      const y = b.kind === 'int' || b.kind === 'float' ? b : asArray(b, site);
      if (x.kind !== 'tensor' || (y.kind !== 'tensor' && y.kind !== 'int' && y.kind !== 'float')) {
        return unknown(`numpy.${name} of a value the analysis does not know`, site);
      }
      // A float64 scalar base: a Python float is promoted with the array as numpy does.
      return scalarOut(op(torchName, { positional: [x, y], keywords: NO_KEYWORDS }, site));
    }));
  }

  /** Reductions over the whole array (axis=None); with an axis, shape-only. */
  const reduction = (name: string, torchName: string) =>
    np.attrs.set(name, fn(name, (args, site) => {
      const x = asArray(args.positional[0] ?? NONE, site);
      if (x.kind !== 'tensor') return unknown(`numpy.${name} of a value the analysis does not know`, site);
      const axis = args.positional[1] ?? args.keywords.get('axis');
      const positional = axis && axis.kind !== 'none' ? [x, axis] : [x];
      return scalarOut(op(torchName, { positional, keywords: NO_KEYWORDS }, site));
    }));
  reduction('prod', 'torch.prod');
  reduction('sum', 'torch.sum');
  reduction('max', 'torch.amax');
  reduction('amax', 'torch.amax');
  reduction('min', 'torch.amin');
  reduction('amin', 'torch.amin');
  for (const name of ['cumsum', 'cumprod'] as const) {
    np.attrs.set(name, fn(name, (args, site) => {
      const x = asArray(args.positional[0] ?? NONE, site);
      if (x.kind !== 'tensor') return unknown(`numpy.${name} of a value the analysis does not know`, site);
      const axis = args.positional[1] ?? args.keywords.get('axis');
      // axis=None flattens first.
      const flat = axis && axis.kind !== 'none' ? x : op('torch.flatten', { positional: [x], keywords: NO_KEYWORDS }, site);
      return flag(op(`torch.${name}`, { positional: [flat, axis && axis.kind !== 'none' ? axis : int(0)], keywords: NO_KEYWORDS }, site));
    }));
  }
  np.attrs.set('diff', fn('diff', (args, site) => {
    const x = asArray(args.positional[0] ?? NONE, site);
    if (x.kind !== 'tensor') return unknown('numpy.diff of a value the analysis does not know', site);
    const keywords = new Map<string, Value>();
    for (const k of ['n', 'axis']) {
      const v = args.keywords.get(k);
      if (v) keywords.set(k === 'axis' ? 'dim' : k, v);
    }
    return flag(op('torch.diff', { positional: [x], keywords }, site));
  }));
  np.attrs.set('unique', fn('unique', (args, site) => {
    if (args.keywords.size) return unknown('numpy.unique with options is not modelled', site);
    const x = asArray(args.positional[0] ?? NONE, site);
    if (x.kind !== 'tensor') return unknown('numpy.unique of a value the analysis does not know', site);
    return flag(op('torch.unique', { positional: [op('torch.flatten', { positional: [x], keywords: NO_KEYWORDS }, site)], keywords: NO_KEYWORDS }, site));
  }));
  np.attrs.set('clip', fn('clip', (args, site) => {
    const [a, lo, hi] = args.positional;
    const x = asArray(a ?? NONE, site);
    if (x.kind !== 'tensor') return unknown('numpy.clip of a value the analysis does not know', site);
    return scalarOut(op('torch.clamp', { positional: [x, lo ?? NONE, hi ?? NONE], keywords: NO_KEYWORDS }, site));
  }));

  // Construction.
  const array = fn('array', (args, site) => asArray(args.positional[0] ?? NONE, site, args.keywords.get('dtype') ?? args.positional[1]));
  np.attrs.set('array', array);
  np.attrs.set('asarray', array);
  np.attrs.set('arange', fn('arange', (args, site) => {
    const nums = args.positional;
    if (!nums.length || nums.some((v) => v.kind !== 'int' && v.kind !== 'float')) return unknown('numpy.arange of values the analysis does not know', site);
    const floats = nums.some((v) => v.kind === 'float');
    const dtype = args.keywords.get('dtype');
    const d = dtype ? numpyDtype(dtype) : floats ? F64 : 'int64';
    if (!d) return unknown('numpy.arange with this dtype is not modelled', site);
    const [start, end, step] = nums.length === 1 ? [int(0), nums[0]!, int(1)] : [nums[0]!, nums[1]!, nums[2] ?? int(1)];
    const made = op('torch.arange', { positional: [start, end, step], keywords: kw([['dtype', dtypeOf(d)!]]) }, site);
    if (made.kind !== 'tensor' || d !== F64) return flag(made);
    // numpy fills start + i·delta with delta = (start + step) − start.
    const s = (start as { value: number }).value;
    const delta = (s + (step as { value: number }).value) - s;
    const values = Array.from({ length: made.shape[0]! }, (_, i) => s + i * delta);
    return flag(withKnown(made, { lo: values, hi: values, exact: true, integral: false, double: true, numpy: true, scalar: false }) as TensorValue);
  }));
  np.attrs.set('linspace', fn('linspace', (args, site) => {
    const [start, stop, numArg] = args.positional;
    const num = numArg ?? args.keywords.get('num') ?? int(50);
    const endpoint = args.keywords.get('endpoint');
    if (endpoint || args.keywords.get('dtype') || args.keywords.get('retstep')) return unknown('numpy.linspace with options is not modelled', site);
    if (!start || !stop || (start.kind !== 'int' && start.kind !== 'float') || (stop.kind !== 'int' && stop.kind !== 'float') || num.kind !== 'int') {
      return unknown('numpy.linspace of values the analysis does not know', site);
    }
    const made = op('torch.empty', { positional: [num], keywords: NO_KEYWORDS }, site);
    if (made.kind !== 'tensor') return made;
    const n = num.value;
    const a = start.value;
    const b = stop.value;
    // numpy: y = arange(n) * step + start, the last set to stop; a zero step scales i / div by delta.
    const div = n - 1;
    const delta = b - a;
    const step = div > 0 ? delta / div : NaN;
    const values = Array.from({ length: n }, (_, i) => (div > 0 && step === 0 ? (i / div) * delta + a : div > 0 ? i * step + a : a));
    if (n > 1) values[n - 1] = b;
    return flag(withKnown({ ...made, geometry: null }, { lo: values, hi: values, exact: true, integral: false, double: true, numpy: true, scalar: false }) as TensorValue);
  }));
  for (const name of ['zeros', 'ones', 'empty'] as const) {
    np.attrs.set(name, fn(name, (args, site) => flag(op(`torch.${name}`, { positional: [args.positional[0] ?? NONE], keywords: NO_KEYWORDS }, site))));
  }

  // dtypes and constants.
  const object = interp.objectClass;
  for (const name of ['int64', 'int32', 'int16', 'int8', 'uint8', 'float64', 'float32', 'float16', 'bool_', 'int_', 'float_', 'double', 'intc']) {
    np.attrs.set(name, makeClass(name, [object], {}, 'numpy'));
  }
  np.attrs.set('ndarray', makeClass('ndarray', [object], { instanceCheck: (v) => v.kind === 'tensor' && !!(v as ValuedTensor).numpy }, 'numpy'));
  np.attrs.set('pi', float(Math.PI));
  np.attrs.set('e', float(Math.E));
  np.attrs.set('inf', float(Infinity));
  np.attrs.set('newaxis', NONE);
  np.attrs.set('__version__', str('1.24.2'));
  np.attrs.set('__name__', str('numpy'));
  return np;
}

/** `arr.astype(dtype)` of a numpy array. */
export function astype(op: TorchOp, t: TensorValue, dtype: Value, site: Site | null): Value {
  const name = dtype.kind === 'class' ? dtype.name : dtype.kind === 'str' ? dtype.value : '';
  const integral = /^(int|int_|int64|int32|int16|int8|uint8|intc|long)$/.test(name);
  const floating = /^(float|float_|float64|double)$/.test(name);
  if (!integral && !floating) return unknown(`astype(${name || 'an unknown dtype'}) is not modelled`, site);
  const converted = op(integral ? 'Tensor.long' : 'Tensor.double', { positional: [t], keywords: NO_KEYWORDS }, site);
  return converted.kind === 'tensor' ? ({ ...converted, numpy: true } as TensorValue) : converted;
}
