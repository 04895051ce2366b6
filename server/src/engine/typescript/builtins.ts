// The globals model code touches: Math, Array, Object, Number, String, JSON, console, Error,
// Promise and require. Host globals (process, window, performance, ...) are stubs: reading them
// is fine, calling them gives Unknown.

import type { Interpreter } from './interpreter';
import { isPrimitive, keyOf, toText } from './jsOps';
import { JsArray, JsObject, NativeFunction, Unknown, type Value } from './values';

/** The longest array `new Array(n)` builds (an analysis has no use for more). */
const MAX_ARRAY_LENGTH = 1_000_000;

function native(name: string, impl: (args: Value[]) => Value, constructible = false): NativeFunction {
  return new NativeFunction(name, impl, constructible);
}

function numbers(args: Value[]): number[] | Unknown {
  const out: number[] = [];
  for (const a of args) {
    if (a instanceof Unknown) return a;
    out.push(isPrimitive(a) ? Number(a) : NaN);
  }
  return out;
}

function mathFn(name: string, f: (...xs: number[]) => number): NativeFunction {
  return native(`Math.${name}`, (args) => {
    const xs = numbers(args);
    return xs instanceof Unknown ? xs : f(...xs);
  });
}

function namespace(entries: Record<string, Value>, prefix: string | null = null): JsObject {
  const o = new JsObject(prefix);
  for (const [k, v] of Object.entries(entries)) o.props.set(k, v);
  return o;
}

function makeError(name: string): NativeFunction {
  return native(name, ([message]) => namespace({ name, message: message === undefined ? '' : toText(message) }), true);
}

/** `Array.from({length: n}, fn)`, `Array.from(array, fn)`. */
function arrayFrom(interp: Interpreter): NativeFunction {
  return new NativeFunction('Array.from', (args, call) => {
    const [source, fn] = args;
    let items: Value[];
    if (source instanceof JsArray) items = [...source.items];
    else if (typeof source === 'string') items = [...source];
    else if (source instanceof JsObject && typeof source.props.get('length') === 'number') {
      const n = source.props.get('length') as number;
      if (n > 1_000_000) return new Unknown('Array.from with more than a million items', call.site);
      items = Array.from({ length: n }, () => undefined);
    } else return source instanceof Unknown ? source : new Unknown('Array.from of this value is not modelled', call.site);
    if (fn === undefined) return new JsArray(items);
    return new JsArray(items.map((x, i) => interp.callValue(fn, [x, i], undefined, call.site)));
  });
}

export function installGlobals(interp: Interpreter): void {
  const g = interp.globals;
  g.declare(
    'Math',
    namespace({
      floor: mathFn('floor', Math.floor),
      ceil: mathFn('ceil', Math.ceil),
      round: mathFn('round', Math.round),
      trunc: mathFn('trunc', Math.trunc),
      abs: mathFn('abs', Math.abs),
      sqrt: mathFn('sqrt', Math.sqrt),
      pow: mathFn('pow', Math.pow),
      log: mathFn('log', Math.log),
      log2: mathFn('log2', Math.log2),
      log10: mathFn('log10', Math.log10),
      exp: mathFn('exp', Math.exp),
      min: mathFn('min', Math.min),
      max: mathFn('max', Math.max),
      sign: mathFn('sign', Math.sign),
      random: native('Math.random', () => new Unknown('Math.random() is not known before the program runs', null)),
      PI: Math.PI,
      E: Math.E,
    }),
    true,
  );
  const arrayCtor = new NativeFunction(
    'Array',
    (args, { site }) => {
      if (args.length !== 1 || typeof args[0] !== 'number') return new JsArray([...args]);
      // Never a shorter array than asked for: its length would be wrong without a word.
      if (args[0] > MAX_ARRAY_LENGTH) return new Unknown(`\`new Array(${args[0]})\` is longer than the ${MAX_ARRAY_LENGTH.toLocaleString('en-US')} elements ConvLens builds`, site);
      return new JsArray(new Array<Value>(args[0]).fill(undefined));
    },
    true,
  );
  g.declare('Array', arrayCtor, true);
  // `Array.from`, `Array.isArray` hang off the constructor: a namespace stands in for it when read.
  const arrayStatics = namespace({ from: arrayFrom(interp), isArray: native('Array.isArray', ([v]) => v instanceof JsArray), of: native('Array.of', (args) => new JsArray(args)) });
  arrayCtor.statics = arrayStatics;
  g.declare(
    'Object',
    namespace({
      keys: native('Object.keys', ([o]) => (o instanceof JsObject ? new JsArray([...o.props.keys()]) : o instanceof JsArray ? new JsArray(o.items.map((_, i) => String(i))) : new JsArray([]))),
      values: native('Object.values', ([o]) => (o instanceof JsObject ? new JsArray([...o.props.values()]) : o instanceof JsArray ? new JsArray([...o.items]) : new JsArray([]))),
      entries: native('Object.entries', ([o]) => (o instanceof JsObject ? new JsArray([...o.props].map(([k, v]) => new JsArray([k, v]))) : new JsArray([]))),
      assign: native('Object.assign', ([target, ...sources]) => {
        if (!(target instanceof JsObject)) return target;
        for (const s of sources) if (s instanceof JsObject) for (const [k, v] of s.props) target.props.set(k, v);
        return target;
      }),
      freeze: native('Object.freeze', ([o]) => o),
      fromEntries: native('Object.fromEntries', ([entries]) => {
        const o = new JsObject();
        if (entries instanceof JsArray) for (const e of entries.items) if (e instanceof JsArray) o.props.set(keyOf(e.items[0]), e.items[1]);
        return o;
      }),
    }),
    true,
  );
  const toNumber = native('Number', ([v]) => (v instanceof Unknown ? v : isPrimitive(v) ? Number(v) : NaN));
  toNumber.statics = namespace({
    isInteger: native('Number.isInteger', ([v]) => (v instanceof Unknown ? v : Number.isInteger(v))),
    isFinite: native('Number.isFinite', ([v]) => (v instanceof Unknown ? v : Number.isFinite(v))),
    MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
    EPSILON: Number.EPSILON,
  });
  g.declare('Number', toNumber, true);
  g.declare('String', native('String', ([v]) => (v instanceof Unknown ? v : toText(v))), true);
  g.declare('Boolean', native('Boolean', ([v]) => (v instanceof Unknown ? v : isPrimitive(v) ? Boolean(v) : true)), true);
  g.declare('parseInt', native('parseInt', ([v, base]) => (v instanceof Unknown ? v : parseInt(toText(v), base === undefined ? undefined : Number(base)))), true);
  g.declare('parseFloat', native('parseFloat', ([v]) => (v instanceof Unknown ? v : parseFloat(toText(v)))), true);
  g.declare('isNaN', native('isNaN', ([v]) => (v instanceof Unknown ? v : isPrimitive(v) ? Number.isNaN(Number(v)) : true)), true);
  g.declare('isFinite', native('isFinite', ([v]) => (v instanceof Unknown ? v : isPrimitive(v) ? Number.isFinite(Number(v)) : false)), true);
  g.declare('JSON', namespace({ stringify: native('JSON.stringify', () => new Unknown('JSON.stringify is not modelled', null)) }, 'JSON'), true);
  const log = native('console.log', () => undefined);
  g.declare('console', namespace({ log, info: log, warn: log, error: log, debug: log, table: log, time: log, timeEnd: log }), true);
  for (const name of ['Error', 'TypeError', 'RangeError', 'ValueError']) g.declare(name, makeError(name), true);
  g.declare(
    'Promise',
    namespace({
      resolve: native('Promise.resolve', ([v]) => v),
      all: native('Promise.all', ([v]) => v),
    }, 'Promise'),
    true,
  );
  g.declare(
    'require',
    new NativeFunction('require', ([spec], call) => (typeof spec === 'string' ? interp.importModule(spec, call.site) : new Unknown('require of a computed name', call.site))),
    true,
  );
  for (const host of ['process', 'window', 'document', 'performance', 'globalThis', 'setTimeout', 'setInterval', 'fetch', 'Date', 'Symbol', 'Map', 'Set']) {
    g.declare(host, new JsObject(host), true);
  }
}
