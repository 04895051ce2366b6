// The parts of Python's standard library model code leans on: math, functools, collections,
// typing, itertools, copy, warnings, dataclasses, enum, types, operator, sys and os.path.

import { makeClass } from './builtins';
import type { Interpreter } from './interpreter';
import {
  bool, dict, dictSet, float, int, isNumber, iterator, list, native, newId, NONE, numberOf, str, tuple, unknown,
  type CallArgs, type ClassValue, type InstanceValue, type ModuleObjectValue, type NativeCall, type Site, type Value,
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
  }));

  // ----- functools -----
  const partialClass = makeClass('partial', [interp.objectClass], {}, 'functools');
  partialClass.construct = (args, site) => {
    const [f, ...rest] = args.positional;
    if (!f) return interp.raise('TypeError', 'partial needs a callable', site);
    const inst: InstanceValue = { kind: 'instance', id: newId(), cls: partialClass, attrs: new Map() };
    inst.attrs.set('func', f);
    inst.attrs.set('args', tuple(rest));
    inst.attrs.set('keywords', dict([...args.keywords].map(([k, v]) => [str(k), v])));
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
  const identityDecoratorFactory = (name: string) => fn(name, (args) => {
    const first = args.positional[0];
    // Used bare (`@lru_cache`) it gets the function; with arguments it returns a decorator.
    if (first && (first.kind === 'function' || first.kind === 'native' || first.kind === 'class')) return first;
    return fn(`${name}.decorator`, (inner) => inner.positional[0] ?? NONE);
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
    wraps: fn('functools.wraps', () => fn('functools.wraps.decorator', (inner) => inner.positional[0] ?? NONE)),
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
  modules.set('collections', nativeModuleObject('collections', {
    OrderedDict: orderedDict,
    defaultdict: defaultDict,
    namedtuple: fn('collections.namedtuple', (args, site) => namedTuple(interp, args, site)),
    Counter: unknown('collections.Counter is not modelled'),
    deque: interp.builtins.get('list')!,
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
  modules.set('itertools', nativeModuleObject('itertools', {
    chain: fn('itertools.chain', (args, site) => iterator(args.positional.flatMap((a) => interp.toArray(a, site)))),
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
    modules: dict(),
  }));
  const osPath = nativeModuleObject('os.path', {
    join: fn('os.path.join', (args) => str(args.positional.map((a) => (a.kind === 'str' ? a.value : '?')).join('/'))),
    exists: fn('os.path.exists', () => unknown('the file system is not read')),
    dirname: fn('os.path.dirname', () => unknown('the file system is not read')),
    expanduser: fn('os.path.expanduser', (args) => args.positional[0] ?? NONE),
  });
  modules.set('os.path', osPath);
  modules.set('os', nativeModuleObject('os', {
    path: osPath,
    environ: dict(),
    getenv: fn('os.getenv', (args) => args.positional[1] ?? NONE),
  }));
  modules.set('types', nativeModuleObject('types', {
    FunctionType: makeClass('function', [interp.objectClass], { instanceCheck: (v) => v.kind === 'function' }, 'types'),
    MethodType: makeClass('method', [interp.objectClass], { instanceCheck: (v) => v.kind === 'method' }, 'types'),
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

  // ----- dataclasses and enum -----
  modules.set('dataclasses', nativeModuleObject('dataclasses', {
    dataclass: fn('dataclasses.dataclass', (args) => {
      const target = args.positional[0];
      if (target?.kind === 'class') return makeDataclass(interp, target);
      return fn('dataclass.decorator', (inner) => {
        const t = inner.positional[0];
        return t?.kind === 'class' ? makeDataclass(interp, t) : t ?? NONE;
      });
    }),
    field: fn('dataclasses.field', (args) => {
      const d = args.keywords.get('default');
      const factory = args.keywords.get('default_factory');
      const inst = dict([[str('__field__'), bool(true)], [str('default'), d ?? unknown('no default')], [str('default_factory'), factory ?? NONE]]);
      return inst;
    }),
    asdict: fn('dataclasses.asdict', (args) => {
      const v = args.positional[0];
      return v?.kind === 'instance' ? dict([...v.attrs].map(([k, x]) => [str(k), x])) : unknown('asdict of a non-dataclass');
    }),
    replace: fn('dataclasses.replace', (args) => {
      const v = args.positional[0];
      if (v?.kind !== 'instance') return unknown('replace of a non-dataclass');
      const copy: InstanceValue = { kind: 'instance', id: newId(), cls: v.cls, attrs: new Map([...v.attrs, ...args.keywords]) };
      return copy;
    }),
  }));
  const enumClass = makeClass('Enum', [interp.objectClass], {}, 'enum');
  modules.set('enum', nativeModuleObject('enum', {
    Enum: enumClass,
    IntEnum: makeClass('IntEnum', [enumClass], {}, 'enum'),
    EnumMeta: makeClass('EnumMeta', [interp.objectClass], {}, 'enum'),
    EnumType: makeClass('EnumMeta', [interp.objectClass], {}, 'enum'),
    Flag: makeClass('Flag', [enumClass], {}, 'enum'),
    auto: fn('enum.auto', () => unknown('enum.auto()')),
    unique: fn('enum.unique', (args) => args.positional[0] ?? NONE),
  }));
  modules.set('abc', nativeModuleObject('abc', {
    ABC: makeClass('ABC', [interp.objectClass], {}, 'abc'),
    ABCMeta: makeClass('ABCMeta', [interp.objectClass], {}, 'abc'),
    abstractmethod: fn('abc.abstractmethod', (args) => args.positional[0] ?? NONE),
  }));
  modules.set('inspect', nativeModuleObject('inspect', {
    signature: fn('inspect.signature', (_a, site) => unknown('inspect.signature is not modelled', site)),
    isclass: fn('inspect.isclass', (a) => bool(a.positional[0]?.kind === 'class')),
    isfunction: fn('inspect.isfunction', (a) => bool(a.positional[0]?.kind === 'function')),
  }));
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

/** `@dataclass`: an `__init__` from the annotated fields, with their defaults. */
function makeDataclass(interp: Interpreter, cls: ClassValue): Value {
  const fields: { name: string; default: Value | undefined; factory: Value | undefined }[] = [];
  for (const c of [...cls.mro].reverse()) {
    const ann = c.attrs.get('__annotations__');
    if (!ann || ann.kind !== 'dict') continue;
    for (const e of ann.entries.values()) {
      if (e.key.kind !== 'str') continue;
      const name = e.key.value;
      let d = c.attrs.get(name);
      let factory: Value | undefined;
      if (d && d.kind === 'dict' && d.entries.has('s:__field__')) {
        const f = [...d.entries.values()];
        const dv = f.find((x) => x.key.kind === 'str' && x.key.value === 'default')!.value;
        const fv = f.find((x) => x.key.kind === 'str' && x.key.value === 'default_factory')!.value;
        d = dv.kind === 'unknown' ? undefined : dv;
        factory = fv.kind === 'none' ? undefined : fv;
      }
      const existing = fields.findIndex((x) => x.name === name);
      const entry = { name, default: d, factory };
      if (existing >= 0) fields[existing] = entry;
      else fields.push(entry);
    }
  }
  cls.attrs.set('__init__', native(`${cls.name}.__init__`, (args, site) => {
    const self = args.positional[0];
    if (self?.kind !== 'instance') return NONE;
    fields.forEach((f, i) => {
      let v = args.positional[i + 1] ?? args.keywords.get(f.name) ?? f.default;
      if (v === undefined && f.factory) v = interp.call(f.factory, { positional: [], keywords: new Map() }, site);
      if (v === undefined) interp.raise('TypeError', `${cls.name}.__init__() missing required argument '${f.name}'`, site);
      self.attrs.set(f.name, v);
    });
    const post = interp.lookupClassAttr(cls, '__post_init__');
    if (post) interp.call({ kind: 'method', self, func: post }, { positional: [], keywords: new Map() }, site);
    return NONE;
  }, true));
  return cls;
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

function deepCopy(v: Value, seen: Map<number, Value>): Value {
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
          parameters: new Map(v.module.parameters),
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
