// The parts of Python's standard library model code leans on: math, functools, collections,
// typing, itertools, copy, warnings, dataclasses, enum, types, operator, sys and os.path.

import { makeClass } from './builtins';
import type { Param } from './ast';
import { identical, type Interpreter } from './interpreter';
import { valuesEqual } from './operators';
import {
  bool, dict, dictSet, float, hashKey as hashKeyOf, int, isNumber, iterator, list, native, newId, NONE, numberOf, repr, str, subclassOf, toStr, tuple, typeName, unknown,
  type CallArgs, type ClassValue, type FunctionValue, type InstanceValue, type ModuleObjectValue, type NativeCall, type Site,
  type TensorValue, type UnknownValue, type Value,
} from './values';

export function nativeModuleObject(name: string, members: Record<string, Value>): ModuleObjectValue {
  return { kind: 'pymodule', id: newId(), name, attrs: new Map(Object.entries(members)), file: null };
}

const fn = (name: string, call: NativeCall): Value => native(name, call);

export function makeStdlib(interp: Interpreter): Map<string, ModuleObjectValue> {
  const modules = new Map<string, ModuleObjectValue>();
  const num = (v: Value | undefined, site: Site | null): number => {
    if (!v || !isNumber(v)) interp.raise('TypeError', 'must be a real number', site);
    return numberOf(v);
  };
  const unaryMath = (name: string, f: (x: number) => number, asInt = false) =>
    fn(`math.${name}`, (args, site) => {
      const v = args.positional[0];
      if (!v || v.kind === 'unknown') return v ?? NONE;
      const r = f(num(v, site));
      if (Number.isNaN(r) && !Number.isNaN(num(v, site))) interp.raise('ValueError', 'math domain error', site);
      return asInt ? int(r) : float(r);
    });

  modules.set('math', nativeModuleObject('math', {
    pi: float(Math.PI), e: float(Math.E), inf: float(Infinity), nan: float(NaN), tau: float(2 * Math.PI),
    ceil: unaryMath('ceil', Math.ceil, true), floor: unaryMath('floor', Math.floor, true), trunc: unaryMath('trunc', Math.trunc, true),
    sqrt: unaryMath('sqrt', Math.sqrt), exp: unaryMath('exp', Math.exp), log2: unaryMath('log2', Math.log2), log10: unaryMath('log10', Math.log10),
    sin: unaryMath('sin', Math.sin), cos: unaryMath('cos', Math.cos), tan: unaryMath('tan', Math.tan), atan: unaryMath('atan', Math.atan),
    fabs: unaryMath('fabs', Math.abs), erf: unaryMath('erf', erf),
    log: fn('math.log', (args, site) => {
      const x = num(args.positional[0], site);
      const b = args.positional[1];
      return float(b ? Math.log(x) / Math.log(num(b, site)) : Math.log(x));
    }),
    pow: fn('math.pow', (args, site) => float(num(args.positional[0], site) ** num(args.positional[1], site))),
    gcd: fn('math.gcd', (args, site) => {
      let [a, b] = [Math.abs(num(args.positional[0], site)), Math.abs(num(args.positional[1], site))];
      while (b) [a, b] = [b, a % b];
      return int(a);
    }),
    isclose: fn('math.isclose', (args, site) => bool(Math.abs(num(args.positional[0], site) - num(args.positional[1], site)) <= 1e-9 * Math.max(Math.abs(num(args.positional[0], site)), Math.abs(num(args.positional[1], site))))),
    prod: fn('math.prod', (args, site) => {
      let acc: Value = int(1);
      for (const v of interp.toArray(args.positional[0] ?? NONE, site)) acc = interp.binary('*', acc, v, site);
      return acc;
    }),
    isfinite: fn('math.isfinite', (args, site) => bool(Number.isFinite(num(args.positional[0], site)))),
    isinf: fn('math.isinf', (args, site) => { const x = num(args.positional[0], site); return bool(!Number.isFinite(x) && !Number.isNaN(x)); }),
    isnan: fn('math.isnan', (args, site) => bool(Number.isNaN(num(args.positional[0], site)))),
    asin: unaryMath('asin', Math.asin), acos: unaryMath('acos', Math.acos), sinh: unaryMath('sinh', Math.sinh),
    cosh: unaryMath('cosh', Math.cosh), tanh: unaryMath('tanh', Math.tanh), log1p: unaryMath('log1p', Math.log1p), expm1: unaryMath('expm1', Math.expm1),
    degrees: unaryMath('degrees', (x) => (x * 180) / Math.PI), radians: unaryMath('radians', (x) => (x * Math.PI) / 180),
    atan2: fn('math.atan2', (args, site) => float(Math.atan2(num(args.positional[0], site), num(args.positional[1], site)))),
    hypot: fn('math.hypot', (args, site) => float(Math.hypot(...args.positional.map((v) => num(v, site))))),
    copysign: fn('math.copysign', (args, site) => { const x = Math.abs(num(args.positional[0], site)); const y = num(args.positional[1], site); return float(y < 0 || Object.is(y, -0) ? -x : x); }),
    factorial: fn('math.factorial', (args, site) => {
      const n = num(args.positional[0], site);
      if (!Number.isInteger(n) || n < 0) interp.raise('ValueError', 'factorial() not defined for negative values', site);
      let r = 1;
      for (let i = 2; i <= n; i++) r *= i;
      return int(r);
    }),
    comb: fn('math.comb', (args, site) => {
      const n = num(args.positional[0], site);
      const k = num(args.positional[1], site);
      if (k < 0 || k > n) return int(0);
      let r = 1;
      for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
      return int(Math.round(r));
    }),
    lcm: fn('math.lcm', (args, site) => {
      let acc = 1;
      for (const v of args.positional) {
        let [a, b] = [Math.abs(acc), Math.abs(num(v, site))];
        const prod = a * b;
        while (b) [a, b] = [b, a % b];
        acc = a ? prod / a : 0;
      }
      return int(acc);
    }),
  }));

  // ----- functools -----
  const partialClass = makeClass('partial', [interp.objectClass], {}, 'functools');
  partialClass.construct = (args, site) => {
    let [f, ...rest] = args.positional;
    if (!f) return interp.raise('TypeError', 'partial needs a callable', site);
    let keywords: [Value, Value][] = [...args.keywords].map(([k, v]) => [str(k), v]);
    // A partial of a partial is flattened, as CPython does: one func, the args and keywords merged.
    if (f.kind === 'instance' && f.cls === partialClass) {
      const innerArgs = f.attrs.get('args');
      const innerKw = f.attrs.get('keywords');
      rest = [...(innerArgs?.kind === 'tuple' ? innerArgs.items : []), ...rest];
      const merged = dict(innerKw?.kind === 'dict' ? [...innerKw.entries.values()].map((e) => [e.key, e.value] as [Value, Value]) : []);
      for (const [k, v] of keywords) dictSet(merged, k, v);
      keywords = [...merged.entries.values()].map((e) => [e.key, e.value]);
      f = f.attrs.get('func')!;
    }
    const inst: InstanceValue = { kind: 'instance', id: newId(), cls: partialClass, attrs: new Map() };
    inst.attrs.set('func', f);
    inst.attrs.set('args', tuple(rest));
    inst.attrs.set('keywords', dict(keywords));
    return inst;
  };
  partialClass.attrs.set('__call__', native('partial.__call__', (args, site) => {
    const self = args.positional[0] as InstanceValue;
    const f = self.attrs.get('func')!;
    const bound = self.attrs.get('args') as Value & { kind: 'tuple' };
    const kw = self.attrs.get('keywords') as Value & { kind: 'dict' };
    const keywords = new Map<string, Value>();
    for (const e of kw.entries.values()) if (e.key.kind === 'str') keywords.set(e.key.value, e.value);
    for (const [k, v] of args.keywords) keywords.set(k, v);
    return interp.call(f, { positional: [...bound.items, ...args.positional.slice(1)], keywords }, site);
  }, true));
  // `@lru_cache` / `@cache`: results remembered by argument values (Unknown arguments are not cached).
  const cached = (f: Value): Value => {
    if (f.kind !== 'function') return f;
    const memo = new Map<string, Value>();
    return fn(f.name, (args, site) => {
      const parts = [...args.positional, ...[...args.keywords].flatMap(([k, v]) => [str(k), v])];
      const key = parts.some((v) => v.kind === 'unknown' || v.kind === 'tensor') ? null : parts.map(hashKeyOf).join('|') + `|${args.positional.length}`;
      const hit = key === null ? undefined : memo.get(key);
      if (hit !== undefined) return hit;
      const r = interp.call(f, args, site);
      if (key !== null && r.kind !== 'unknown') memo.set(key, r);
      return r;
    });
  };
  const identityDecoratorFactory = (name: string) => fn(name, (args) => {
    const first = args.positional[0];
    // Used bare (`@lru_cache`) it gets the function; with arguments it returns a decorator.
    if (first && (first.kind === 'function' || first.kind === 'native' || first.kind === 'class')) return cached(first);
    return fn(`${name}.decorator`, (inner) => cached(inner.positional[0] ?? NONE));
  });
  modules.set('functools', nativeModuleObject('functools', {
    partial: partialClass,
    reduce: fn('functools.reduce', (args, site) => {
      const [f, it, init] = args.positional;
      const items = interp.toArray(it ?? NONE, site);
      let acc = init ?? items.shift();
      if (!f || acc === undefined) return interp.raise('TypeError', 'reduce() of empty sequence with no initial value', site);
      for (const v of items) acc = interp.call(f, { positional: [acc, v], keywords: new Map() }, site);
      return acc;
    }),
    wraps: fn('functools.wraps', (args) => fn('functools.wraps.decorator', (inner) => {
      const wrapper = inner.positional[0] ?? NONE;
      const wrapped = args.positional[0];
      // update_wrapper: `__wrapped__` (inspect.signature follows it), `__doc__`, `__dict__`.
      if (wrapper.kind === 'function' && wrapped) {
        wrapper.attrs.set('__wrapped__', wrapped);
        if (wrapped.kind === 'function') {
          wrapper.name = wrapped.name;
          wrapper.qualname = wrapped.qualname;
        }
        if (wrapped.kind === 'function') for (const [k, v] of wrapped.attrs) if (!wrapper.attrs.has(k)) wrapper.attrs.set(k, v);
      }
      return wrapper;
    })),
    lru_cache: identityDecoratorFactory('functools.lru_cache'),
    cache: identityDecoratorFactory('functools.cache'),
    cached_property: makeClass('cached_property', [interp.objectClass], { construct: (args) => ({ kind: 'property', getter: args.positional[0] ?? NONE, setter: null }) }),
    update_wrapper: fn('functools.update_wrapper', (args) => args.positional[0] ?? NONE),
  }));

  // ----- collections -----
  const orderedDict = makeClass('OrderedDict', [interp.builtins.get('dict') as ClassValue], {}, 'collections');
  orderedDict.construct = (interp.builtins.get('dict') as ClassValue).construct;
  const defaultDict = makeClass('defaultdict', [interp.builtins.get('dict') as ClassValue], {}, 'collections');
  defaultDict.construct = (args, site) => {
    const d = (interp.builtins.get('dict') as ClassValue).construct!({ positional: args.positional.slice(1), keywords: args.keywords, cls: defaultDict } as CallArgs, site);
    if (d.kind === 'dict') {
      d.cls = defaultDict;
      defaultFactories.set(d.id, args.positional[0] ?? NONE);
    }
    return d;
  };
  const defaultFactories = new Map<number, Value>();
  defaultDict.attrs.set('__missing__', native('defaultdict.__missing__', (args, site) => {
    const [self, key] = args.positional;
    if (self?.kind !== 'dict' || !key) return NONE;
    const factory = defaultFactories.get(self.id);
    if (!factory || factory.kind === 'none') return interp.raise('KeyError', 'missing key', site);
    const v = interp.call(factory, { positional: [], keywords: new Map() }, site);
    dictSet(self, key, v);
    return v;
  }, true));
  const counter = makeClass('Counter', [interp.builtins.get('dict') as ClassValue], {}, 'collections');
  counter.construct = (args, site) => {
    const d = dict([], counter);
    const src = args.positional[0];
    if (src && src.kind === 'dict') for (const e of src.entries.values()) dictSet(d, e.key, e.value);
    else if (src) for (const v of interp.toArray(src, site)) dictSet(d, v, interp.binary('+', d.entries.get(hashKeyOf(v))?.value ?? int(0), int(1), site));
    for (const [k, v] of args.keywords) dictSet(d, str(k), v);
    return d;
  };
  counter.attrs.set('__missing__', native('Counter.__missing__', () => int(0), true));
  counter.attrs.set('most_common', native('Counter.most_common', (args, site) => {
    const self = args.positional[0];
    if (self?.kind !== 'dict') return unknown('Counter.most_common', site);
    const entries = [...self.entries.values()];
    if (entries.some((e) => !isNumber(e.value))) return unknown('Counter.most_common of unknown counts', site);
    const sorted = entries.map((e, i) => ({ e, i })).sort((a, b) => numberOf(b.e.value as never) - numberOf(a.e.value as never) || a.i - b.i);
    const n = args.positional[1];
    return list(sorted.slice(0, n && isNumber(n) ? numberOf(n) : undefined).map(({ e }) => tuple([e.key, e.value])));
  }, true));
  modules.set('collections', nativeModuleObject('collections', {
    OrderedDict: orderedDict,
    defaultdict: defaultDict,
    namedtuple: fn('collections.namedtuple', (args, site) => namedTuple(interp, args, site)),
    Counter: counter,
    deque: makeDeque(interp),
    abc: nativeModuleObject('collections.abc', abcMembers(interp)),
  }));
  modules.set('collections.abc', nativeModuleObject('collections.abc', abcMembers(interp)));

  // ----- typing: every name is a transparent placeholder that can be subscripted -----
  const typingNames = ['Any', 'Callable', 'Dict', 'List', 'Optional', 'Sequence', 'Tuple', 'Type', 'Union', 'Iterable',
    'Iterator', 'Mapping', 'Set', 'FrozenSet', 'Generic', 'TypeVar', 'ClassVar', 'Literal', 'Final', 'NamedTuple', 'cast',
    'overload', 'no_type_check', 'TYPE_CHECKING', 'Protocol', 'Deque', 'DefaultDict', 'OrderedDict', 'Hashable', 'Sized',
    'Generator', 'MutableMapping', 'AnyStr', 'NoReturn', 'Text', 'SupportsInt', 'Annotated', 'TypedDict', 'ParamSpec', 'Concatenate'];
  const typingMembers: Record<string, Value> = {};
  const abc = abcMembers(interp);
  const typingChecks: Record<string, ((v: Value) => boolean) | undefined> = {
    List: (v) => v.kind === 'list',
    Tuple: (v) => v.kind === 'tuple',
    Dict: (v) => v.kind === 'dict',
    Set: (v) => v.kind === 'set',
    FrozenSet: (v) => v.kind === 'set' && v.frozen,
    Sequence: (abc.Sequence as ClassValue).instanceCheck,
    Iterable: (abc.Iterable as ClassValue).instanceCheck,
    Mapping: (abc.Mapping as ClassValue).instanceCheck,
    Callable: (abc.Callable as ClassValue).instanceCheck,
    OrderedDict: (v) => v.kind === 'dict',
    DefaultDict: (v) => v.kind === 'dict',
  };
  for (const name of typingNames) typingMembers[name] = makeClass(name, [interp.objectClass], { instanceCheck: typingChecks[name] }, 'typing');
  typingMembers.TYPE_CHECKING = bool(false);
  typingMembers.cast = fn('typing.cast', (args) => args.positional[1] ?? NONE);
  typingMembers.overload = fn('typing.overload', (args) => args.positional[0] ?? NONE);
  typingMembers.no_type_check = fn('typing.no_type_check', (args) => args.positional[0] ?? NONE);
  typingMembers.TypeVar = fn('typing.TypeVar', () => unknown('a TypeVar'));
  typingMembers.NamedTuple = fn('typing.NamedTuple', (args, site) => namedTuple(interp, args, site));
  (typingMembers.Generic as ClassValue).attrs.set('__class_getitem__', { kind: 'classmethod', func: native('Generic.__class_getitem__', (a) => a.positional[0] ?? NONE) });
  modules.set('typing', nativeModuleObject('typing', typingMembers));
  modules.set('typing_extensions', nativeModuleObject('typing_extensions', typingMembers));

  // ----- itertools -----
  const chain = makeClass('chain', [interp.objectClass], {
    construct: (args, site) => iterator(args.positional.flatMap((a) => interp.toArray(a, site))),
  }, 'itertools');
  chain.attrs.set('from_iterable', { kind: 'staticmethod', func: fn('itertools.chain.from_iterable', (args, site) =>
    iterator(interp.toArray(args.positional[0] ?? NONE, site).flatMap((a) => interp.toArray(a, site)))) });
  modules.set('itertools', nativeModuleObject('itertools', {
    chain,
    product: fn('itertools.product', (args, site) => {
      const repeat = args.keywords.get('repeat');
      let pools = args.positional.map((a) => interp.toArray(a, site));
      if (repeat && repeat.kind === 'int') pools = Array.from({ length: repeat.value }, () => pools).flat();
      let out: Value[][] = [[]];
      for (const pool of pools) out = out.flatMap((prefix) => pool.map((x) => [...prefix, x]));
      return iterator(out.map(tuple));
    }),
    repeat: fn('itertools.repeat', (args, site) => {
      const times = args.positional[1] ?? args.keywords.get('times');
      if (!times || !isNumber(times)) return unknown('itertools.repeat without a count', site);
      return iterator(Array.from({ length: numberOf(times) }, () => args.positional[0] ?? NONE));
    }),
    accumulate: fn('itertools.accumulate', (args, site) => {
      const items = interp.toArray(args.positional[0] ?? NONE, site);
      const out: Value[] = [];
      let acc: Value | null = null;
      for (const v of items) out.push((acc = acc === null ? v : interp.binary('+', acc, v, site)));
      return iterator(out);
    }),
    islice: fn('itertools.islice', (args, site) => {
      const items = interp.toArray(args.positional[0] ?? NONE, site);
      const stop = args.positional.length === 2 ? args.positional[1] : args.positional[2];
      const start = args.positional.length > 2 ? args.positional[1] : int(0);
      return iterator(items.slice(start && isNumber(start) ? numberOf(start) : 0, stop && isNumber(stop) ? numberOf(stop) : undefined));
    }),
    combinations: fn('itertools.combinations', (args, site) => {
      const pool = interp.toArray(args.positional[0] ?? NONE, site);
      const r = args.positional[1] ?? args.keywords.get('r');
      if (!r || !isNumber(r)) return unknown('itertools.combinations without a length', site);
      const out: Value[] = [];
      const pick = (start: number, acc: Value[]): void => {
        if (acc.length === numberOf(r)) { out.push(tuple(acc)); return; }
        for (let i = start; i < pool.length; i++) pick(i + 1, [...acc, pool[i]!]);
      };
      pick(0, []);
      return iterator(out);
    }),
    permutations: fn('itertools.permutations', (args, site) => {
      const pool = interp.toArray(args.positional[0] ?? NONE, site);
      const rv = args.positional[1] ?? args.keywords.get('r');
      const r = rv && isNumber(rv) ? numberOf(rv) : pool.length;
      const out: Value[] = [];
      const pick = (used: number[]): void => {
        if (used.length === r) { out.push(tuple(used.map((i) => pool[i]!))); return; }
        for (let i = 0; i < pool.length; i++) if (!used.includes(i)) pick([...used, i]);
      };
      pick([]);
      return iterator(out);
    }),
    starmap: fn('itertools.starmap', (args, site) => {
      const f = args.positional[0] ?? NONE;
      return iterator(interp.toArray(args.positional[1] ?? NONE, site).map((a) => interp.call(f, { positional: interp.toArray(a, site), keywords: new Map() }, site)));
    }),
    pairwise: fn('itertools.pairwise', (args, site) => {
      const items = interp.toArray(args.positional[0] ?? NONE, site);
      return iterator(items.slice(1).map((b, i) => tuple([items[i]!, b])));
    }),
    takewhile: fn('itertools.takewhile', (args, site) => {
      const out: Value[] = [];
      for (const v of interp.toArray(args.positional[1] ?? NONE, site)) {
        if (!interp.truthy(interp.call(args.positional[0] ?? NONE, { positional: [v], keywords: new Map() }, site))) break;
        out.push(v);
      }
      return iterator(out);
    }),
    dropwhile: fn('itertools.dropwhile', (args, site) => {
      const items = interp.toArray(args.positional[1] ?? NONE, site);
      let i = 0;
      while (i < items.length && interp.truthy(interp.call(args.positional[0] ?? NONE, { positional: [items[i]!], keywords: new Map() }, site))) i++;
      return iterator(items.slice(i));
    }),
    groupby: fn('itertools.groupby', (args, site) => {
      const items = interp.toArray(args.positional[0] ?? NONE, site);
      const key = args.positional[1] ?? args.keywords.get('key');
      const out: Value[] = [];
      let current: { k: Value; items: Value[] } | null = null;
      for (const v of items) {
        const k = key && key.kind !== 'none' ? interp.call(key, { positional: [v], keywords: new Map() }, site) : v;
        const same = current ? interp.compare('==', current.k, k, site) : null;
        if (same && same.kind === 'unknown') return unknown('itertools.groupby over keys the analysis cannot compare', site);
        if (current && same && interp.truthy(same)) current.items.push(v);
        else {
          if (current) out.push(tuple([current.k, iterator(current.items)]));
          current = { k, items: [v] };
        }
      }
      if (current) out.push(tuple([current.k, iterator(current.items)]));
      return iterator(out);
    }),
    count: fn('itertools.count', (_a, site) => unknown('itertools.count is endless; it is not analysed', site)),
    cycle: fn('itertools.cycle', (_a, site) => unknown('itertools.cycle is endless; it is not analysed', site)),
    zip_longest: fn('itertools.zip_longest', (args, site) => {
      const arrays = args.positional.map((a) => interp.toArray(a, site));
      const fill = args.keywords.get('fillvalue') ?? NONE;
      const n = Math.max(0, ...arrays.map((a) => a.length));
      return iterator(Array.from({ length: n }, (_, i) => tuple(arrays.map((a) => a[i] ?? fill))));
    }),
  }));

  // ----- copy, warnings, sys, os -----
  modules.set('copy', nativeModuleObject('copy', {
    copy: fn('copy.copy', (args) => shallowCopy(args.positional[0] ?? NONE)),
    deepcopy: fn('copy.deepcopy', (args) => deepCopy(args.positional[0] ?? NONE, new Map())),
  }));
  modules.set('warnings', nativeModuleObject('warnings', {
    warn: fn('warnings.warn', () => NONE),
    filterwarnings: fn('warnings.filterwarnings', () => NONE),
    simplefilter: fn('warnings.simplefilter', () => NONE),
    catch_warnings: makeClass('catch_warnings', [interp.objectClass], {}, 'warnings'),
  }));
  modules.set('sys', nativeModuleObject('sys', {
    version_info: tuple([int(3), int(11), int(0)]),
    maxsize: int(Number.MAX_SAFE_INTEGER),
    platform: str('linux'),
    argv: list([]),
    modules: makeSysModules(interp),
  }));
  // os.path on POSIX: the functions that only work on the string; the ones that read the file
  // system give Unknown.
  const pathText = (args: CallArgs, i = 0): string | null => {
    const v = args.positional[i];
    return v?.kind === 'str' ? v.value : null;
  };
  const onPath = (name: string, f: (p: string, args: CallArgs) => Value) => fn(`os.path.${name}`, (args, site) => {
    const p = pathText(args);
    return p === null ? unknown(`os.path.${name} of an unknown path`, site) : f(p, args);
  });
  const splitPath = (p: string): [string, string] => {
    const i = p.lastIndexOf('/') + 1;
    let head = p.slice(0, i);
    if (head && !/^\/+$/.test(head)) head = head.replace(/\/+$/, '');
    return [head, p.slice(i)];
  };
  const splitExt = (p: string): [string, string] => {
    const base = p.slice(p.lastIndexOf('/') + 1);
    const dot = base.lastIndexOf('.');
    if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return [p, ''];
    const cut = p.length - base.length + dot;
    return [p.slice(0, cut), p.slice(cut)];
  };
  const osPath = nativeModuleObject('os.path', {
    join: fn('os.path.join', (args, site) => {
      if (args.positional.some((a) => a.kind !== 'str')) return unknown('os.path.join of an unknown path', site);
      let out = '';
      for (const a of args.positional as { value: string }[]) {
        if (a.value.startsWith('/')) out = a.value;
        else if (!out || out.endsWith('/')) out += a.value;
        else out += `/${a.value}`;
      }
      return str(out);
    }),
    split: onPath('split', (p) => tuple(splitPath(p).map(str))),
    basename: onPath('basename', (p) => str(splitPath(p)[1])),
    dirname: onPath('dirname', (p) => str(splitPath(p)[0])),
    splitext: onPath('splitext', (p) => tuple(splitExt(p).map(str))),
    isabs: onPath('isabs', (p) => bool(p.startsWith('/'))),
    normcase: onPath('normcase', (p) => str(p)),
    sep: str('/'),
    exists: fn('os.path.exists', (_a, site) => unknown('the file system is not read', site)),
    isfile: fn('os.path.isfile', (_a, site) => unknown('the file system is not read', site)),
    isdir: fn('os.path.isdir', (_a, site) => unknown('the file system is not read', site)),
    abspath: fn('os.path.abspath', (_a, site) => unknown('the file system is not read', site)),
    realpath: fn('os.path.realpath', (_a, site) => unknown('the file system is not read', site)),
    expanduser: fn('os.path.expanduser', (args) => args.positional[0] ?? NONE),
  });
  modules.set('os.path', osPath);
  // The variables of the run the code is written for are not known (`os.environ.get("FREEZE")`
  // is no known None); those the code itself sets are.
  const notSet = (key: Value, site: Site | null): Value =>
    unknown(`the environment variable ${key.kind === 'str' ? key.value : '(unknown name)'} of the run is not known`, site);
  const environKey = (key: Value | undefined): string | null => (key?.kind === 'str' ? key.value : null);
  const readEnv = (key: Value | undefined, site: Site | null): Value => {
    const k = environKey(key);
    return (k !== null && interp.environ.get(k)) || notSet(key ?? NONE, site);
  };
  const environClass = makeClass('_Environ', [interp.objectClass], {}, 'os');
  const method = (name: string, call: NativeCall) => environClass.attrs.set(name, native(`os.environ.${name}`, call, true));
  method('__getitem__', (a, site) => readEnv(a.positional[1], site));
  method('get', (a, site) => readEnv(a.positional[1], site));
  method('__contains__', (a, site) => {
    const k = environKey(a.positional[1]);
    return k !== null && interp.environ.has(k) ? bool(true) : notSet(a.positional[1] ?? NONE, site);
  });
  method('__setitem__', (a, site) => {
    const k = environKey(a.positional[1]);
    if (k === null) interp.noteProblem(site, 'os.environ was set with a name that is not known');
    else interp.environ.set(k, a.positional[2] ?? NONE);
    return NONE;
  });
  method('setdefault', (a, site) => {
    const k = environKey(a.positional[1]);
    const known = k !== null ? interp.environ.get(k) : undefined;
    if (known) return known;
    // Set only if the run lacked it: what it holds afterwards is not known either.
    return notSet(a.positional[1] ?? NONE, site);
  });
  method('pop', (a, site) => {
    const k = environKey(a.positional[1]);
    const known = k !== null ? interp.environ.get(k) : undefined;
    if (k !== null) interp.environ.delete(k);
    return known ?? notSet(a.positional[1] ?? NONE, site);
  });
  const environ: InstanceValue = { kind: 'instance', id: newId(), cls: environClass, attrs: new Map() };
  interp.perAnalysisState.add(environ);
  modules.set('os', nativeModuleObject('os', {
    path: osPath,
    name: str('posix'),
    sep: str('/'),
    pathsep: str(':'),
    linesep: str('\n'),
    fspath: fn('os.fspath', (args) => args.positional[0] ?? NONE),
    environ,
    getenv: fn('os.getenv', (args, site) => readEnv(args.positional[0], site)),
  }));
  modules.set('types', nativeModuleObject('types', {
    FunctionType: makeClass('function', [interp.objectClass], { instanceCheck: (v) => v.kind === 'function' }, 'types'),
    MethodType: makeClass('method', [interp.objectClass], { instanceCheck: (v) => v.kind === 'method' }, 'types'),
    ModuleType: makeClass('module', [interp.objectClass], { instanceCheck: (v) => v.kind === 'pymodule' }, 'types'),
    SimpleNamespace: makeClass('SimpleNamespace', [interp.objectClass], {
      construct: (args) => {
        const inst: InstanceValue = { kind: 'instance', id: newId(), cls: interp.objectClass, attrs: new Map(args.keywords) };
        return inst;
      },
    }, 'types'),
  }));
  modules.set('operator', nativeModuleObject('operator', {
    add: fn('operator.add', (a, site) => interp.binary('+', a.positional[0]!, a.positional[1]!, site)),
    mul: fn('operator.mul', (a, site) => interp.binary('*', a.positional[0]!, a.positional[1]!, site)),
    itemgetter: fn('operator.itemgetter', (a) => fn('itemgetter', (b, site) => interp.getItem(b.positional[0]!, a.positional[0]!, site))),
    attrgetter: fn('operator.attrgetter', (a) => fn('attrgetter', (b, site) => interp.getAttr(b.positional[0]!, (a.positional[0] as { value: string }).value, site))),
  }));
  modules.set('numbers', nativeModuleObject('numbers', {
    Number: makeClass('Number', [interp.objectClass], { instanceCheck: isNumber }, 'numbers'),
    Integral: makeClass('Integral', [interp.objectClass], { instanceCheck: (v) => v.kind === 'int' || v.kind === 'bool' }, 'numbers'),
    Real: makeClass('Real', [interp.objectClass], { instanceCheck: isNumber }, 'numbers'),
  }));

  // ----- dataclasses, enum, inspect, contextlib, re -----
  modules.set('dataclasses', makeDataclasses(interp));
  modules.set('enum', makeEnum(interp));
  modules.set('abc', nativeModuleObject('abc', {
    ABC: makeClass('ABC', [interp.objectClass], {}, 'abc'),
    ABCMeta: makeClass('ABCMeta', [interp.builtins.get('type') as ClassValue], {}, 'abc'),
    abstractmethod: fn('abc.abstractmethod', (args) => args.positional[0] ?? NONE),
  }));
  modules.set('inspect', makeInspect(interp));
  modules.set('contextlib', makeContextlib(interp));
  modules.set('re', makeRe(interp));
  modules.set('fnmatch', makeFnmatch(interp));
  // Modules whose values never decide a shape: importing them works, and every member is Unknown
  // with the reason (random numbers, paths, files, processes, C types).
  const opaque = (name: string, reason: string, members: Record<string, Value> = {}): void => {
    const mod = interp.opaqueModule(name, reason);
    for (const [k, v] of Object.entries(members)) mod.attrs.set(k, v);
    modules.set(name, mod);
  };
  opaque('random', 'random numbers are not analysed', { seed: fn('random.seed', () => NONE) });
  opaque('pathlib', 'the file system is not read by the analysis');
  opaque('ctypes', 'C libraries are not loaded by the analysis');
  opaque('importlib.machinery', 'importlib.machinery is not modelled');
  opaque('importlib.util', 'importlib.util is not modelled');
  opaque('subprocess', 'processes are not run by the analysis');
  opaque('shutil', 'the file system is not read by the analysis');
  opaque('tempfile', 'the file system is not read by the analysis');
  opaque('glob', 'the file system is not read by the analysis');
  opaque('json', 'files are not read by the analysis');
  opaque('hashlib', 'hashes are not analysed');
  opaque('urllib', 'nothing is downloaded by the analysis');
  modules.set('urllib.parse', makeUrllibParse(interp));
  opaque('urllib.request', 'nothing is downloaded by the analysis');
  opaque('time', 'time is not analysed');
  opaque('datetime', 'time is not analysed');
  opaque('threading', 'threads are not analysed');
  opaque('pickle', 'files are not read by the analysis');
  opaque('io', 'files are not read by the analysis');
  opaque('argparse', 'command lines are not parsed by the analysis');
  opaque('textwrap', 'textwrap is not modelled');
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  opaque('string', 'this part of the string module is not modelled', {
    ascii_lowercase: str(letters), ascii_uppercase: str(letters.toUpperCase()), ascii_letters: str(letters + letters.toUpperCase()),
    digits: str('0123456789'), hexdigits: str('0123456789abcdefABCDEF'), octdigits: str('01234567'),
    punctuation: str('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'), whitespace: str(' \t\n\r\x0b\x0c'),
  });
  opaque('struct', 'struct is not modelled');
  opaque('weakref', 'weakref is not modelled');
  opaque('types.ModuleType', 'types.ModuleType is not modelled');
  // `importlib.import_module('literal')` imports like the import statement.
  const importlib = nativeModuleObject('importlib', {
    import_module: fn('importlib.import_module', (args, site) => {
      const [name, pkg] = args.positional;
      if (name?.kind !== 'str' || !site) return unknown('importlib.import_module of a name the analysis does not know', site);
      let level = 0;
      let target = name.value;
      if (target.startsWith('.')) {
        level = /^\.+/.exec(target)![0].length;
        target = target.slice(level);
        if (pkg?.kind !== 'str') return unknown('a relative importlib.import_module without its package', site);
      }
      const mod = interp.importModule(target, level, site.file, site);
      return mod ?? interp.raise('ModuleNotFoundError', `No module named '${name.value}'`, site);
    }),
    reload: fn('importlib.reload', (args) => args.positional[0] ?? NONE),
  });
  importlib.attrs.set('machinery', modules.get('importlib.machinery')!);
  importlib.attrs.set('util', modules.get('importlib.util')!);
  modules.set('importlib', importlib);
  modules.set('logging', nativeModuleObject('logging', {
    getLogger: fn('logging.getLogger', () => unknown('a logger')),
    info: fn('logging.info', () => NONE),
    warning: fn('logging.warning', () => NONE),
  }));
  return modules;
}

function abcMembers(interp: Interpreter): Record<string, Value> {
  const seq = (v: Value) => v.kind === 'list' || v.kind === 'tuple' || v.kind === 'str' || v.kind === 'range';
  return {
    Sequence: makeClass('Sequence', [interp.objectClass], { instanceCheck: seq }, 'collections.abc'),
    Iterable: makeClass('Iterable', [interp.objectClass], { instanceCheck: (v) => seq(v) || v.kind === 'dict' || v.kind === 'set' || v.kind === 'iterator' }, 'collections.abc'),
    Mapping: makeClass('Mapping', [interp.objectClass], { instanceCheck: (v) => v.kind === 'dict' }, 'collections.abc'),
    Callable: makeClass('Callable', [interp.objectClass], { instanceCheck: (v) => v.kind === 'function' || v.kind === 'native' || v.kind === 'class' || v.kind === 'method' }, 'collections.abc'),
  };
}

/** `namedtuple('Name', 'a b')` or `namedtuple('Name', ['a', 'b'])`: a class whose instances are tuples. */
function namedTuple(interp: Interpreter, args: CallArgs, site: Site | null): Value {
  const [nameV, fieldsV] = args.positional;
  if (nameV?.kind !== 'str' || !fieldsV) return unknown('namedtuple with unknown fields', site);
  let fields: string[];
  if (fieldsV.kind === 'str') fields = fieldsV.value.replace(/,/g, ' ').split(/\s+/).filter(Boolean);
  else fields = interp.toArray(fieldsV, site).map((f) => (f.kind === 'str' ? f.value : f.kind === 'tuple' && f.items[0]?.kind === 'str' ? f.items[0].value : '?'));
  const cls = makeClass(nameV.value, [interp.builtins.get('tuple') as ClassValue], {}, '__main__');
  cls.attrs.set('_fields', tuple(fields.map(str)));
  const defaultsV = args.keywords.get('defaults');
  const defaults = defaultsV ? interp.toArray(defaultsV, site) : [];
  cls.construct = (a, s) => {
    const items: Value[] = [];
    fields.forEach((f, i) => {
      const v = a.positional[i] ?? a.keywords.get(f) ?? defaults[i - (fields.length - defaults.length)];
      if (v === undefined) interp.raise('TypeError', `${nameV.value}() missing required argument '${f}'`, s);
      items.push(v);
    });
    return { kind: 'tuple', items, cls };
  };
  return cls;
}

// ---------- dataclasses ----------

const kw = (args: CallArgs, name: string): Value | undefined => args.keywords.get(name);
const noKeywords: ReadonlyMap<string, Value> = new Map();
const newInstance = (cls: ClassValue, attrs: [string, Value][] = []): InstanceValue =>
  ({ kind: 'instance', id: newId(), cls, attrs: new Map(attrs) });

interface DataclassField { name: string; field: InstanceValue }

function makeDataclasses(interp: Interpreter): ModuleObjectValue {
  const object = interp.objectClass;
  const missingClass = makeClass('_MISSING_TYPE', [object], {}, 'dataclasses');
  const MISSING = newInstance(missingClass);
  const fieldClass = makeClass('Field', [object], {}, 'dataclasses');
  const isMissing = (v: Value | undefined): boolean => v === undefined || (v.kind === 'instance' && v.id === MISSING.id);
  const makeField = (args: CallArgs): InstanceValue => newInstance(fieldClass, [
    ['name', NONE], ['type', NONE],
    ['default', kw(args, 'default') ?? MISSING], ['default_factory', kw(args, 'default_factory') ?? MISSING],
    ['init', kw(args, 'init') ?? bool(true)], ['repr', kw(args, 'repr') ?? bool(true)],
    ['hash', kw(args, 'hash') ?? NONE], ['compare', kw(args, 'compare') ?? bool(true)],
    ['metadata', kw(args, 'metadata') ?? dict()], ['kw_only', kw(args, 'kw_only') ?? MISSING],
  ]);
  const attr = (f: InstanceValue, name: string): Value => f.attrs.get(name) ?? NONE;
  const fieldsOf = (cls: ClassValue): DataclassField[] => {
    const d = cls.attrs.get('__dataclass_fields__');
    if (!d || d.kind !== 'dict') return [];
    const out: DataclassField[] = [];
    for (const e of d.entries.values()) if (e.key.kind === 'str' && e.value.kind === 'instance') out.push({ name: e.key.value, field: e.value });
    return out;
  };
  const isDataclassInstance = (v: Value): v is InstanceValue => v.kind === 'instance' && fieldsOf(v.cls).length > 0;

  const process = (cls: ClassValue, options: CallArgs): ClassValue => {
    const fields = new Map<string, InstanceValue>();
    // Fields of dataclass bases first (in MRO order from the root), then this class's annotations.
    for (const base of [...cls.mro].reverse().slice(0, -1)) for (const f of fieldsOf(base)) fields.set(f.name, f.field);
    const ann = cls.attrs.get('__annotations__');
    if (ann?.kind === 'dict') {
      for (const e of ann.entries.values()) {
        if (e.key.kind !== 'str') continue;
        const name = e.key.value;
        const own = cls.attrs.get(name);
        let f: InstanceValue;
        if (own?.kind === 'instance' && own.cls === fieldClass) f = own;
        else f = makeField({ positional: [], keywords: own === undefined ? noKeywords : new Map([['default', own]]) });
        f.attrs.set('name', str(name));
        const dflt = f.attrs.get('default');
        // The class attribute is the default, or nothing when there is none.
        if (!isMissing(dflt)) cls.attrs.set(name, dflt!);
        else cls.attrs.delete(name);
        fields.delete(name);
        fields.set(name, f);
      }
    }
    cls.attrs.set('__dataclass_fields__', dict([...fields].map(([k, v]) => [str(k), v])));
    const frozen = interp.truthy(kw(options, 'frozen') ?? bool(false));
    cls.attrs.set('__dataclass_params__', dict([[str('frozen'), bool(frozen)]]));
    const initFields = [...fields.values()].filter((f) => interp.truthy(attr(f, 'init')));
    if (!cls.attrs.has('__init__') && interp.truthy(kw(options, 'init') ?? bool(true))) {
      cls.attrs.set('__init__', native(`${cls.name}.__init__`, (args, site) => {
        const self = args.positional[0];
        if (self?.kind !== 'instance') return NONE;
        const positional = args.positional.slice(1);
        if (positional.length > initFields.length) {
          interp.raise('TypeError', `${cls.name}.__init__() takes ${initFields.length + 1} positional arguments but ${positional.length + 1} were given`, site);
        }
        for (const k of args.keywords.keys()) {
          if (!initFields.some((f) => toStr(attr(f, 'name')) === k)) interp.raise('TypeError', `${cls.name}.__init__() got an unexpected keyword argument '${k}'`, site);
        }
        for (const f of fields.values()) {
          const name = toStr(attr(f, 'name'));
          const i = initFields.indexOf(f);
          let v: Value | undefined = i >= 0 ? positional[i] : undefined;
          if (i >= 0 && v !== undefined && args.keywords.has(name)) interp.raise('TypeError', `${cls.name}.__init__() got multiple values for argument '${name}'`, site);
          if (i >= 0) v ??= args.keywords.get(name);
          if (v === undefined && !isMissing(f.attrs.get('default'))) v = f.attrs.get('default');
          if (v === undefined && !isMissing(f.attrs.get('default_factory'))) v = interp.call(f.attrs.get('default_factory')!, { positional: [], keywords: noKeywords }, site);
          if (v === undefined) {
            if (i < 0) continue;
            interp.raise('TypeError', `${cls.name}.__init__() missing 1 required positional argument: '${name}'`, site);
          }
          self.attrs.set(name, v);
        }
        const post = interp.lookupClassAttr(cls, '__post_init__');
        if (post) interp.call({ kind: 'method', self, func: post }, { positional: [], keywords: noKeywords }, site);
        return NONE;
      }, true));
    }
    if (!cls.attrs.has('__eq__') && interp.truthy(kw(options, 'eq') ?? bool(true))) {
      cls.attrs.set('__eq__', native(`${cls.name}.__eq__`, (args, site) => {
        const [a, b] = args.positional;
        if (a?.kind !== 'instance' || b?.kind !== 'instance' || a.cls !== b.cls) return bool(a === b);
        for (const f of fields.values()) {
          if (!interp.truthy(attr(f, 'compare'))) continue;
          const name = toStr(attr(f, 'name'));
          const r = interp.compare('==', a.attrs.get(name) ?? NONE, b.attrs.get(name) ?? NONE, site);
          if (r.kind === 'unknown') return r;
          if (!interp.truthy(r)) return bool(false);
        }
        return bool(true);
      }, true));
    }
    return cls;
  };

  const asdict = (v: Value, site: Site | null): Value => {
    if (isDataclassInstance(v)) return dict(fieldsOf(v.cls).map((f) => [str(f.name), asdict(v.attrs.get(f.name) ?? NONE, site)]));
    if (v.kind === 'list') return list(v.items.map((x) => asdict(x, site)));
    if (v.kind === 'tuple') return { ...v, items: v.items.map((x) => asdict(x, site)) };
    if (v.kind === 'dict') return dict([...v.entries.values()].map((e) => [asdict(e.key, site), asdict(e.value, site)]), v.cls);
    return deepCopy(v, new Map());
  };

  return nativeModuleObject('dataclasses', {
    MISSING, Field: fieldClass,
    dataclass: fn('dataclasses.dataclass', (args) => {
      const target = args.positional[0];
      if (target?.kind === 'class') return process(target, args);
      return fn('dataclass.decorator', (inner) => {
        const t = inner.positional[0];
        return t?.kind === 'class' ? process(t, args) : t ?? NONE;
      });
    }),
    field: fn('dataclasses.field', (args, site) => {
      if (!isMissing(kw(args, 'default')) && !isMissing(kw(args, 'default_factory'))) {
        interp.raise('ValueError', 'cannot specify both default and default_factory', site);
      }
      return makeField(args);
    }),
    fields: fn('dataclasses.fields', (args, site) => {
      const v = args.positional[0] ?? NONE;
      const cls = v.kind === 'class' ? v : v.kind === 'instance' ? v.cls : null;
      if (!cls || !cls.attrs.has('__dataclass_fields__')) return interp.raise('TypeError', 'must be called with a dataclass type or instance', site);
      return tuple(fieldsOf(cls).map((f) => f.field));
    }),
    is_dataclass: fn('dataclasses.is_dataclass', (args) => {
      const v = args.positional[0] ?? NONE;
      const cls = v.kind === 'class' ? v : v.kind === 'instance' ? v.cls : null;
      return bool(!!cls && cls.attrs.has('__dataclass_fields__'));
    }),
    asdict: fn('dataclasses.asdict', (args, site) => {
      const v = args.positional[0] ?? NONE;
      if (!isDataclassInstance(v)) return interp.raise('TypeError', 'asdict() should be called on dataclass instances', site);
      return asdict(v, site);
    }),
    astuple: fn('dataclasses.astuple', (args, site) => {
      const v = args.positional[0] ?? NONE;
      if (!isDataclassInstance(v)) return interp.raise('TypeError', 'astuple() should be called on dataclass instances', site);
      return tuple(fieldsOf(v.cls).map((f) => asdict(v.attrs.get(f.name) ?? NONE, site)));
    }),
    replace: fn('dataclasses.replace', (args, site) => {
      const v = args.positional[0] ?? NONE;
      if (!isDataclassInstance(v)) return interp.raise('TypeError', 'replace() should be called on dataclass instances', site);
      const keywords = new Map<string, Value>();
      for (const f of fieldsOf(v.cls)) {
        if (!interp.truthy(attr(f.field, 'init'))) {
          if (args.keywords.has(f.name)) interp.raise('ValueError', `field ${f.name} is declared with init=False, it cannot be specified with replace()`, site);
          continue;
        }
        keywords.set(f.name, v.attrs.get(f.name) ?? NONE);
      }
      for (const [k, x] of args.keywords) keywords.set(k, x);
      return interp.call(v.cls, { positional: [], keywords }, site);
    }),
  });
}

// ---------- enum ----------

function makeEnum(interp: Interpreter): ModuleObjectValue {
  const object = interp.objectClass;
  const typeClass = interp.builtins.get('type') as ClassValue;
  const enumMeta = makeClass('EnumMeta', [typeClass], {}, 'enum');
  const enumClass = makeClass('Enum', [object], {}, 'enum');
  enumClass.attrs.set('__metaclass__', enumMeta);
  const autoClass = makeClass('auto', [object], {}, 'enum');
  autoClass.construct = () => newInstance(autoClass);

  // Members are instances of the enum class; members of an enum mixed with str or int
  // (`class Format(str, Enum)`) are str/int values carrying the class, as in Python.
  type Member = Value & { attrs: Map<string, Value> };
  const isMember = (v: Value): v is Member => v.kind === 'instance' || ((v.kind === 'str' || v.kind === 'int') && !!v.cls && !!v.attrs);
  const memberClass = (v: Value): ClassValue | undefined => (v.kind === 'instance' ? v.cls : subclassOf(v));
  const membersOf = (cls: ClassValue): Map<string, Member> => {
    const map = cls.attrs.get('_member_map_');
    const out = new Map<string, Member>();
    if (map?.kind === 'dict') for (const e of map.entries.values()) if (e.key.kind === 'str' && isMember(e.value)) out.set(e.key.value, e.value);
    return out;
  };
  /** Canonical members in definition order (aliases left out), as iteration gives them. */
  const canonical = (cls: ClassValue): Member[] => {
    const seen = new Set<Value>();
    return [...membersOf(cls).values()].filter((m) => !seen.has(m) && !!seen.add(m));
  };
  const isDescriptor = (v: Value): boolean =>
    ['function', 'native', 'classmethod', 'staticmethod', 'property', 'class'].includes(v.kind);
  const isSunder = (n: string): boolean => n.length > 2 && n.startsWith('_') && n.endsWith('_') && n[1] !== '_' && n[n.length - 2] !== '_';
  const isDunder = (n: string): boolean => n.length > 4 && n.startsWith('__') && n.endsWith('__');

  // EnumMeta.__init__ runs on each new Enum class: class attributes that are not descriptors,
  // dunders or _sunder_ names become members; a value equal to an earlier member's is an alias.
  enumMeta.attrs.set('__init__', native('EnumMeta.__init__', (args, site) => {
    const cls = args.positional[0];
    if (cls?.kind !== 'class') return NONE;
    const ignoreV = cls.attrs.get('_ignore_');
    const ignore = new Set(ignoreV ? (ignoreV.kind === 'str' ? ignoreV.value.split(/[\s,]+/) : interp.toArray(ignoreV, site).map(toStr)) : []);
    const candidates = [...cls.attrs].filter(([n, v]) => !isDunder(n) && !isSunder(n) && !ignore.has(n) && !n.startsWith(`_${cls.name}__`) && !isDescriptor(v));
    if (!candidates.length) return NONE;
    if (membersOf(cls).size) return NONE;
    const baseWithMembers = cls.mro.slice(1).find((c) => membersOf(c).size > 0);
    if (baseWithMembers) interp.raise('TypeError', `${cls.name}: cannot extend ${baseWithMembers.name}`, site);
    const memberMap = dict();
    const values: [Value, Member][] = [];
    const mixin = cls.mro.find((c) => c.construct && c !== autoClass);
    const init = interp.lookupClassAttr(cls, '__init__');
    const generate = interp.lookupClassAttr(cls, '_generate_next_value_');
    for (const [name, raw] of candidates) {
      let value = raw;
      if (value.kind === 'instance' && value.cls === autoClass) {
        const last = values.map(([v]) => v);
        if (generate) {
          const g = generate.kind === 'staticmethod' || generate.kind === 'classmethod' ? generate.func : generate;
          value = interp.call(g, { positional: [str(name), int(1), int(values.length), list(last)], keywords: noKeywords }, site);
        } else {
          const prev = last[last.length - 1];
          value = prev === undefined ? int(1) : prev.kind === 'int' ? int(prev.value + 1) : unknown('enum.auto() after a non-integer value', site);
        }
      }
      const alias = values.find(([v]) => identical(v, value) || valuesEqual(v, value) === true);
      if (alias) {
        cls.attrs.set(name, alias[1]);
        dictSet(memberMap, str(name), alias[1]);
        continue;
      }
      let member: Member;
      if (mixin && (mixin.name === 'str' || mixin.name === 'int')) {
        // `class Format(str, Enum)`: the member is the str (or int) itself, of the enum's class.
        const raw = value.kind === 'tuple' && value.items.length === 1 ? value.items[0]! : value;
        if (mixin.name === 'str' ? raw.kind !== 'str' : raw.kind !== 'int') {
          cls.attrs.set(name, unknown(`${cls.name}.${name}: a ${mixin.name} enum member made from ${typeName(raw)} is not modelled`, site));
          continue;
        }
        member = { kind: raw.kind, value: (raw as { value: unknown }).value, cls, attrs: new Map([['_name_', str(name)], ['_value_', raw]]) } as Member;
        values.push([raw, member]);
        cls.attrs.set(name, member);
        dictSet(memberMap, str(name), member);
        continue;
      }
      member = newInstance(cls, [['_name_', str(name)], ['_value_', value]]);
      if (init && init.kind === 'function') {
        const initArgs = value.kind === 'tuple' ? value.items : [value];
        interp.call({ kind: 'method', self: member, func: init }, { positional: initArgs, keywords: noKeywords }, site);
      }
      values.push([member.attrs.get('_value_') ?? value, member]);
      cls.attrs.set(name, member);
      dictSet(memberMap, str(name), member);
    }
    // Members of an enum mixed with another builtin type (float, tuple ...) are values of that
    // type too: plain instances would compare wrong, so they are Unknown.
    if (mixin && mixin.name !== 'str' && mixin.name !== 'int') {
      for (const e of memberMap.entries.values()) {
        const name = toStr(e.key);
        cls.attrs.set(name, unknown(`${cls.name}.${name}: members of an enum mixed with ${mixin.name} are not modelled`, site));
      }
      return NONE;
    }
    cls.attrs.set('_member_map_', memberMap);
    cls.attrs.set('_member_names_', list(canonical(cls).map((m) => m.attrs.get('_name_') ?? NONE)));
    return NONE;
  }, true));
  const classArg = (args: CallArgs): ClassValue | null => {
    const c = args.positional[0];
    return c?.kind === 'class' ? c : null;
  };
  enumMeta.attrs.set('__getitem__', native('EnumMeta.__getitem__', (args, site) => {
    const cls = classArg(args);
    const key = args.positional[1] ?? NONE;
    if (!cls) return unknown('Enum lookup on a non-class', site);
    if (key.kind === 'unknown') return unknown(`${cls.name}[${key.reason}]`, site);
    const m = key.kind === 'str' ? membersOf(cls).get(key.value) : undefined;
    return m ?? interp.raise('KeyError', repr(key), site);
  }, true));
  enumMeta.attrs.set('__iter__', native('EnumMeta.__iter__', (args) => {
    const cls = classArg(args);
    return iterator(cls ? canonical(cls) : []);
  }, true));
  enumMeta.attrs.set('__len__', native('EnumMeta.__len__', (args) => {
    const cls = classArg(args);
    return int(cls ? canonical(cls).length : 0);
  }, true));
  enumMeta.attrs.set('__contains__', native('EnumMeta.__contains__', (args) => {
    const cls = classArg(args);
    const v = args.positional[1];
    return bool(!!cls && !!v && canonical(cls).some((m) => m === v));
  }, true));
  enumMeta.attrs.set('__members__', {
    kind: 'property', setter: null,
    getter: native('EnumMeta.__members__', (args) => {
      const cls = classArg(args);
      return dict(cls ? [...membersOf(cls)].map(([k, m]) => [str(k), m]) : []);
    }),
  });
  // `Color(1)`: the member with that value (the interpreter calls a native metaclass `__call__`).
  enumMeta.attrs.set('__call__', native('EnumMeta.__call__', (args, site) => {
    const cls = classArg(args);
    const value = args.positional[1];
    if (!cls) return unknown('Enum call on a non-class', site);
    if (!value || args.positional.length > 2 || args.keywords.size) return unknown(`the functional Enum API (${cls.name}(...)) is not modelled`, site);
    if (value.kind === 'unknown') return unknown(`${cls.name}(${value.reason})`, site);
    if (isMember(value) && memberClass(value) === cls) return value;
    const hit = canonical(cls).find((m) => {
      const v = m.attrs.get('_value_') ?? NONE;
      return identical(v, value) || valuesEqual(v, value) === true;
    });
    return hit ?? interp.raise('ValueError', `${repr(value)} is not a valid ${cls.name}`, site);
  }, true));
  const memberAttr = (name: string) => ({
    kind: 'property' as const, setter: null,
    getter: native(`Enum.${name}`, (args, site) => {
      const self = args.positional[0];
      return self && isMember(self) ? self.attrs.get(`_${name}_`) ?? unknown(`Enum.${name} of a non-member`, site) : unknown(`Enum.${name}`, site);
    }),
  });
  enumClass.attrs.set('name', memberAttr('name'));
  enumClass.attrs.set('value', memberAttr('value'));
  enumClass.attrs.set('__str__', native('Enum.__str__', (args) => {
    const self = args.positional[0];
    return str(self && isMember(self) ? `${memberClass(self)!.name}.${toStr(self.attrs.get('_name_') ?? NONE)}` : '?');
  }, true));
  enumClass.attrs.set('__hash__', native('Enum.__hash__', (args) => int(args.positional[0]?.kind === 'instance' ? args.positional[0].id : 0), true));
  const intEnum = makeClass('IntEnum', [interp.builtins.get('int') as ClassValue, enumClass], {}, 'enum');
  const strEnum = makeClass('StrEnum', [interp.builtins.get('str') as ClassValue, enumClass], {}, 'enum');
  const flag = makeClass('Flag', [enumClass], {}, 'enum');
  return nativeModuleObject('enum', {
    Enum: enumClass, IntEnum: intEnum, StrEnum: strEnum, Flag: flag, IntFlag: makeClass('IntFlag', [interp.builtins.get('int') as ClassValue, flag], {}, 'enum'),
    EnumMeta: enumMeta, EnumType: enumMeta, auto: autoClass,
    unique: fn('enum.unique', (args) => args.positional[0] ?? NONE),
  });
}

// ---------- inspect ----------

const PARAMETER_KINDS = ['POSITIONAL_ONLY', 'POSITIONAL_OR_KEYWORD', 'VAR_POSITIONAL', 'KEYWORD_ONLY', 'VAR_KEYWORD'] as const;
const KIND_OF: Record<Param['kind'], number> = { posonly: 0, normal: 1, varargs: 2, kwonly: 3, varkw: 4 };

function makeInspect(interp: Interpreter): ModuleObjectValue {
  const object = interp.objectClass;
  const empty = makeClass('_empty', [object], {}, 'inspect');
  const parameterClass = makeClass('Parameter', [object], {}, 'inspect');
  PARAMETER_KINDS.forEach((k, i) => parameterClass.attrs.set(k, int(i)));
  parameterClass.attrs.set('empty', empty);
  const signatureClass = makeClass('Signature', [object], {}, 'inspect');
  signatureClass.attrs.set('empty', empty);

  /** The Python function behind a callable and how many leading parameters are already bound. */
  const target = (v: Value, site: Site | null): { fn: FunctionValue; skip: number } | null => {
    switch (v.kind) {
      case 'function': return { fn: v, skip: 0 };
      case 'method': {
        const inner = target(v.func, site);
        return inner ? { fn: inner.fn, skip: inner.skip + 1 } : null;
      }
      case 'staticmethod': case 'classmethod': return target(v.func, site);
      case 'class': {
        const init = interp.lookupClassAttr(v, '__init__');
        if (!init || init.kind !== 'function') return null;
        return { fn: init, skip: 1 };
      }
      case 'instance': {
        const wrapped = v.attrs.get('__wrapped__');
        if (wrapped) return target(wrapped, site);
        const call = interp.lookupClassAttr(v.cls, '__call__');
        if (!call || call.kind !== 'function') return null;
        return { fn: call, skip: 1 };
      }
      default: return null;
    }
  };
  const signature = (v: Value, site: Site | null): Value => {
    const followed = v.kind === 'function' && v.attrs.get('__wrapped__') ? v.attrs.get('__wrapped__')! : v;
    const t = target(followed, site);
    if (!t) return unknown(`inspect.signature of ${typeName(v)} is not modelled`, site);
    const params = dict();
    for (const p of t.fn.params.slice(t.skip)) {
      const param = newInstance(parameterClass, [
        ['name', str(p.name)], ['kind', int(KIND_OF[p.kind])],
        ['default', t.fn.defaults.get(p.name) ?? empty],
        ['annotation', p.annotation ? unknown('annotations are not evaluated by the analysis', site) : empty],
      ]);
      dictSet(params, str(p.name), param);
    }
    return newInstance(signatureClass, [['parameters', params], ['return_annotation', unknown('annotations are not evaluated by the analysis', site)]]);
  };
  return nativeModuleObject('inspect', {
    signature: fn('inspect.signature', (a, site) => signature(a.positional[0] ?? NONE, site)),
    Parameter: parameterClass, Signature: signatureClass, _empty: empty,
    isclass: fn('inspect.isclass', (a) => bool(a.positional[0]?.kind === 'class')),
    isfunction: fn('inspect.isfunction', (a) => bool(a.positional[0]?.kind === 'function')),
    ismethod: fn('inspect.ismethod', (a) => bool(a.positional[0]?.kind === 'method')),
    ismodule: fn('inspect.ismodule', (a) => bool(a.positional[0]?.kind === 'pymodule')),
    isgeneratorfunction: fn('inspect.isgeneratorfunction', (_a, site) => unknown('inspect.isgeneratorfunction is not modelled', site)),
    getmembers: fn('inspect.getmembers', (a, site) => {
      const [obj, pred] = a.positional;
      if (!obj || obj.kind !== 'pymodule') return unknown('inspect.getmembers of a non-module', site);
      const out: Value[] = [];
      for (const [k, v] of [...obj.attrs].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
        if (pred && pred.kind !== 'none' && !interp.truthy(interp.call(pred, { positional: [v], keywords: noKeywords }, site))) continue;
        out.push(tuple([str(k), v]));
      }
      return list(out);
    }),
  });
}

// ---------- contextlib ----------

function makeContextlib(interp: Interpreter): ModuleObjectValue {
  const object = interp.objectClass;
  const manager = (name: string, enter: (self: InstanceValue, site: Site | null) => Value): ClassValue => {
    const cls = makeClass(name, [object], {}, 'contextlib');
    cls.attrs.set('__enter__', native(`${name}.__enter__`, (args, site) => enter(args.positional[0] as InstanceValue, site), true));
    cls.attrs.set('__exit__', native(`${name}.__exit__`, () => bool(false), true));
    cls.attrs.set('__call__', native(`${name}.__call__`, (args) => args.positional[1] ?? NONE, true));
    return cls;
  };
  // A @contextmanager function returns this object. In a `with` statement the interpreter drives
  // the generator itself (the body runs at the yield); `__enter__` called directly (ExitStack)
  // runs the generator whole and gives its first yielded value.
  const generatorManager = manager('_GeneratorContextManager', (self, site) => {
    const gen = interp.generatorContexts.get(self);
    if (!gen) return unknown('a @contextmanager object the analysis did not make', site);
    const result = interp.call(gen.fn, gen.args, site);
    if (result.kind === 'unknown') return result;
    return interp.toArray(result, site)[0] ?? interp.raise('RuntimeError', "generator didn't yield", site);
  });
  const nullcontext = manager('nullcontext', (self) => self.attrs.get('enter_result') ?? NONE);
  nullcontext.construct = (args) => newInstance(nullcontext, [['enter_result', args.positional[0] ?? args.keywords.get('enter_result') ?? NONE]]);
  const suppress = manager('suppress', () => NONE);
  suppress.construct = () => newInstance(suppress);
  return nativeModuleObject('contextlib', {
    contextmanager: fn('contextlib.contextmanager', (args) => {
      const f = args.positional[0] ?? NONE;
      const name = f.kind === 'function' ? f.qualname : '?';
      // Binds `self` when stored on a class (`@contextmanager def frozen(self): ...`).
      return native(`${name}`, (callArgs) => {
        const made = newInstance(generatorManager, [['name', str(name)]]);
        interp.generatorContexts.set(made, { fn: f, args: { positional: [...callArgs.positional], keywords: new Map(callArgs.keywords) } });
        return made;
      }, true);
    }),
    nullcontext, suppress,
  });
}

// ---------- collections.deque, sys.modules, urllib.parse ----------

/** `collections.deque`: a list whose class is deque, with the methods at the left end. */
function makeDeque(interp: Interpreter): ClassValue {
  const listType = interp.builtins.get('list') as ClassValue;
  const deque: ClassValue = makeClass('deque', [listType], {}, 'collections');
  deque.construct = (args, site) => {
    const src = args.positional[0] ?? args.keywords.get('iterable');
    if (src?.kind === 'unknown') return src;
    const made = list(src && src.kind !== 'none' ? interp.toArray(src, site) : []);
    made.cls = deque;
    const maxlen = args.positional[1] ?? args.keywords.get('maxlen');
    if (maxlen?.kind === 'int') made.items.splice(0, Math.max(0, made.items.length - maxlen.value));
    return made;
  };
  const items = (self: Value | undefined): Value[] => (self?.kind === 'list' ? self.items : []);
  const method = (name: string, f: (self: Value[], args: Value[], site: Site | null) => Value) =>
    deque.attrs.set(name, native(`deque.${name}`, (args, site) => f(items(args.positional[0]), args.positional.slice(1), site), true));
  method('appendleft', (self, [v]) => { self.unshift(v ?? NONE); return NONE; });
  method('popleft', (self, _a, site) => (self.length ? self.shift()! : interp.raise('IndexError', 'pop from an empty deque', site)));
  method('extendleft', (self, [v], site) => { for (const x of interp.toArray(v ?? NONE, site)) self.unshift(x); return NONE; });
  method('rotate', (self, [n]) => {
    const k = n && isNumber(n) ? numberOf(n) : 1;
    if (self.length) for (let i = 0; i < ((k % self.length) + self.length) % self.length; i++) self.unshift(self.pop()!);
    return NONE;
  });
  return deque;
}

/** `sys.modules`: reading a name gives the module the analysis loaded under it. */
function makeSysModules(interp: Interpreter): Value {
  const cls = makeClass('_SysModules', [interp.objectClass], {}, 'sys');
  const name = (args: CallArgs): string | null => (args.positional[1]?.kind === 'str' ? (args.positional[1] as { value: string }).value : null);
  cls.attrs.set('__getitem__', native('sys.modules.__getitem__', (args, site) => {
    const n = name(args);
    if (n === null) return unknown('sys.modules of an unknown name', site);
    return interp.moduleNamed(n) ?? interp.raise('KeyError', `'${n}'`, site);
  }, true));
  cls.attrs.set('get', native('sys.modules.get', (args) => {
    const n = name(args);
    return (n !== null && interp.moduleNamed(n)) || (args.positional[2] ?? NONE);
  }, true));
  cls.attrs.set('__contains__', native('sys.modules.__contains__', (args, site) => {
    const n = name(args);
    return n === null ? unknown('sys.modules of an unknown name', site) : bool(interp.moduleNamed(n) !== null);
  }, true));
  cls.attrs.set('__setitem__', native('sys.modules.__setitem__', () => NONE, true));
  return { kind: 'instance', id: newId(), cls, attrs: new Map() };
}

/** `urllib.parse.urlsplit` / `urlparse` on a string, as `SplitResult(scheme, netloc, path, query, fragment)`. */
function makeUrllibParse(interp: Interpreter): ModuleObjectValue {
  const tupleType = interp.builtins.get('tuple') as ClassValue;
  const result = (clsName: string, fields: string[]): ClassValue => {
    const cls = makeClass(clsName, [tupleType], {}, 'urllib.parse');
    cls.attrs.set('_fields', tuple(fields.map(str)));
    return cls;
  };
  const splitResult = result('SplitResult', ['scheme', 'netloc', 'path', 'query', 'fragment']);
  const parseResult = result('ParseResult', ['scheme', 'netloc', 'path', 'params', 'query', 'fragment']);
  const split = (url: string): { scheme: string; netloc: string; path: string; query: string; fragment: string } => {
    let rest = url;
    let scheme = '';
    const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
    if (m) {
      scheme = m[1]!.toLowerCase();
      rest = rest.slice(m[0].length);
    }
    let netloc = '';
    if (rest.startsWith('//')) {
      const end = rest.slice(2).search(/[/?#]/);
      netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
      rest = end < 0 ? '' : rest.slice(2 + end);
    }
    let fragment = '';
    const hash = rest.indexOf('#');
    if (hash >= 0) { fragment = rest.slice(hash + 1); rest = rest.slice(0, hash); }
    let query = '';
    const q = rest.indexOf('?');
    if (q >= 0) { query = rest.slice(q + 1); rest = rest.slice(0, q); }
    return { scheme, netloc, path: rest, query, fragment };
  };
  const urlOf = (args: CallArgs): string | null => {
    const v = args.positional[0] ?? args.keywords.get('url');
    return v?.kind === 'str' ? v.value : null;
  };
  return nativeModuleObject('urllib.parse', {
    urlsplit: fn('urllib.parse.urlsplit', (args, site) => {
      const u = urlOf(args);
      if (u === null) return unknown('urlsplit of an unknown string', site);
      const p = split(u);
      return { kind: 'tuple', items: [p.scheme, p.netloc, p.path, p.query, p.fragment].map(str), cls: splitResult };
    }),
    urlparse: fn('urllib.parse.urlparse', (args, site) => {
      const u = urlOf(args);
      if (u === null) return unknown('urlparse of an unknown string', site);
      const p = split(u);
      const semi = p.path.lastIndexOf(';');
      const [path, params] = semi >= 0 && !p.path.slice(semi).includes('/') ? [p.path.slice(0, semi), p.path.slice(semi + 1)] : [p.path, ''];
      return { kind: 'tuple', items: [p.scheme, p.netloc, path, params, p.query, p.fragment].map(str), cls: parseResult };
    }),
    quote: fn('urllib.parse.quote', (args, site) => unknown('urllib.parse.quote is not modelled', site)),
  });
}

// ---------- fnmatch ----------

/** A shell pattern (`*`, `?`, `[seq]`, `[!seq]`) as a JavaScript regular expression matching the whole name. */
export function fnmatchRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) out += '\\[';
      else {
        let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        out += `[${body}]`;
        i = j;
      }
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`);
}

/** fnmatch on POSIX: `os.path.normcase` changes nothing, so fnmatch is fnmatchcase. */
function makeFnmatch(interp: Interpreter): ModuleObjectValue {
  const text = (v: Value | undefined, what: string, site: Site | null): string | null => {
    if (v?.kind === 'str') return v.value;
    if (v?.kind === 'unknown') return null;
    return interp.raise('TypeError', `fnmatch: ${what} must be a string`, site);
  };
  const match = (args: CallArgs, site: Site | null): Value => {
    const name = text(args.positional[0] ?? args.keywords.get('name'), 'name', site);
    const pat = text(args.positional[1] ?? args.keywords.get('pat'), 'pattern', site);
    if (name === null || pat === null) return unknown('fnmatch of an unknown string', site);
    return bool(fnmatchRegex(pat).test(name));
  };
  return nativeModuleObject('fnmatch', {
    fnmatch: fn('fnmatch.fnmatch', match),
    fnmatchcase: fn('fnmatch.fnmatchcase', match),
    filter: fn('fnmatch.filter', (args, site) => {
      const names = args.positional[0] ?? args.keywords.get('names') ?? NONE;
      const pat = text(args.positional[1] ?? args.keywords.get('pat'), 'pattern', site);
      if (names.kind === 'unknown' || pat === null) return unknown('fnmatch.filter of unknown strings', site);
      const re = fnmatchRegex(pat);
      const items = interp.toArray(names, site);
      if (items.some((x) => x.kind !== 'str')) return unknown('fnmatch.filter of unknown names', site);
      return list(items.filter((x) => re.test((x as { value: string }).value)));
    }),
  });
}

// ---------- re ----------

/** Python regular expression syntax → JavaScript's (named groups, \A, \Z); `None` when a construct has no equivalent. */
function jsPattern(py: string): string | null {
  if (/\(\?[aiLmsux-]+\)|\(\?\(|\\[pP]/.test(py)) return null;
  return py.replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\A/g, '^').replace(/\\Z/g, '$(?![\\s\\S])');
}

function makeRe(interp: Interpreter): ModuleObjectValue {
  const object = interp.objectClass;
  const FLAGS: Record<string, number> = { I: 2, IGNORECASE: 2, M: 8, MULTILINE: 8, S: 16, DOTALL: 16, X: 64, VERBOSE: 64, A: 256, ASCII: 256, U: 32, UNICODE: 32 };
  const patternClass = makeClass('Pattern', [object], {}, 're');
  const matchClass = makeClass('Match', [object], {}, 're');
  const compiled = new Map<number, { source: string; regex: RegExp; groups: number; names: string[] }>();
  const matches = new Map<number, { m: RegExpExecArray; names: string[] }>();

  const compile = (p: Value, flagsV: Value | undefined, site: Site | null): { source: string; regex: RegExp; groups: number; names: string[] } | UnknownValue => {
    if (p.kind === 'instance' && p.cls === patternClass) return compiled.get(p.id)!;
    if (p.kind !== 'str') return unknown('a regular expression that is not a known string', site);
    const flags = flagsV && isNumber(flagsV) ? numberOf(flagsV) : 0;
    if (flags & FLAGS.X!) return unknown('re.VERBOSE patterns are not modelled', site);
    const source = jsPattern(p.value);
    if (source === null) return unknown(`the regular expression ${repr(p)} uses syntax the analysis does not model`, site);
    let regex: RegExp;
    try {
      regex = new RegExp(source, `gd${flags & 2 ? 'i' : ''}${flags & 8 ? 'm' : ''}${flags & 16 ? 's' : ''}u`);
    } catch (e) {
      return unknown(`the regular expression ${repr(p)} is not understood: ${e instanceof Error ? e.message : String(e)}`, site);
    }
    const probe = new RegExp(`${source}|`, 'u').exec('')!;
    const names = Object.keys(probe.groups ?? {});
    return { source, regex, groups: probe.length - 1, names };
  };
  const matchValue = (m: RegExpExecArray | null, names: string[]): Value => {
    if (!m) return NONE;
    const inst = newInstance(matchClass);
    matches.set(inst.id, { m, names });
    return inst;
  };
  const run = (c: { regex: RegExp; source: string; names: string[] }, text: string, mode: 'match' | 'search' | 'fullmatch', pos = 0): Value => {
    const source = mode === 'fullmatch' ? `(?:${c.source})$(?![\\s\\S])` : c.source;
    const r = new RegExp(source, c.regex.flags.replace('g', '') + (mode === 'search' ? 'g' : 'y'));
    r.lastIndex = pos;
    return matchValue(r.exec(text), c.names);
  };
  const all = (c: { regex: RegExp }, text: string): RegExpExecArray[] => {
    const r = new RegExp(c.regex.source, c.regex.flags);
    const out: RegExpExecArray[] = [];
    let m: RegExpExecArray | null;
    while ((m = r.exec(text))) {
      out.push(m);
      if (m[0] === '') r.lastIndex++;
    }
    return out;
  };
  const group = (m: RegExpExecArray, g: Value, names: string[], site: Site | null): Value => {
    let i: number;
    if (g.kind === 'str') {
      if (!names.includes(g.value)) interp.raise('IndexError', 'no such group', site);
      const v = m.groups?.[g.value];
      return v === undefined ? NONE : str(v);
    }
    if (!isNumber(g)) return interp.raise('IndexError', 'no such group', site);
    i = numberOf(g);
    if (i < 0 || i >= m.length) interp.raise('IndexError', 'no such group', site);
    const v = m[i];
    return v === undefined ? NONE : str(v);
  };
  const textOf = (v: Value | undefined, site: Site | null): string | null => (v?.kind === 'str' ? v.value : v?.kind === 'unknown' ? null : interp.raise('TypeError', 'expected string', site));
  const sub = (c: { regex: RegExp; names: string[]; groups: number }, repl: Value, text: string, count: number, site: Site | null): Value => {
    let n = 0;
    let failed: Value | null = null;
    const r = new RegExp(c.regex.source, c.regex.flags);
    const out = text.replace(r, (...parts: unknown[]) => {
      if (count > 0 && n >= count) return parts[0] as string;
      n++;
      const whole = parts[0] as string;
      const groups = parts.slice(1, 1 + c.groups) as (string | undefined)[];
      const named = (c.names.length ? parts[parts.length - 1] : undefined) as Record<string, string | undefined> | undefined;
      if (repl.kind === 'str') {
        return repl.value.replace(/\\(\d+)|\\g<(\w+)>|\\n|\\t|\\\\/g, (t, d: string | undefined, name: string | undefined) => {
          if (d !== undefined) return groups[Number(d) - 1] ?? '';
          if (name !== undefined) return /^\d+$/.test(name) ? (Number(name) === 0 ? whole : groups[Number(name) - 1] ?? '') : named?.[name] ?? '';
          return t === '\\n' ? '\n' : t === '\\t' ? '\t' : '\\';
        });
      }
      const fake = [whole, ...groups] as unknown as RegExpExecArray;
      const r2 = interp.call(repl, { positional: [matchValue(fake, c.names)], keywords: noKeywords }, site);
      if (r2.kind !== 'str') {
        failed = r2.kind === 'unknown' ? r2 : unknown('re.sub replacement that is not a string', site);
        return '';
      }
      return r2.value;
    });
    return failed ?? str(out);
  };
  const withPattern = (name: string, body: (c: { source: string; regex: RegExp; groups: number; names: string[] }, rest: Value[], args: CallArgs, site: Site | null) => Value, flagsAt: number) =>
    ({
      module: fn(`re.${name}`, (args, site) => {
        const c = compile(args.positional[0] ?? NONE, args.positional[flagsAt] ?? args.keywords.get('flags'), site);
        if ('kind' in c) return c;
        return body(c, args.positional.slice(1), args, site);
      }),
      method: native(`Pattern.${name}`, (args, site) => {
        const c = compiled.get((args.positional[0] as InstanceValue).id)!;
        return body(c, args.positional.slice(1), args, site);
      }, true),
    });
  const ops = {
    match: withPattern('match', (c, [t, pos], _a, site) => { const s = textOf(t, site); return s === null ? unknown('re.match on an unknown string', site) : run(c, s, 'match', pos && isNumber(pos) ? numberOf(pos) : 0); }, 2),
    search: withPattern('search', (c, [t, pos], _a, site) => { const s = textOf(t, site); return s === null ? unknown('re.search on an unknown string', site) : run(c, s, 'search', pos && isNumber(pos) ? numberOf(pos) : 0); }, 2),
    fullmatch: withPattern('fullmatch', (c, [t], _a, site) => { const s = textOf(t, site); return s === null ? unknown('re.fullmatch on an unknown string', site) : run(c, s, 'fullmatch'); }, 2),
    findall: withPattern('findall', (c, [t], _a, site) => {
      const s = textOf(t, site);
      if (s === null) return unknown('re.findall on an unknown string', site);
      const opt = (x: string | undefined): Value => str(x ?? '');
      return list(all(c, s).map((m) => (c.groups === 0 ? str(m[0]) : c.groups === 1 ? opt(m[1]) : tuple(m.slice(1).map(opt)))));
    }, 2),
    finditer: withPattern('finditer', (c, [t], _a, site) => {
      const s = textOf(t, site);
      return s === null ? unknown('re.finditer on an unknown string', site) : iterator(all(c, s).map((m) => matchValue(m, c.names)));
    }, 2),
    split: withPattern('split', (c, [t, maxV], args, site) => {
      const s = textOf(t, site);
      if (s === null) return unknown('re.split on an unknown string', site);
      const maxsplit = maxV ?? args.keywords.get('maxsplit');
      const limit = maxsplit && isNumber(maxsplit) ? numberOf(maxsplit) : 0;
      const out: Value[] = [];
      let last = 0;
      let n = 0;
      for (const m of all(c, s)) {
        if (limit > 0 && n >= limit) break;
        out.push(str(s.slice(last, m.index)));
        for (const g of m.slice(1)) out.push(g === undefined ? NONE : str(g));
        last = m.index + m[0].length;
        n++;
      }
      out.push(str(s.slice(last)));
      return list(out);
    }, 3),
    sub: withPattern('sub', (c, [repl, t, countV], args, site) => {
      const s = textOf(t, site);
      if (s === null || !repl) return unknown('re.sub on an unknown string', site);
      const count = countV ?? args.keywords.get('count');
      return sub(c, repl, s, count && isNumber(count) ? numberOf(count) : 0, site);
    }, 4),
  };
  for (const [k, v] of Object.entries(ops)) patternClass.attrs.set(k, v.method);
  patternClass.attrs.set('pattern', { kind: 'property', setter: null, getter: native('Pattern.pattern', (a) => (a.positional[0] as InstanceValue).attrs.get('pattern') ?? NONE) });
  const m = (name: string, body: (mm: { m: RegExpExecArray; names: string[] }, args: Value[], site: Site | null) => Value) =>
    matchClass.attrs.set(name, native(`Match.${name}`, (args, site) => body(matches.get((args.positional[0] as InstanceValue).id)!, args.positional.slice(1), site), true));
  m('group', (mm, args, site) => (args.length <= 1 ? group(mm.m, args[0] ?? int(0), mm.names, site) : tuple(args.map((g) => group(mm.m, g, mm.names, site)))));
  m('__getitem__', (mm, args, site) => group(mm.m, args[0] ?? int(0), mm.names, site));
  m('groups', (mm, args) => tuple(mm.m.slice(1).map((g) => (g === undefined ? args[0] ?? NONE : str(g)))));
  m('groupdict', (mm, args) => dict(mm.names.map((n) => [str(n), mm.m.groups?.[n] === undefined ? args[0] ?? NONE : str(mm.m.groups[n]!)])));
  const span = (mm: { m: RegExpExecArray }, g: Value | undefined): [number, number] => {
    const i = g && isNumber(g) ? numberOf(g) : 0;
    const ind = mm.m.indices?.[i];
    if (i === 0 && !ind) return [mm.m.index, mm.m.index + mm.m[0].length];
    return ind ? [ind[0], ind[1]] : [-1, -1];
  };
  m('start', (mm, args) => int(span(mm, args[0])[0]));
  m('end', (mm, args) => int(span(mm, args[0])[1]));
  m('span', (mm, args) => tuple(span(mm, args[0]).map(int)));
  const members: Record<string, Value> = {
    compile: fn('re.compile', (args, site) => {
      const c = compile(args.positional[0] ?? NONE, args.positional[1] ?? args.keywords.get('flags'), site);
      if ('kind' in c) return c;
      const inst = newInstance(patternClass, [['pattern', args.positional[0]!]]);
      compiled.set(inst.id, c);
      return inst;
    }),
    escape: fn('re.escape', (args, site) => {
      const s = textOf(args.positional[0], site);
      return s === null ? unknown('re.escape of an unknown string', site) : str(s.replace(/[^A-Za-z0-9_]/g, '\\$&'));
    }),
    Pattern: patternClass, Match: matchClass,
    error: makeClass('error', [interp.builtins.get('Exception') as ClassValue], { isException: true }, 're'),
  };
  for (const [k, v] of Object.entries(ops)) members[k] = v.module;
  for (const [k, v] of Object.entries(FLAGS)) members[k] = int(v);
  return nativeModuleObject('re', members);
}

function shallowCopy(v: Value): Value {
  switch (v.kind) {
    case 'list': return list([...v.items]);
    case 'dict': return { kind: 'dict', id: newId(), entries: new Map(v.entries), cls: v.cls };
    case 'set': return { ...v, id: newId(), entries: new Map(v.entries) };
    case 'instance': return { kind: 'instance', id: newId(), cls: v.cls, attrs: new Map(v.attrs), module: v.module };
    default: return v;
  }
}

function copiedParameter(p: TensorValue, seen: Map<number | TensorValue, Value>): TensorValue {
  const prior = seen.get(p);
  if (prior) return prior as TensorValue;
  const copy: TensorValue = { ...p };
  seen.set(p, copy);
  return copy;
}

function deepCopy(v: Value, seen: Map<number | TensorValue, Value>): Value {
  switch (v.kind) {
    case 'list': {
      const out = list([]);
      seen.set(v.id, out);
      out.items = v.items.map((x) => deepCopy(x, seen));
      return out;
    }
    case 'tuple': return { ...v, items: v.items.map((x) => deepCopy(x, seen)) };
    case 'dict': {
      const out = dict([], v.cls);
      for (const [k, e] of v.entries) out.entries.set(k, { key: e.key, value: deepCopy(e.value, seen) });
      return out;
    }
    case 'instance': {
      const prior = seen.get(v.id);
      if (prior) return prior;
      const out: InstanceValue = { kind: 'instance', id: newId(), cls: v.cls, attrs: new Map() };
      seen.set(v.id, out);
      for (const [k, x] of v.attrs) out.attrs.set(k, deepCopy(x, seen));
      if (v.module) {
        out.module = {
          ...v.module,
          modules: new Map([...v.module.modules].map(([k, m]) => [k, deepCopy(m, seen) as InstanceValue])),
          // Each copy owns its parameters (torch's deepcopy copies them; ties inside the copy stay
          // ties): freezing one copy's parameters must not freeze the original's.
          parameters: new Map([...v.module.parameters].map(([k, p]) => [k, p.kind === 'tensor' ? copiedParameter(p, seen) : p])),
          buffers: new Map(v.module.buffers),
          defined: v.module.defined,
        };
      }
      return out;
    }
    default: return v;
  }
}

/** Abramowitz–Stegun approximation, enough for `math.erf` in init code. */
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}
