// The values of the abstract interpreter: Python's objects, with tensors replaced by shapes and
// geometry (ops/types.ts) and anything that cannot be known replaced by Unknown with a reason.

import type { Tensor } from '../ops/types';
import type { ModuleSpec } from '../ops/types';
import type { FunctionDef, LambdaExpr, Param } from './ast';
import type { LineIndex } from './lineIndex';

/** A source file the interpreter has loaded. */
export interface SourceFile {
  path: string;
  text: string;
  lines: LineIndex;
  /** Code the program built as a string and gave to `exec` / `eval`: what happens in it is
   *  reported at that call. */
  origin?: Site;
}

/** A place in a source file, kept as offsets until a report needs line and column. */
export interface Site {
  file: SourceFile;
  from: number;
  to: number;
}

let nextId = 1;
export const newId = (): number => nextId++;
/** The id the next value will get: values made between two readings are known by their ids. */
export const peekId = (): number => nextId;

export interface NoneValue { kind: 'none' }
export interface BoolValue { kind: 'bool'; value: boolean }
/** `cls`/`attrs` on an int or str: a member of an enum mixed with int or str (`class Format(str, Enum)`). */
/** A Python int. `value` is exact up to 2^53; beyond, `big` holds the exact value (Python ints have
 *  no bound) and `value` only the nearest double, for the places that accept an approximation. */
export interface IntValue { kind: 'int'; value: number; big?: bigint; cls?: ClassValue; attrs?: Map<string, Value> }
export interface FloatValue { kind: 'float'; value: number }
export interface StrValue { kind: 'str'; value: string; cls?: ClassValue; attrs?: Map<string, Value> }
export interface EllipsisValue { kind: 'ellipsis' }
/** `cls` and `attrs` are set on instances of subclasses of the builtin types (`class Info(list)`,
 *  namedtuple classes, OrderedDict): the value is the builtin one, its class the subclass. */
export interface TupleValue { kind: 'tuple'; items: Value[]; /** set for namedtuple and tuple-subclass instances */ cls?: ClassValue; attrs?: Map<string, Value> }
export interface ListValue { kind: 'list'; id: number; items: Value[]; /** set for list-subclass instances */ cls?: ClassValue; attrs?: Map<string, Value> }
export interface DictEntry { key: Value; value: Value }
export interface DictValue { kind: 'dict'; id: number; entries: Map<string, DictEntry>; /** OrderedDict and friends */ cls?: ClassValue; attrs?: Map<string, Value> }
export interface SetValue { kind: 'set'; id: number; entries: Map<string, Value>; frozen: boolean }
export interface RangeValue { kind: 'range'; start: number; stop: number; step: number }
export interface SliceValue { kind: 'slice'; start: Value; stop: Value; step: Value }

/** A tensor: shape + geometry. `parameter` marks nn.Parameter. */
export type TensorValue = Tensor & { parameter?: boolean };

export interface UnknownValue {
  kind: 'unknown';
  reason: string;
  site: Site | null;
  /** A Python number whose value is not known (`.item()` / `.tolist()` of a tensor whose values
   *  the analysis does not know): never a module or a parameter, so keeping one on a module
   *  cannot change a model's layers. */
  numeric?: true;
}

export interface Scope {
  vars: Map<string, Value>;
  parent: Scope | null;
  /** The module-level scope the code was defined in. */
  globals: Scope;
  globalNames?: Set<string>;
  nonlocalNames?: Set<string>;
  /** Module scopes remember their file. */
  file: SourceFile;
  /** Class bodies are skipped when functions defined inside them look names up. */
  isClassBody?: boolean;
}

export interface FunctionValue {
  kind: 'function';
  id: number;
  name: string;
  qualname: string;
  node: FunctionDef | LambdaExpr;
  params: Param[];
  defaults: Map<string, Value>;
  closure: Scope;
  file: SourceFile;
  attrs: Map<string, Value>;
  /** The class whose body defined the function: zero-argument `super()` uses it. */
  ownerClass?: ClassValue;
}

export interface CallSite {
  site: Site | null;
}

/** Arguments of a call, after `*args`/`**kwargs` expansion. */
export interface CallArgs {
  positional: Value[];
  /** Read-only: calls without keywords share one empty map. */
  keywords: ReadonlyMap<string, Value>;
}

export type NativeCall = (args: CallArgs, site: Site | null) => Value;
/** `self` is undefined only when Python code calls the unbound method with no arguments at all. */
export type NativeCallWithSelf = (self: Value | undefined, args: CallArgs, site: Site | null) => Value;

export interface NativeFunctionValue {
  kind: 'native';
  id: number;
  name: string;
  call: NativeCall;
  /** Unbound natives stored on classes take `self` as their first positional argument and get
   *  bound on attribute access, like Python functions. */
  bindsSelf?: boolean;
  /** For a native that binds self: the same call with `self` apart from the other arguments, so
   *  a method call (every layer call goes through two: `Module.__call__`, then `forward`) builds
   *  no argument array with `self` prepended for `call` to slice off again. */
  callWithSelf?: NativeCallWithSelf;
  /** Builtins that read the caller's namespace (`exec`, `eval`, `globals`, `locals`, `vars()`,
   *  `dir()`): a direct call `f(...)` is given the scope it is made in. */
  withScope?: (args: CallArgs, scope: Scope, site: Site) => Value;
}

export interface ClassValue {
  kind: 'class';
  id: number;
  name: string;
  qualname: string;
  bases: ClassValue[];
  mro: ClassValue[];
  attrs: Map<string, Value>;
  /** Module name for `__module__`. */
  moduleName: string;
  site: Site | null;
  /** For builtin types: makes an instance from call arguments (int(), list(), ...). */
  construct?: NativeCall;
  /** For builtin types: whether a non-instance value is an instance (`isinstance(3, int)`). */
  instanceCheck?: (value: Value) => boolean;
  /** Leaf nn modules the op catalogue knows. */
  moduleSpec?: ModuleSpec;
  /** The class is a subclass of BaseException. */
  isException?: boolean;
}

export interface ModuleState {
  /** Registered submodules in order (`_modules`), None entries allowed. */
  modules: Map<string, InstanceValue | NoneValue>;
  /** Registered parameters (`_parameters`), None entries allowed. */
  parameters: Map<string, TensorValue | NoneValue>;
  buffers: Map<string, Value>;
  /** Buffers registered with `persistent=False`: in `named_buffers()`, not in `state_dict()`. */
  nonPersistent?: Set<string>;
  /** Set for leaf modules of the op catalogue. */
  /** `description` is the op's short argument text, made once. */
  native: {
    spec: ModuleSpec;
    config: unknown;
    description: string;
    /** The attribute values the config was built from (`conv.stride`, …): code may assign new
     *  ones after construction, which PyTorch's forward reads. Two parallel arrays, not a Map:
     *  every forward call compares them. */
    builtFrom?: { names: string[]; values: (Value | undefined)[] };
    /** The operator arguments the config was built from. */
    opArgs?: Record<string, unknown>;
    /** The attributes (a WriteCountingMap) last found equal to `builtFrom`, and their write count
     *  then: while both are the same, forward need not compare them again. (Copies of a module
     *  may share this state, so the map is named, not only its count.) */
    checkedAttrs?: WriteCountingMap<string, Value> | null;
    checkedAtWrites?: number;
    /** The parameters (`_parameters` values, in order) the config was built from: code may
     *  replace them (`conv.weight = nn.Parameter(...)`), and forward uses the new ones. */
    builtParams?: Value[];
  } | null;
  /** Where the module object was made, innermost first. */
  defined: Site[];
}

export interface InstanceValue {
  kind: 'instance';
  id: number;
  cls: ClassValue;
  attrs: Map<string, Value>;
  /** Present on nn.Module instances. */
  module?: ModuleState;
  /** `Interpreter.problems` indices [from, to) noted while its `__init__` ran, when there were any. */
  problemsWhileBuilt?: [number, number];
}

export interface BoundMethodValue { kind: 'method'; self: Value; func: Value }
export interface PropertyValue { kind: 'property'; getter: Value; setter: Value | null }
export interface StaticMethodValue { kind: 'staticmethod'; func: Value }
export interface ClassMethodValue { kind: 'classmethod'; func: Value }
/** `super()` bound to a class position in the MRO and an object. */
export interface SuperValue { kind: 'super'; cls: ClassValue; self: Value }
/** A Python module object (`torch`, `math`, or a user file). */
export interface ModuleObjectValue {
  kind: 'pymodule';
  id: number;
  name: string;
  attrs: Map<string, Value>;
  file: SourceFile | null;
  /** Native modules make members on first use (torch has hundreds; a model uses a few). */
  resolve?: (name: string) => Value | undefined;
  /** The names `resolve` knows, for `dir()`. */
  names?: () => string[];
  /** A package's `__path__`: the folders its submodules are found in (several for a namespace package). */
  packagePath?: string[];
}

/** A Map that counts the writes made to it. Module instances keep their attributes in one: a
 *  leaf layer compares its attributes with those its config was built from on every call, and
 *  need not when nothing was written since the last comparison. Every write goes through these
 *  methods, so a count that did not move means attributes that did not change. */
export class WriteCountingMap<K, V> extends Map<K, V> {
  writes = 0;

  override set(key: K, value: V): this {
    this.writes++;
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.writes++;
    return super.delete(key);
  }

  override clear(): void {
    this.writes++;
    super.clear();
  }
}

/** A module's member, made on first use for native modules. */
export function moduleMember(mod: ModuleObjectValue, name: string): Value | undefined {
  let v = mod.attrs.get(name);
  if (v === undefined && mod.resolve) {
    v = mod.resolve(name);
    if (v !== undefined) mod.attrs.set(name, v);
  }
  return v;
}
/** A one-shot iterator (`iter()`, generator expressions, `zip`, `map`). */
export interface IteratorValue { kind: 'iterator'; id: number; items: Value[]; index: number }

export type Value =
  | NoneValue
  | BoolValue
  | IntValue
  | FloatValue
  | StrValue
  | EllipsisValue
  | TupleValue
  | ListValue
  | DictValue
  | SetValue
  | RangeValue
  | SliceValue
  | TensorValue
  | UnknownValue
  | FunctionValue
  | NativeFunctionValue
  | ClassValue
  | InstanceValue
  | BoundMethodValue
  | PropertyValue
  | StaticMethodValue
  | ClassMethodValue
  | SuperValue
  | ModuleObjectValue
  | IteratorValue;

// ---------- constructors ----------

export const NONE: NoneValue = { kind: 'none' };
export const TRUE: BoolValue = { kind: 'bool', value: true };
export const FALSE: BoolValue = { kind: 'bool', value: false };
export const ELLIPSIS: EllipsisValue = { kind: 'ellipsis' };
export const bool = (b: boolean): BoolValue => (b ? TRUE : FALSE);
/** Small non-negative ints, made once (as CPython caches its small ints): shapes, channel counts
 *  and loop indices are made over and over. Safe because int values made here are never mutated
 *  (only enum members, made as their own objects, carry a class and attributes) and `is`
 *  compares ints by value. */
const SMALL_INTS: IntValue[] = [];
for (let i = 0; i <= 1024; i++) SMALL_INTS.push({ kind: 'int', value: i });
export const int = (value: number): IntValue =>
  value >= 0 && value <= 1024 && Number.isInteger(value) && !Object.is(value, -0) ? SMALL_INTS[value]! : { kind: 'int', value };

/** The int of an exact value: a plain int within 2^53, else one that keeps the bigint. */
export function intFromBig(exact: bigint): IntValue {
  const approx = Number(exact);
  return Number.isSafeInteger(approx) && BigInt(approx) === exact ? int(approx) : { kind: 'int', value: approx, big: exact };
}

/** The exact value of an int or bool. */
export const bigOf = (v: IntValue | BoolValue): bigint => (v.kind === 'bool' ? (v.value ? 1n : 0n) : v.big ?? BigInt(v.value));

export const float = (value: number): FloatValue => ({ kind: 'float', value });
export const str = (value: string): StrValue => ({ kind: 'str', value });
export const tuple = (items: Value[]): TupleValue => ({ kind: 'tuple', items });
export const list = (items: Value[]): ListValue => ({ kind: 'list', id: newId(), items });
export const unknown = (reason: string, site: Site | null = null): UnknownValue => ({ kind: 'unknown', reason, site });
export const unknownNumber = (reason: string, site: Site | null = null): UnknownValue => ({ kind: 'unknown', reason, site, numeric: true });
export const iterator = (items: Value[]): IteratorValue => ({ kind: 'iterator', id: newId(), items, index: 0 });

export function native(name: string, call: NativeCall, bindsSelf = false, callWithSelf?: NativeCallWithSelf): NativeFunctionValue {
  // Every native has the same fields in the same order (one object shape for V8).
  return { kind: 'native', id: newId(), name, call, bindsSelf, callWithSelf };
}

/** A native method whose implementation takes `self` apart: `call` (with `self` first among the
 *  positional arguments) is derived from it. */
export function nativeMethod(name: string, callWithSelf: NativeCallWithSelf): NativeFunctionValue {
  const call: NativeCall = (args, site) => callWithSelf(args.positional[0], { positional: args.positional.slice(1), keywords: args.keywords }, site);
  return native(name, call, true, callWithSelf);
}

export function dict(entries: [Value, Value][] = [], cls?: ClassValue): DictValue {
  const d: DictValue = { kind: 'dict', id: newId(), entries: new Map(), cls };
  for (const [k, v] of entries) dictSet(d, k, v);
  return d;
}

export function set(items: Value[] = [], frozen = false): SetValue {
  const s: SetValue = { kind: 'set', id: newId(), entries: new Map(), frozen };
  for (const item of items) s.entries.set(hashKey(item), item);
  return s;
}

/** A key under which equal Python values collide (1, 1.0 and True share one). */
export function hashKey(v: Value): string {
  switch (v.kind) {
    case 'none': return 'None';
    case 'bool': return `n:${v.value ? 1 : 0}`;
    case 'int': return v.big === undefined ? `n:${v.value}` : `n:${v.big}`;
    case 'float': return `n:${v.value}`;
    case 'str': return `s:${v.value}`;
    case 'tuple': return `t(${v.items.map(hashKey).join(',')})`;
    case 'ellipsis': return '...';
    case 'range': return `r:${v.start}:${v.stop}:${v.step}`;
    case 'list': case 'dict': case 'set': case 'function': case 'native': case 'class':
    case 'instance': case 'pymodule': case 'iterator':
      return `o:${v.id}`;
    default:
      return `x:${newId()}`;
  }
}

export function dictSet(d: DictValue, key: Value, value: Value): void {
  d.entries.set(hashKey(key), { key, value });
}

export function dictGet(d: DictValue, key: Value): Value | undefined {
  return d.entries.get(hashKey(key))?.value;
}

export function strDict(d: DictValue): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const { key, value } of d.entries.values()) if (key.kind === 'str') out.set(key.value, value);
  return out;
}

export const isNumber = (v: Value): v is IntValue | FloatValue | BoolValue =>
  v.kind === 'int' || v.kind === 'float' || v.kind === 'bool';
export const numberOf = (v: IntValue | FloatValue | BoolValue): number =>
  v.kind === 'bool' ? (v.value ? 1 : 0) : v.value;
export const isIntLike = (v: Value): v is IntValue | BoolValue => v.kind === 'int' || v.kind === 'bool';

/** The class of a value of a builtin type made by a subclass (list subclass, namedtuple, mixed-in enum member). */
export function subclassOf(v: Value): ClassValue | undefined {
  switch (v.kind) {
    case 'list': case 'dict': case 'tuple': case 'str': case 'int': return v.cls;
    default: return undefined;
  }
}

/** Python's name for a value's type, for messages. */
export function typeName(v: Value): string {
  switch (v.kind) {
    case 'none': return 'NoneType';
    case 'instance': return v.cls.name;
    case 'tuple': return v.cls ? v.cls.name : 'tuple';
    case 'list': return v.cls ? v.cls.name : 'list';
    case 'dict': return v.cls ? v.cls.name : 'dict';
    case 'native': return 'builtin_function_or_method';
    case 'method': return 'method';
    case 'class': return 'type';
    case 'pymodule': return 'module';
    case 'tensor': return 'Tensor';
    case 'unknown': return 'unknown';
    case 'iterator': return 'iterator';
    default: return v.kind;
  }
}

/** Short text for messages and `str()`. */
export function repr(v: Value, depth = 0): string {
  if (depth > 3) return '…';
  switch (v.kind) {
    case 'none': return 'None';
    case 'bool': return v.value ? 'True' : 'False';
    case 'int': return String(v.big ?? v.value);
    case 'float': return formatFloat(v.value);
    case 'str': return `'${v.value}'`;
    case 'ellipsis': return 'Ellipsis';
    case 'tuple': return v.items.length === 1 ? `(${repr(v.items[0]!, depth + 1)},)` : `(${v.items.map((i) => repr(i, depth + 1)).join(', ')})`;
    case 'list': return `[${v.items.map((i) => repr(i, depth + 1)).join(', ')}]`;
    case 'dict': return `{${[...v.entries.values()].map((e) => `${repr(e.key, depth + 1)}: ${repr(e.value, depth + 1)}`).join(', ')}}`;
    case 'set': return `{${[...v.entries.values()].map((i) => repr(i, depth + 1)).join(', ')}}`;
    case 'range': return `range(${v.start}, ${v.stop}${v.step !== 1 ? `, ${v.step}` : ''})`;
    case 'slice': return `slice(${repr(v.start)}, ${repr(v.stop)}, ${repr(v.step)})`;
    case 'tensor': return `Tensor[${v.shape.join(', ')}]`;
    case 'unknown': return `<unknown: ${v.reason}>`;
    case 'function': return `<function ${v.qualname}>`;
    case 'native': return `<built-in function ${v.name}>`;
    case 'class': return `<class '${v.name}'>`;
    case 'instance': return `<${v.cls.name} object>`;
    case 'method': return `<bound method>`;
    case 'pymodule': return `<module '${v.name}'>`;
    default: return `<${v.kind}>`;
  }
}

export function formatFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return Object.is(x, -0) ? '-0.0' : `${x}.0`;
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return String(x);
}

/** `str()` of a value: strings unquoted, the rest as repr. */
export const toStr = (v: Value): string => (v.kind === 'str' ? v.value : repr(v));
