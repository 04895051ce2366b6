// Python's builtins as the interpreter needs them: types (int, list, ...), functions (len, zip,
// isinstance, super, ...), exceptions, and the methods of str, list, dict, set and tuple.

import { computeMro, identical, PyError, rangeLength, type Interpreter } from './interpreter';
import { installDynamicCode } from './dynamicCode';
import { formatSpec, orderValues, valuesEqual } from './operators';
import { truncatedValue, unreadableReason } from '../ops/smallValues';
import {
  bool, dict, dictGet, dictSet, float, hashKey, int, intFromBig, isNumber, iterator, list, native, newId, NONE,
  numberOf, repr, set as makeSet, str, subclassOf, toStr, tuple, typeName, unknown,
  type CallArgs, type ClassValue, type NativeCall, type Site, type Value,
} from './values';

type Method = (self: Value, args: CallArgs, site: Site | null) => Value;

export function makeClass(name: string, bases: ClassValue[], extra: Partial<ClassValue> = {}, moduleName = 'builtins'): ClassValue {
  const cls: ClassValue = {
    kind: 'class', id: newId(), name, qualname: name, bases, mro: [], attrs: new Map(), moduleName, site: null, ...extra,
  };
  cls.mro = computeMro(cls);
  return cls;
}

const noKw = (interp: Interpreter, name: string, args: CallArgs, site: Site | null): void => {
  if (args.keywords.size) interp.raise('TypeError', `${name}() takes no keyword arguments`, site);
};

export function installBuiltins(interp: Interpreter): void {
  const b = interp.builtins;
  const def = (name: string, call: NativeCall) => b.set(name, native(name, call));
  const arg = (args: CallArgs, i: number, name: string): Value | undefined => args.positional[i] ?? args.keywords.get(name);

  // ----- object, type and the builtin types -----
  const object = makeClass('object', []);
  object.mro = [object];
  object.attrs.set('__init__', native('object.__init__', () => NONE, true));
  // `super().__new__(cls)` in a user `__new__`: a new, uninitialised instance.
  object.attrs.set('__new__', native('object.__new__', (args, site) => {
    const cls = args.positional[0];
    if (cls?.kind !== 'class') return unknown('object.__new__ of an unknown class', site);
    return interp.instantiateBare(cls, site);
  }));
  // `object.__getattribute__(obj, name)`: ordinary attribute lookup without the class's `__getattr__`.
  object.attrs.set('__getattribute__', native('object.__getattribute__', (args, site) => {
    const [self, name] = args.positional;
    if (!self || name?.kind !== 'str') return unknown('object.__getattribute__ with an unknown name', site);
    return interp.getAttr(self, name.value, site);
  }));
  // `object.__setattr__(self, name, value)` stores without the class's own `__setattr__` (torch's
  // registration included, as in Python); `self.__setattr__(...)` finds the class's first.
  object.attrs.set('__setattr__', native('object.__setattr__', (args, site) => {
    const [self, name, value] = args.positional;
    if (!self || !name || !value) return interp.raise('TypeError', `expected 3 arguments, got ${args.positional.length}`, site);
    if (name.kind === 'unknown') {
      interp.noteProblem(site, `__setattr__ was not followed: the name is unknown (${name.reason})`);
      return NONE;
    }
    if (name.kind !== 'str') return interp.raise('TypeError', `attribute name must be string, not '${typeName(name)}'`, site);
    if (self.kind === 'instance') {
      interp.noteWrite(self);
      self.attrs.set(name.value, value);
    } else interp.setAttr(self, name.value, value, site);
    return NONE;
  }, true));
  object.attrs.set('__delattr__', native('object.__delattr__', (args, site) => interp.call(b.get('delattr')!, args, site), true));
  interp.objectClass = object;
  b.set('object', object);

  const builtinType = (name: string, check: (v: Value) => boolean, construct: NativeCall): ClassValue => {
    const cls = makeClass(name, [object], { construct, instanceCheck: check });
    b.set(name, cls);
    return cls;
  };

  /** The number a one-element tensor holds, when the analysis knows it (ops/smallValues.ts). */
  const tensorNumber = (v: Value): number | null => {
    const values = (v as { values?: number[] }).values;
    return v.kind === 'tensor' && values && values.length === 1 ? values[0]! : null;
  };
  const toInt = (v: Value, site: Site | null): Value => {
    if (v.kind === 'tensor') {
      // Bounded values (torch's float32 log, NumPy's log) still give one int when they truncate alike.
      const t = truncatedValue(v);
      return t !== null ? int(t) : unknown(`int() of ${unreadableReason(v)}`, site);
    }
    if (v.kind === 'unknown') return v;
    if (v.kind === 'int') return v.big === undefined ? int(v.value) : intFromBig(v.big);
    if (isNumber(v)) {
      const t = Math.trunc(numberOf(v));
      if (!Number.isFinite(t)) return interp.raise(Number.isNaN(t) ? 'ValueError' : 'OverflowError', Number.isNaN(t) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer', site);
      // A float past 2^53 is an exact integer in binary: its bigint is exact too.
      return Number.isSafeInteger(t) ? int(t) : intFromBig(BigInt(t));
    }
    if (v.kind === 'str') {
      const text = v.value.trim().replace(/_/g, '');
      if (!/^[-+]?\d+$/.test(text)) interp.raise('ValueError', `invalid literal for int() with base 10: ${repr(v)}`, site);
      return intFromBig(BigInt(text));
    }
    return interp.raise('TypeError', `int() argument must be a string or a number, not '${typeName(v)}'`, site);
  };
  const intType = builtinType('int', (v) => v.kind === 'int' || v.kind === 'bool', (args, site) => {
    const v = args.positional[0];
    if (!v) return int(0);
    if (args.positional[1] && v.kind === 'str' && args.positional[1].kind === 'int') return int(parseInt(v.value, args.positional[1].value));
    return toInt(v, site);
  });
  builtinType('float', (v) => v.kind === 'float', (args, site) => {
    const v = args.positional[0];
    if (!v) return float(0);
    if (v.kind === 'unknown') return v;
    if (isNumber(v)) return float(numberOf(v));
    if (v.kind === 'str') {
      const t = v.value.trim().toLowerCase();
      const n = t === 'inf' || t === '+inf' ? Infinity : t === '-inf' ? -Infinity : t === 'nan' ? NaN : Number(t);
      if (Number.isNaN(n) && t !== 'nan') interp.raise('ValueError', `could not convert string to float: ${repr(v)}`, site);
      return float(n);
    }
    if (tensorNumber(v) !== null) return float(tensorNumber(v)!);
    if (v.kind === 'tensor') return unknown(`float() of ${unreadableReason(v)}`, site);
    return interp.raise('TypeError', `float() argument must be a string or a number`, site);
  });
  const boolType = builtinType('bool', (v) => v.kind === 'bool', (args) => {
    const v = args.positional[0];
    if (!v) return bool(false);
    if (v.kind === 'unknown') return v;
    return bool(interp.truthy(v));
  });
  boolType.bases = [intType];
  boolType.mro = computeMro(boolType);
  builtinType('str', (v) => v.kind === 'str', (args) => {
    const v = args.positional[0];
    return str(v ? interp.strOf(v) : '');
  });
  // `cls` is passed by instantiate: a subclass (`class Path(list): pass`) keeps its class.
  const subclassOf = (args: CallArgs, base: ClassValue): ClassValue | undefined => {
    const cls = (args as CallArgs & { cls?: ClassValue }).cls;
    return cls && cls !== base ? cls : undefined;
  };
  const listType: ClassValue = builtinType('list', (v) => v.kind === 'list', (args, site) => {
    const v = args.positional[0];
    if (v && v.kind === 'unknown') return v;
    const made = list(v ? interp.toArray(v, site) : []);
    const cls = subclassOf(args, listType);
    if (cls) made.cls = cls;
    return made;
  });
  // `super().__init__(iterable)` in a list subclass fills the list.
  listType.attrs.set('__init__', native('list.__init__', (args, site) => {
    const [self, v] = args.positional;
    if (self?.kind !== 'list') return NONE;
    if (v?.kind === 'unknown') return interp.raise('TypeError', `list() of ${v.reason}`, site);
    self.items = v ? interp.toArray(v, site) : [];
    return NONE;
  }, true));
  const tupleType: ClassValue = builtinType('tuple', (v) => v.kind === 'tuple', (args, site) => {
    const v = args.positional[0];
    if (v && v.kind === 'unknown') return v;
    const cls = subclassOf(args, tupleType);
    return { kind: 'tuple', items: v ? interp.toArray(v, site) : [], ...(cls ? { cls } : {}) };
  });
  // `super().__new__(cls, items)` in a tuple subclass's `__new__` (implicitly a staticmethod).
  tupleType.attrs.set('__new__', native('tuple.__new__', (args, site) => {
    const [cls, v] = args.positional;
    if (v?.kind === 'unknown') return v;
    const items = v ? interp.toArray(v, site) : [];
    return { kind: 'tuple', items, ...(cls?.kind === 'class' && cls !== tupleType ? { cls } : {}) };
  }));
  const dictType = builtinType('dict', (v) => v.kind === 'dict', (args, site) => makeDict(interp, args, site));
  // `super().__init__(...)` in a dict subclass fills the dict.
  dictType.attrs.set('__init__', native('dict.__init__', (args, site) => {
    const [self, ...rest] = args.positional;
    if (self?.kind !== 'dict') return NONE;
    const made = makeDict(interp, { positional: rest, keywords: args.keywords }, site);
    if (made.kind === 'unknown') return interp.raise('TypeError', `dict() of ${made.reason}`, site);
    if (made.kind === 'dict') for (const [k, e] of made.entries) self.entries.set(k, e);
    return NONE;
  }, true));
  builtinType('set', (v) => v.kind === 'set' && !v.frozen, (args, site) => makeSet(args.positional[0] ? interp.toArray(args.positional[0], site) : []));
  // bytes values are not modelled: the type exists for isinstance and annotations.
  builtinType('bytes', () => false, (_args, site) => unknown('bytes values are not modelled', site));
  builtinType('bytearray', () => false, (_args, site) => unknown('bytearray values are not modelled', site));
  builtinType('frozenset', (v) => v.kind === 'set' && v.frozen, (args, site) => makeSet(args.positional[0] ? interp.toArray(args.positional[0], site) : [], true));
  builtinType('range', (v) => v.kind === 'range', (args, site) => {
    noKw(interp, 'range', args, site);
    const nums = args.positional.map((v) => {
      if (v.kind === 'unknown') return null;
      if (!isNumber(v) || v.kind === 'float') interp.raise('TypeError', `'${typeName(v)}' object cannot be interpreted as an integer`, site);
      return numberOf(v);
    });
    if (nums.some((n) => n === null)) return unknown('range over an unknown bound', site);
    const [a, bnd, c] = nums as number[];
    if (nums.length === 1) return { kind: 'range', start: 0, stop: a!, step: 1 };
    if (c === 0) interp.raise('ValueError', 'range() arg 3 must not be zero', site);
    return { kind: 'range', start: a!, stop: bnd!, step: c ?? 1 };
  });
  builtinType('slice', (v) => v.kind === 'slice', (args) => {
    const p = args.positional;
    if (p.length === 1) return { kind: 'slice', start: NONE, stop: p[0]!, step: NONE };
    return { kind: 'slice', start: p[0] ?? NONE, stop: p[1] ?? NONE, step: p[2] ?? NONE };
  });
  const typeType = builtinType('type', (v) => v.kind === 'class', (args, site) => {
    if (args.positional.length === 1) return interp.typeOf(args.positional[0]!);
    const [name, bases, ns] = args.positional;
    if (name?.kind !== 'str' || bases?.kind !== 'tuple' || ns?.kind !== 'dict') return unknown('type() with three arguments', site);
    const cls = makeClass(name.value, bases.items.filter((x): x is ClassValue => x.kind === 'class'));
    if (!cls.bases.length) { cls.bases = [object]; cls.mro = computeMro(cls); }
    for (const e of ns.entries.values()) if (e.key.kind === 'str') cls.attrs.set(e.key.value, e.value);
    return cls;
  });
  void typeType;

  // ----- exceptions -----
  const baseException = makeClass('BaseException', [object], { isException: true });
  baseException.attrs.set('__init__', native('BaseException.__init__', (args) => {
    const self = args.positional[0];
    if (self?.kind === 'instance') self.attrs.set('args', tuple(args.positional.slice(1)));
    return NONE;
  }, true));
  const exc = (name: string, base: ClassValue): ClassValue => {
    const cls = makeClass(name, [base], { isException: true });
    b.set(name, cls);
    interp.exceptionClasses.set(name, cls);
    return cls;
  };
  b.set('BaseException', baseException);
  interp.exceptionClasses.set('BaseException', baseException);
  const exception = exc('Exception', baseException);
  const lookupError = exc('LookupError', exception);
  const arithmetic = exc('ArithmeticError', exception);
  for (const name of ['ValueError', 'TypeError', 'AttributeError', 'RuntimeError', 'NameError', 'AssertionError',
    'ImportError', 'StopIteration', 'MemoryError', 'SyntaxError', 'OSError', 'EnvironmentError', 'IOError', 'Warning']) exc(name, exception);
  exc('NotImplementedError', interp.exceptionClasses.get('RuntimeError')!);
  exc('RecursionError', interp.exceptionClasses.get('RuntimeError')!);
  exc('ModuleNotFoundError', interp.exceptionClasses.get('ImportError')!);
  exc('UnboundLocalError', interp.exceptionClasses.get('NameError')!);
  exc('FileNotFoundError', interp.exceptionClasses.get('OSError')!);
  exc('KeyError', lookupError);
  exc('IndexError', lookupError);
  exc('ZeroDivisionError', arithmetic);
  exc('OverflowError', arithmetic);
  for (const name of ['UserWarning', 'DeprecationWarning', 'FutureWarning', 'RuntimeWarning', 'PendingDeprecationWarning']) {
    exc(name, interp.exceptionClasses.get('Warning')!);
  }
  b.set('NotImplemented', unknown('NotImplemented'));
  b.set('Ellipsis', { kind: 'ellipsis' });
  b.set('__debug__', bool(true));
  b.set('__name__', str('builtins'));

  // ----- functions -----
  def('len', (args, site) => {
    const v = args.positional[0];
    if (!v) return interp.raise('TypeError', 'len() takes exactly one argument (0 given)', site);
    return lengthOf(interp, v, site);
  });
  def('isinstance', (args, site) => {
    const [v, types] = args.positional;
    if (!v || !types) return interp.raise('TypeError', 'isinstance expected 2 arguments', site);
    return isInstance(interp, v, types);
  });
  def('issubclass', (args) => {
    const [c, types] = args.positional;
    if (c?.kind !== 'class') return unknown('issubclass of a non-class');
    const check = (t: Value): boolean => (t.kind === 'tuple' ? t.items.some(check) : t.kind === 'class' && c.mro.includes(t));
    return bool(check(types ?? NONE));
  });
  def('hasattr', (args, site) => {
    const [o, n] = args.positional;
    if (!o || n?.kind !== 'str') return unknown('hasattr with an unknown name');
    if (o.kind === 'unknown') return o;
    try {
      const v = interp.getAttr(o, n.value, site);
      // Not modelled is not absent: the branch that tests it is not followed either way.
      return v.kind === 'unknown' ? unknown(`hasattr(…, '${n.value}'): ${v.reason}`, site) : bool(true);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      return e.limitation ? unknown(`hasattr(…, '${n.value}'): ${e.pyMessage} (ConvLens does not model it)`, site) : bool(false);
    }
  });
  def('getattr', (args, site) => {
    const [o, n, d] = args.positional;
    if (!o || !n) return interp.raise('TypeError', 'getattr expected at least 2 arguments', site);
    if (n.kind !== 'str') return unknown('getattr with an unknown name', site);
    if (d === undefined) return interp.getAttr(o, n.value, site);
    try {
      return interp.getAttr(o, n.value, site);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      return e.limitation ? unknown(`getattr(…, '${n.value}', default): ${e.pyMessage} (ConvLens does not model it)`, site) : d;
    }
  });
  def('setattr', (args, site) => {
    const [o, n, v] = args.positional;
    if (!o || !n || !v) return interp.raise('TypeError', `setattr expected 3 arguments, got ${args.positional.length}`, site);
    if (n.kind === 'str') interp.setAttr(o, n.value, v, site);
    else if (n.kind === 'unknown') interp.noteProblem(site, `setattr was not followed: the name is unknown (${n.reason})`);
    else interp.raise('TypeError', `attribute name must be string, not '${typeName(n)}'`, site);
    return NONE;
  });
  def('delattr', (args) => {
    const [o, n] = args.positional;
    if (o?.kind === 'instance' && n?.kind === 'str') {
      o.attrs.delete(n.value);
      o.module?.modules.delete(n.value);
    }
    return NONE;
  });
  def('callable', (args) => {
    const v = args.positional[0];
    if (!v) return bool(false);
    if (v.kind === 'unknown') return v;
    if (v.kind === 'instance') return bool(!!interp.lookupClassAttr(v.cls, '__call__'));
    return bool(['function', 'native', 'class', 'method'].includes(v.kind));
  });
  def('iter', (args, site) => iterator(interp.toArray(args.positional[0] ?? NONE, site)));
  def('next', (args, site) => {
    const [it, d] = args.positional;
    if (it?.kind === 'iterator') {
      if (it.index < it.items.length) return it.items[it.index++]!;
      if (d) return d;
      return interp.raise('StopIteration', '', site);
    }
    if (it?.kind === 'unknown') return it;
    const items = interp.toArray(it ?? NONE, site);
    if (items.length) return items[0]!;
    return d ?? interp.raise('StopIteration', '', site);
  });
  def('enumerate', (args, site) => {
    const v = arg(args, 0, 'iterable');
    if (v?.kind === 'unknown') return v;
    const start = arg(args, 1, 'start');
    const s = start && isNumber(start) ? numberOf(start) : 0;
    return iterator(interp.toArray(v ?? NONE, site).map((x, i) => tuple([int(i + s), x])));
  });
  def('zip', (args, site) => {
    if (args.positional.some((v) => v.kind === 'unknown')) return unknown('zip of an unknown iterable', site);
    const arrays = args.positional.map((v) => interp.toArray(v, site));
    const n = arrays.length ? Math.min(...arrays.map((a) => a.length)) : 0;
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(tuple(arrays.map((a) => a[i]!)));
    return iterator(out);
  });
  def('map', (args, site) => {
    const [fn, ...its] = args.positional;
    if (!fn || its.some((v) => v.kind === 'unknown')) return unknown('map over an unknown iterable', site);
    const arrays = its.map((v) => interp.toArray(v, site));
    const n = arrays.length ? Math.min(...arrays.map((a) => a.length)) : 0;
    const out: Value[] = [];
    for (let i = 0; i < n; i++) out.push(interp.call(fn, { positional: arrays.map((a) => a[i]!), keywords: new Map() }, site));
    return iterator(out);
  });
  def('filter', (args, site) => {
    const [fn, it] = args.positional;
    if (!it || it.kind === 'unknown') return unknown('filter over an unknown iterable', site);
    return iterator(interp.toArray(it, site).filter((x) =>
      interp.truthy(!fn || fn.kind === 'none' ? x : interp.call(fn, { positional: [x], keywords: new Map() }, site))));
  });
  def('reversed', (args, site) => {
    const v = args.positional[0] ?? NONE;
    if (v.kind === 'unknown') return v;
    return iterator(interp.toArray(v, site).reverse());
  });
  def('sorted', (args, site) => {
    const v = args.positional[0] ?? NONE;
    if (v.kind === 'unknown') return v;
    return list(sortValues(interp, interp.toArray(v, site), args.keywords.get('key'), args.keywords.get('reverse'), site));
  });
  const minmax = (name: 'min' | 'max') => (args: CallArgs, site: Site | null): Value => {
    const items = args.positional.length === 1 ? interp.toArray(args.positional[0]!, site) : args.positional;
    if (items.some((v) => v.kind === 'unknown')) return unknown(`${name}() of unknown values`, site);
    if (items.some((v) => v.kind === 'tensor')) return unknown(`${name}() of tensor values`, site);
    if (!items.length) {
      const d = args.keywords.get('default');
      if (d) return d;
      return interp.raise('ValueError', `${name}() arg is an empty sequence`, site);
    }
    const key = args.keywords.get('key');
    const keyed = items.map((v) => [key ? interp.call(key, { positional: [v], keywords: new Map() }, site) : v, v] as const);
    let best = keyed[0]!;
    for (const k of keyed.slice(1)) {
      const o = orderValues(k[0], best[0]);
      if (o === null) return unknown(`${name}() of incomparable values`, site);
      if (name === 'min' ? o < 0 : o > 0) best = k;
    }
    return best[1];
  };
  def('min', minmax('min'));
  def('max', minmax('max'));
  def('sum', (args, site) => {
    const items = interp.toArray(args.positional[0] ?? NONE, site);
    let acc: Value = args.positional[1] ?? args.keywords.get('start') ?? int(0);
    for (const v of items) acc = interp.binary('+', acc, v, site);
    return acc;
  });
  def('abs', (args, site) => {
    const v = args.positional[0] ?? NONE;
    if (v.kind === 'int' && v.big !== undefined) return intFromBig(v.big < 0n ? -v.big : v.big);
    if (isNumber(v)) return v.kind === 'float' ? float(Math.abs(v.value)) : int(Math.abs(numberOf(v)));
    if (v.kind === 'tensor' || v.kind === 'unknown') return v;
    return interp.raise('TypeError', `bad operand type for abs(): '${typeName(v)}'`, site);
  });
  def('round', (args, site) => {
    const v = args.positional[0] ?? NONE;
    const nd = args.positional[1] ?? args.keywords.get('ndigits');
    if (v.kind === 'unknown') return v;
    if (!isNumber(v)) return interp.raise('TypeError', 'round() of a non-number', site);
    const x = numberOf(v);
    if (!nd || nd.kind === 'none') return int(roundHalfEven(x));
    const p = 10 ** numberOf(nd as never);
    return float(roundHalfEven(x * p) / p);
  });
  def('divmod', (args, site) => tuple([interp.binary('//', args.positional[0]!, args.positional[1]!, site), interp.binary('%', args.positional[0]!, args.positional[1]!, site)]));
  def('pow', (args, site) => interp.binary('**', args.positional[0]!, args.positional[1]!, site));
  def('any', (args, site) => {
    const v = args.positional[0] ?? NONE;
    if (v.kind === 'unknown') return v;
    const items = interp.toArray(v, site);
    if (items.some((x) => x.kind !== 'unknown' && interp.truthy(x))) return bool(true);
    return items.some((x) => x.kind === 'unknown') ? unknown('any() of unknown values', site) : bool(false);
  });
  def('all', (args, site) => {
    const v = args.positional[0] ?? NONE;
    if (v.kind === 'unknown') return v;
    const items = interp.toArray(v, site);
    if (items.some((x) => x.kind !== 'unknown' && !interp.truthy(x))) return bool(false);
    return items.some((x) => x.kind === 'unknown') ? unknown('all() of unknown values', site) : bool(true);
  });
  def('print', () => NONE);
  def('input', (_a, site) => unknown('input() is not analysed', site));
  def('open', (_a, site) => unknown('files are not read by the analysis', site));
  def('repr', (args) => str(repr(args.positional[0] ?? NONE)));
  def('ascii', (args) => str(repr(args.positional[0] ?? NONE)));
  def('format', (args) => str(formatSpec(args.positional[0] ?? NONE, args.positional[1]?.kind === 'str' ? args.positional[1].value : '')));
  def('id', (args) => int(hashKey(args.positional[0] ?? NONE).length));
  def('hash', (args) => int(hashKey(args.positional[0] ?? NONE).length));
  def('chr', (args) => str(String.fromCharCode(numberOf(args.positional[0] as never))));
  def('ord', (args) => int((args.positional[0] as { value: string }).value.charCodeAt(0)));
  def('hex', (args) => str(`0x${numberOf(args.positional[0] as never).toString(16)}`));
  def('bin', (args) => str(`0b${numberOf(args.positional[0] as never).toString(2)}`));
  // vars() of the caller's scope: dynamicCode.ts.
  def('vars', (args, site) => {
    const v = args.positional[0];
    if (!v) return unknown('vars() of an unknown scope', site);
    if (v.kind === 'unknown') return v;
    if (v.kind === 'instance' || v.kind === 'class' || v.kind === 'pymodule' || v.kind === 'function') {
      return dict([...v.attrs].map(([k, x]) => [str(k), x]));
    }
    return interp.raise('TypeError', 'vars() argument must have __dict__ attribute', site);
  });
  def('dir', (args, site) => {
    const v = args.positional[0];
    if (!v) return unknown('dir() of the current scope is not modelled', site);
    const names = new Set<string>();
    const classNames = (c: ClassValue) => { for (const k of c.attrs.keys()) names.add(k); };
    switch (v.kind) {
      case 'pymodule':
        for (const k of v.attrs.keys()) names.add(k);
        for (const k of v.names?.() ?? []) names.add(k);
        break;
      case 'instance':
        for (const k of v.attrs.keys()) names.add(k);
        for (const k of v.module?.modules.keys() ?? []) names.add(k);
        for (const k of v.module?.parameters.keys() ?? []) names.add(k);
        for (const k of v.module?.buffers.keys() ?? []) names.add(k);
        v.cls.mro.forEach(classNames);
        break;
      case 'class':
        v.mro.forEach(classNames);
        break;
      case 'unknown':
      case 'tensor':
        return unknown(`dir() of ${v.kind === 'unknown' ? v.reason : 'a tensor'}`, site);
      default:
        for (const k of interp.builtinMethodTable(v.kind)?.keys() ?? []) names.add(k);
    }
    return list([...names].sort().map(str));
  });
  def('__import__', (args, site) => {
    const n = args.positional[0];
    if (n?.kind !== 'str') return unknown('__import__ of an unknown name', site);
    return interp.lib.nativeModule(n.value) ?? unknown(`module '${n.value}' is not available`, site);
  });
  b.set('super', native('super', (args, site) => {
    if (args.positional.length >= 2) {
      const [cls, self] = args.positional;
      if (cls?.kind === 'class' && self) return { kind: 'super', cls, self };
      return unknown('super() with unknown arguments', site);
    }
    // Zero-argument super(): the class whose body defines the running method, and its `self`.
    const frame = interp.currentFrame();
    if (!frame) return interp.raise('RuntimeError', 'super(): no arguments', site);
    return { kind: 'super', cls: frame.cls, self: frame.self };
  }));
  b.set('property', makeClass('property', [object], {
    construct: (args) => {
      const getter = args.positional[0] ?? args.keywords.get('fget') ?? NONE;
      const setter = args.positional[1] ?? args.keywords.get('fset') ?? null;
      return { kind: 'property', getter, setter: setter && setter.kind !== 'none' ? setter : null };
    },
  }));
  b.set('staticmethod', makeClass('staticmethod', [object], { construct: (args) => ({ kind: 'staticmethod', func: args.positional[0] ?? NONE }) }));
  b.set('classmethod', makeClass('classmethod', [object], { construct: (args) => ({ kind: 'classmethod', func: args.positional[0] ?? NONE }) }));

  installMethods(interp, dictType);
  installDynamicCode(interp);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function makeDict(interp: Interpreter, args: CallArgs & { cls?: ClassValue }, site: Site | null): Value {
  const d = dict([], args.cls && args.cls.name !== 'dict' ? args.cls : undefined);
  const src = args.positional[0];
  if (src) {
    if (src.kind === 'unknown') return src;
    if (src.kind === 'dict') for (const e of src.entries.values()) dictSet(d, e.key, e.value);
    else {
      for (const pair of interp.toArray(src, site)) {
        const kv = interp.toArray(pair, site);
        if (kv.length !== 2) interp.raise('ValueError', 'dictionary update sequence element has wrong length', site);
        dictSet(d, kv[0]!, kv[1]!);
      }
    }
  }
  for (const [k, v] of args.keywords) dictSet(d, str(k), v);
  return d;
}

export function lengthOf(interp: Interpreter, v: Value, site: Site | null): Value {
  switch (v.kind) {
    case 'str': return int(v.value.length);
    case 'list': case 'tuple': return int(v.items.length);
    case 'dict': return int(v.entries.size);
    case 'set': return int(v.entries.size);
    case 'range': return int(rangeLength(v));
    case 'iterator': return int(v.items.length - v.index);
    case 'tensor':
      if (!v.shape.length) return interp.raise('TypeError', 'len() of a 0-d tensor', site);
      return int(v.shape[0]!);
    case 'unknown': return v;
    case 'class': {
      // An Enum class has a length: its metaclass's `__len__`.
      const m = interp.metaclassAttr(v, '__len__', site);
      if (m) return interp.call(m, { positional: [], keywords: new Map() }, site);
      return interp.raise('TypeError', `object of type 'type' has no len()`, site);
    }
    case 'instance': {
      const m = interp.lookupClassAttr(v.cls, '__len__');
      if (m) return interp.callMethod(v, '__len__', [], site);
      return interp.raise('TypeError', `object of type '${v.cls.name}' has no len()`, site);
    }
    default:
      return interp.raise('TypeError', `object of type '${typeName(v)}' has no len()`, site);
  }
}

export function isInstance(interp: Interpreter, v: Value, types: Value): Value {
  if (v.kind === 'unknown') return v;
  if (types.kind === 'tuple') {
    let sawUnknown = false;
    for (const t of types.items) {
      const r = isInstance(interp, v, t);
      if (r.kind === 'bool' && r.value) return r;
      if (r.kind === 'unknown') sawUnknown = true;
    }
    return sawUnknown ? unknown('isinstance against an unknown type') : bool(false);
  }
  if (types.kind !== 'class') return types.kind === 'unknown' ? types : bool(false);
  if (v.kind === 'instance') return bool(v.cls.mro.includes(types));
  const sub = subclassOf(v);
  if (sub && sub.mro.includes(types)) return bool(true);
  if (types.name === 'object' && !types.instanceCheck) return bool(true);
  for (const c of types.mro.length ? [types] : []) if (c.instanceCheck) return bool(c.instanceCheck(v));
  // Subclasses of builtin types (`class Foo(int)`) do not match plain values.
  return bool(false);
}

function sortValues(interp: Interpreter, items: Value[], key: Value | undefined, reverse: Value | undefined, site: Site | null): Value[] {
  const keyed = items.map((v) => ({ k: key && key.kind !== 'none' ? interp.call(key, { positional: [v], keywords: new Map() }, site) : v, v }));
  keyed.sort((a, b) => {
    const o = orderValues(a.k, b.k);
    if (o === null) interp.raise('TypeError', 'cannot sort values of different types', site);
    return o;
  });
  if (reverse && interp.truthy(reverse)) keyed.reverse();
  return keyed.map((x) => x.v);
}

function installMethods(interp: Interpreter, dictType: ClassValue): void {
  // Each table is made on the first use of its kind's methods: an analysis builds a new interpreter,
  // and most of these methods (a closure each) are never called.
  const table = (kind: string, methods: () => Record<string, Method>) => interp.defineBuiltinMethods(kind, methods);
  const p = (args: CallArgs, i: number): Value => args.positional[i] ?? NONE;
  const s = (v: Value): string => (v.kind === 'str' ? v.value : toStr(v));

  table('str', () => ({
    format: (self, args) => str(strFormat(interp, s(self), args)),
    join: (self, args, site) => {
      const items = interp.toArray(p(args, 0), site);
      if (items.some((x) => x.kind === 'unknown')) return unknown('join of unknown strings', site);
      return str(items.map(s).join(s(self)));
    },
    split: (self, args) => {
      const sep = p(args, 0);
      const text = s(self);
      const parts = sep.kind === 'str' ? text.split(sep.value) : text.trim().split(/\s+/).filter(Boolean);
      return list(parts.map(str));
    },
    rsplit: (self, args) => {
      const sep = p(args, 0);
      const max = p(args, 1);
      const text = s(self);
      if (sep.kind === 'str' && max.kind === 'int' && max.value >= 0) {
        const parts = text.split(sep.value);
        const head = parts.slice(0, Math.max(0, parts.length - max.value)).join(sep.value);
        return list([str(head), ...parts.slice(Math.max(0, parts.length - max.value)).map(str)]);
      }
      return list((sep.kind === 'str' ? text.split(sep.value) : text.trim().split(/\s+/)).map(str));
    },
    startswith: (self, args) => {
      const x = p(args, 0);
      if (x.kind === 'tuple') return bool(x.items.some((i) => s(self).startsWith(s(i))));
      return bool(s(self).startsWith(s(x)));
    },
    endswith: (self, args) => {
      const x = p(args, 0);
      if (x.kind === 'tuple') return bool(x.items.some((i) => s(self).endsWith(s(i))));
      return bool(s(self).endsWith(s(x)));
    },
    replace: (self, args) => str(s(self).split(s(p(args, 0))).join(s(p(args, 1)))),
    upper: (self) => str(s(self).toUpperCase()),
    lower: (self) => str(s(self).toLowerCase()),
    capitalize: (self) => str(s(self).charAt(0).toUpperCase() + s(self).slice(1).toLowerCase()),
    title: (self) => str(s(self).replace(/\b\w/g, (c) => c.toUpperCase())),
    strip: (self, args) => str(stripChars(s(self), args.positional[0], true, true)),
    lstrip: (self, args) => str(stripChars(s(self), args.positional[0], true, false)),
    rstrip: (self, args) => str(stripChars(s(self), args.positional[0], false, true)),
    isdigit: (self) => bool(/^\d+$/.test(s(self))),
    isnumeric: (self) => bool(/^\d+$/.test(s(self))),
    isalpha: (self) => bool(/^[A-Za-z]+$/.test(s(self))),
    isidentifier: (self) => bool(/^[A-Za-z_]\w*$/.test(s(self))),
    find: (self, args) => int(s(self).indexOf(s(p(args, 0)))),
    index: (self, args, site) => {
      const i = s(self).indexOf(s(p(args, 0)));
      return i < 0 ? interp.raise('ValueError', 'substring not found', site) : int(i);
    },
    count: (self, args) => int(s(self).split(s(p(args, 0))).length - 1),
    zfill: (self, args) => str(s(self).padStart(numberOf(p(args, 0) as never), '0')),
    ljust: (self, args) => str(s(self).padEnd(numberOf(p(args, 0) as never), args.positional[1] ? s(p(args, 1)) : ' ')),
    rjust: (self, args) => str(s(self).padStart(numberOf(p(args, 0) as never), args.positional[1] ? s(p(args, 1)) : ' ')),
    encode: (self) => self,
    partition: (self, args) => {
      const sep = s(p(args, 0));
      const i = s(self).indexOf(sep);
      return i < 0 ? tuple([self, str(''), str('')]) : tuple([str(s(self).slice(0, i)), str(sep), str(s(self).slice(i + sep.length))]);
    },
  }));

  const listItems = (self: Value): Value[] => (self as { items: Value[] }).items;
  table('list', () => ({
    append: (self, args) => { listItems(self).push(p(args, 0)); return NONE; },
    extend: (self, args, site) => {
      const v = p(args, 0);
      if (v.kind === 'unknown') listItems(self).push(v);
      else listItems(self).push(...interp.toArray(v, site));
      return NONE;
    },
    insert: (self, args) => {
      const items = listItems(self);
      let i = numberOf(p(args, 0) as never);
      if (i < 0) i = Math.max(0, items.length + i);
      items.splice(Math.min(i, items.length), 0, p(args, 1));
      return NONE;
    },
    pop: (self, args, site) => {
      const items = listItems(self);
      if (!items.length) return interp.raise('IndexError', 'pop from empty list', site);
      const idx = args.positional[0];
      let i = idx && isNumber(idx) ? numberOf(idx) : items.length - 1;
      if (i < 0) i += items.length;
      return items.splice(i, 1)[0] ?? NONE;
    },
    remove: (self, args, site) => {
      const items = listItems(self);
      const i = items.findIndex((x) => valuesEqual(x, p(args, 0)) === true || identical(x, p(args, 0)));
      if (i < 0) return interp.raise('ValueError', 'list.remove(x): x not in list', site);
      items.splice(i, 1);
      return NONE;
    },
    index: (self, args, site) => {
      const i = listItems(self).findIndex((x) => valuesEqual(x, p(args, 0)) === true || identical(x, p(args, 0)));
      return i < 0 ? interp.raise('ValueError', 'value is not in list', site) : int(i);
    },
    count: (self, args) => int(listItems(self).filter((x) => valuesEqual(x, p(args, 0)) === true).length),
    reverse: (self) => { listItems(self).reverse(); return NONE; },
    sort: (self, args, site) => {
      const sorted = sortValues(interp, listItems(self), args.keywords.get('key'), args.keywords.get('reverse'), site);
      (self as { items: Value[] }).items = sorted;
      return NONE;
    },
    copy: (self) => list([...listItems(self)]),
    clear: (self) => { listItems(self).length = 0; return NONE; },
  }));
  table('tuple', () => ({
    index: (self, args, site) => {
      const i = listItems(self).findIndex((x) => valuesEqual(x, p(args, 0)) === true);
      return i < 0 ? interp.raise('ValueError', 'tuple.index(x): x not in tuple', site) : int(i);
    },
    count: (self, args) => int(listItems(self).filter((x) => valuesEqual(x, p(args, 0)) === true).length),
    _asdict: (self) => {
      const t = self as { items: Value[]; cls?: ClassValue };
      const fields = t.cls?.attrs.get('_fields');
      const names = fields && fields.kind === 'tuple' ? fields.items : [];
      return dict(names.map((n, i) => [n, t.items[i] ?? NONE]));
    },
    _replace: (self, args) => {
      const t = self as { items: Value[]; cls?: ClassValue };
      const fields = t.cls?.attrs.get('_fields');
      const names = fields && fields.kind === 'tuple' ? fields.items.map(s) : [];
      const items = [...t.items];
      for (const [k, v] of args.keywords) {
        const i = names.indexOf(k);
        if (i >= 0) items[i] = v;
      }
      return { kind: 'tuple', items, cls: t.cls };
    },
  }));

  type D = Value & { kind: 'dict' };
  table('dict', () => ({
    keys: (self) => list([...(self as D).entries.values()].map((e) => e.key)),
    values: (self) => list([...(self as D).entries.values()].map((e) => e.value)),
    items: (self) => list([...(self as D).entries.values()].map((e) => tuple([e.key, e.value]))),
    get: (self, args) => dictGet(self as D, p(args, 0)) ?? p(args, 1),
    pop: (self, args, site) => {
      const d = self as D;
      const k = hashKey(p(args, 0));
      const e = d.entries.get(k);
      if (e) {
        d.entries.delete(k);
        return e.value;
      }
      if (args.positional.length > 1) return p(args, 1);
      return interp.raise('KeyError', repr(p(args, 0)), site);
    },
    setdefault: (self, args) => {
      const d = self as D;
      const existing = dictGet(d, p(args, 0));
      if (existing !== undefined) return existing;
      dictSet(d, p(args, 0), p(args, 1));
      return p(args, 1);
    },
    update: (self, args, site) => {
      const d = self as D;
      const src = args.positional[0];
      if (src?.kind === 'dict') for (const e of src.entries.values()) dictSet(d, e.key, e.value);
      else if (src && src.kind !== 'unknown') for (const pair of interp.toArray(src, site)) {
        const kv = interp.toArray(pair, site);
        dictSet(d, kv[0]!, kv[1]!);
      }
      for (const [k, v] of args.keywords) dictSet(d, str(k), v);
      return NONE;
    },
    copy: (self) => {
      const d = self as D;
      return { kind: 'dict', id: newId(), entries: new Map(d.entries), cls: d.cls };
    },
    clear: (self) => { (self as D).entries.clear(); return NONE; },
    popitem: (self, _args, site) => {
      const d = self as D;
      const last = [...d.entries.keys()].pop();
      if (last === undefined) return interp.raise('KeyError', 'popitem(): dictionary is empty', site);
      const e = d.entries.get(last)!;
      d.entries.delete(last);
      return tuple([e.key, e.value]);
    },
    move_to_end: (self, args) => {
      const d = self as D;
      const k = hashKey(p(args, 0));
      const e = d.entries.get(k);
      if (e) { d.entries.delete(k); d.entries.set(k, e); }
      return NONE;
    },
  }));
  dictType.attrs.set('fromkeys', { kind: 'classmethod', func: native('dict.fromkeys', (args, site) => dict(interp.toArray(p(args, 1), site).map((k) => [k, args.positional[2] ?? NONE]))) });

  type S = Value & { kind: 'set' };
  table('set', () => ({
    add: (self, args) => { (self as S).entries.set(hashKey(p(args, 0)), p(args, 0)); return NONE; },
    update: (self, args, site) => {
      for (const it of args.positional) for (const v of interp.toArray(it, site)) (self as S).entries.set(hashKey(v), v);
      return NONE;
    },
    discard: (self, args) => { (self as S).entries.delete(hashKey(p(args, 0))); return NONE; },
    remove: (self, args, site) => {
      if (!(self as S).entries.delete(hashKey(p(args, 0)))) interp.raise('KeyError', repr(p(args, 0)), site);
      return NONE;
    },
    union: (self, args, site) => makeSet([...(self as S).entries.values(), ...args.positional.flatMap((a) => interp.toArray(a, site))]),
    intersection: (self, args, site) => {
      const other = makeSet(interp.toArray(p(args, 0), site));
      return makeSet([...(self as S).entries.values()].filter((v) => other.entries.has(hashKey(v))));
    },
    difference: (self, args, site) => {
      const other = makeSet(interp.toArray(p(args, 0), site));
      return makeSet([...(self as S).entries.values()].filter((v) => !other.entries.has(hashKey(v))));
    },
    issubset: (self, args, site) => {
      const other = makeSet(interp.toArray(p(args, 0), site));
      return bool([...(self as S).entries.keys()].every((k) => other.entries.has(k)));
    },
    copy: (self) => makeSet([...(self as S).entries.values()]),
  }));
  table('iterator', () => ({}));
  table('range', () => ({
    index: (self, args) => {
      const r = self as Value & { kind: 'range' };
      return int((numberOf(p(args, 0) as never) - r.start) / r.step);
    },
  }));
  table('int', () => ({ bit_length: (self) => int(Math.abs(numberOf(self as never)).toString(2).length)  }));
  table('float', () => ({ is_integer: (self) => bool(Number.isInteger(numberOf(self as never)))  }));
}

function stripChars(text: string, chars: Value | undefined, left: boolean, right: boolean): string {
  const set = chars && chars.kind === 'str' ? chars.value : ' \t\n\r\f\v';
  let a = 0;
  let b = text.length;
  if (left) while (a < b && set.includes(text[a]!)) a++;
  if (right) while (b > a && set.includes(text[b - 1]!)) b--;
  return text.slice(a, b);
}

/** `"{}_{:02d}".format(a, b)` and `"{name}".format(name=...)`. */
function strFormat(interp: Interpreter, template: string, args: CallArgs): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}:!]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (m, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const [head, ...rest] = (field ?? '').split('.');
    let v: Value | undefined = head === '' ? args.positional[auto++] : /^\d+$/.test(head!) ? args.positional[Number(head)] : args.keywords.get(head!);
    if (v === undefined) return '?';
    for (const attr of rest) v = interp.getAttr(v, attr, null);
    if (v.kind === 'unknown') return '?';
    if (conv === 'r') return repr(v);
    if (v.kind === 'instance') return interp.strOf(v);
    return formatSpec(v, spec ?? '');
  });
}
