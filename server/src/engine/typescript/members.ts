// Methods of arrays, strings and numbers: the ones model-building code uses (push, map, forEach,
// slice, concat, reduce, fill, keys, length, join, ...). Callbacks run in the interpreter.

import type { Interpreter } from './interpreter';
import { isPrimitive, keyOf, toText } from './jsOps';
import { JsArray, NativeFunction, Unknown, type Site, type Value } from './values';

type Method = (interp: Interpreter, arr: JsArray, args: Value[], site: Site) => Value;

function truthy(v: Value): boolean | null {
  if (v instanceof Unknown) return null;
  if (v === undefined || v === null) return false;
  return typeof v === 'object' ? true : Boolean(v);
}

/** Calls `fn(item, index, array)` for each item; stops when `each` returns false. */
function iterate(interp: Interpreter, arr: JsArray, fn: Value, site: Site, each: (result: Value, item: Value, index: number) => boolean | void): Unknown | null {
  const items = [...arr.items];
  for (let i = 0; i < items.length; i++) {
    const r = interp.callValue(fn, [items[i], i, arr], undefined, site);
    if (each(r, items[i], i) === false) break;
  }
  return null;
}

function relativeIndex(v: Value, length: number, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Math.trunc(Number(v));
  if (Number.isNaN(n)) return 0;
  return n < 0 ? Math.max(length + n, 0) : Math.min(n, length);
}

const ARRAY_METHODS: Record<string, Method> = {
  push: (_i, arr, args) => {
    arr.items.push(...args);
    return arr.items.length;
  },
  pop: (_i, arr) => arr.items.pop(),
  shift: (_i, arr) => arr.items.shift(),
  unshift: (_i, arr, args) => {
    arr.items.unshift(...args);
    return arr.items.length;
  },
  slice: (_i, arr, [a, b]) => new JsArray(arr.items.slice(relativeIndex(a, arr.items.length, 0), relativeIndex(b, arr.items.length, arr.items.length))),
  splice: (_i, arr, [a, n, ...rest]) => {
    const start = relativeIndex(a, arr.items.length, 0);
    return new JsArray(arr.items.splice(start, n === undefined ? arr.items.length - start : Number(n), ...rest));
  },
  concat: (_i, arr, args) => new JsArray(arr.items.concat(...args.map((a) => (a instanceof JsArray ? a.items : [a])))),
  reverse: (_i, arr) => {
    arr.items.reverse();
    return arr;
  },
  indexOf: (_i, arr, [x]) => arr.items.indexOf(x),
  includes: (_i, arr, [x]) => arr.items.includes(x),
  join: (_i, arr, [sep]) => arr.items.map((x) => (x === undefined || x === null ? '' : toText(x))).join(sep === undefined ? ',' : toText(sep)),
  fill: (_i, arr, [v, a, b]) => {
    const n = arr.items.length;
    for (let k = relativeIndex(a, n, 0); k < relativeIndex(b, n, n); k++) arr.items[k] = v;
    return arr;
  },
  keys: (_i, arr) => new JsArray(arr.items.map((_, k) => k)),
  entries: (_i, arr) => new JsArray(arr.items.map((x, k) => new JsArray([k, x]))),
  values: (_i, arr) => new JsArray([...arr.items]),
  at: (_i, arr, [k]) => {
    const n = Math.trunc(Number(k));
    return arr.items[n < 0 ? arr.items.length + n : n];
  },
  flat: (_i, arr) => new JsArray(arr.items.flatMap((x) => (x instanceof JsArray ? x.items : [x]))),
  map: (interp, arr, [fn], site) => {
    const out: Value[] = [];
    iterate(interp, arr, fn, site, (r) => void out.push(r));
    return new JsArray(out);
  },
  flatMap: (interp, arr, [fn], site) => {
    const out: Value[] = [];
    iterate(interp, arr, fn, site, (r) => void (r instanceof JsArray ? out.push(...r.items) : out.push(r)));
    return new JsArray(out);
  },
  forEach: (interp, arr, [fn], site) => {
    iterate(interp, arr, fn, site, () => undefined);
    return undefined;
  },
  filter: (interp, arr, [fn], site) => {
    const out: Value[] = [];
    let unknown: Unknown | null = null;
    iterate(interp, arr, fn, site, (r, item) => {
      const t = truthy(r);
      if (t === null) unknown = r as Unknown;
      else if (t) out.push(item);
    });
    return unknown ?? new JsArray(out);
  },
  find: (interp, arr, [fn], site) => {
    let found: Value = undefined;
    iterate(interp, arr, fn, site, (r, item) => (truthy(r) ? ((found = item), false) : true));
    return found;
  },
  findIndex: (interp, arr, [fn], site) => {
    let found = -1;
    iterate(interp, arr, fn, site, (r, _item, i) => (truthy(r) ? ((found = i), false) : true));
    return found;
  },
  some: (interp, arr, [fn], site) => {
    let any = false;
    iterate(interp, arr, fn, site, (r) => (truthy(r) ? ((any = true), false) : true));
    return any;
  },
  every: (interp, arr, [fn], site) => {
    let all = true;
    iterate(interp, arr, fn, site, (r) => (truthy(r) ? true : ((all = false), false)));
    return all;
  },
  lastIndexOf: (_i, arr, [x]) => arr.items.lastIndexOf(x),
  findLast: (interp, arr, [fn], site) => {
    for (let k = arr.items.length - 1; k >= 0; k--) if (truthy(interp.callValue(fn, [arr.items[k], k, arr], undefined, site))) return arr.items[k];
    return undefined;
  },
  findLastIndex: (interp, arr, [fn], site) => {
    for (let k = arr.items.length - 1; k >= 0; k--) if (truthy(interp.callValue(fn, [arr.items[k], k, arr], undefined, site))) return k;
    return -1;
  },
  sort: (interp, arr, [fn], site) => sortItems(interp, arr, arr.items, fn, site),
  toSorted: (interp, arr, [fn], site) => sortItems(interp, arr, [...arr.items], fn, site, true),
  toReversed: (_i, arr) => new JsArray([...arr.items].reverse()),
  reduceRight: (interp, arr, args, site) => {
    const [fn] = args;
    let acc: Value;
    let start = arr.items.length - 1;
    if (args.length >= 2) acc = args[1];
    else if (arr.items.length) acc = arr.items[start--];
    else return new Unknown('reduceRight of an empty array with no initial value', site);
    for (let k = start; k >= 0; k--) acc = interp.callValue(fn, [acc, arr.items[k], k, arr], undefined, site);
    return acc;
  },
  reduce: (interp, arr, args, site) => {
    const [fn] = args;
    let acc: Value;
    let start = 0;
    if (args.length >= 2) acc = args[1];
    else if (arr.items.length) {
      acc = arr.items[0];
      start = 1;
    } else return new Unknown('reduce of an empty array with no initial value', site);
    for (let k = start; k < arr.items.length; k++) acc = interp.callValue(fn, [acc, arr.items[k], k, arr], undefined, site);
    return acc;
  },
};

/** Array.prototype.sort: JavaScript's order (strings by default, else the comparator's sign);
 *  an unknown comparison makes the result unknown. */
function sortItems(interp: Interpreter, arr: JsArray, items: Value[], fn: Value, site: Site, copy = false): Value {
  let unknown: Unknown | null = null;
  const compare = (a: Value, b: Value): number => {
    if (a === undefined) return b === undefined ? 0 : 1;
    if (b === undefined) return -1;
    if (fn === undefined) {
      const x = toText(a);
      const y = toText(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const r = interp.callValue(fn, [a, b], undefined, site);
    if (r instanceof Unknown) {
      unknown ??= r;
      return 0;
    }
    return Number(r) || 0;
  };
  items.sort(compare);
  if (unknown) return unknown;
  return copy ? new JsArray(items) : arr;
}

export function arrayMember(interp: Interpreter, arr: JsArray, key: string, site: Site): Value {
  if (key === 'length') return arr.items.length;
  if (/^\d+$/.test(key)) return arr.items[Number(key)];
  const method = Object.hasOwn(ARRAY_METHODS, key) ? ARRAY_METHODS[key]! : null;
  if (!method) return new Unknown(`the array method \`${key}\` is not modelled`, site);
  return new NativeFunction(`Array.${key}`, (args, call) => method(interp, arr, args, call.site));
}

const STRING_METHODS: Record<string, (s: string, args: Value[]) => Value> = {
  toUpperCase: (s) => s.toUpperCase(),
  toLowerCase: (s) => s.toLowerCase(),
  trim: (s) => s.trim(),
  includes: (s, [x]) => s.includes(keyOf(x)),
  startsWith: (s, [x]) => s.startsWith(keyOf(x)),
  endsWith: (s, [x]) => s.endsWith(keyOf(x)),
  indexOf: (s, [x]) => s.indexOf(keyOf(x)),
  slice: (s, [a, b]) => s.slice(a === undefined ? undefined : Number(a), b === undefined ? undefined : Number(b)),
  substring: (s, [a, b]) => s.substring(Number(a ?? 0), b === undefined ? undefined : Number(b)),
  repeat: (s, [n]) => s.repeat(Math.max(0, Math.min(Number(n), 10_000))),
  padStart: (s, [n, f]) => s.padStart(Math.min(Number(n), 10_000), f === undefined ? ' ' : keyOf(f)),
  padEnd: (s, [n, f]) => s.padEnd(Math.min(Number(n), 10_000), f === undefined ? ' ' : keyOf(f)),
  split: (s, [sep]) => new JsArray(typeof sep === 'string' ? s.split(sep) : [s]),
  replace: (s, [a, b]) => (typeof a === 'string' && typeof b === 'string' ? s.replace(a, b) : new Unknown('`replace` with a pattern or a function is not modelled', null)),
  replaceAll: (s, [a, b]) => (typeof a === 'string' && typeof b === 'string' ? s.replaceAll(a, b) : new Unknown('`replaceAll` with a pattern or a function is not modelled', null)),
  trimStart: (s) => s.trimStart(),
  trimEnd: (s) => s.trimEnd(),
  lastIndexOf: (s, [x]) => s.lastIndexOf(keyOf(x)),
  at: (s, [i]) => s.at(Math.trunc(Number(i ?? 0))),
  match: () => new Unknown('regular expressions are not run by ConvLens', null),
  search: () => new Unknown('regular expressions are not run by ConvLens', null),
  concat: (s, args) => s + args.map((a) => (isPrimitive(a) ? String(a) : toText(a))).join(''),
  toString: (s: string) => s,
  charAt: (s, [i]) => s.charAt(Number(i ?? 0)),
};

export function stringMember(s: string, key: string): Value {
  if (key === 'length') return s.length;
  if (/^\d+$/.test(key)) return s[Number(key)];
  const method = Object.hasOwn(STRING_METHODS, key) ? STRING_METHODS[key]! : null;
  return method ? new NativeFunction(`String.${key}`, (args) => method(s, args)) : undefined;
}

export function numberMember(n: number, key: string): Value {
  switch (key) {
    case 'toFixed':
      return new NativeFunction('Number.toFixed', ([d]) => n.toFixed(Math.min(20, Math.max(0, Number(d ?? 0)))));
    case 'toString':
      return new NativeFunction('Number.toString', () => String(n));
    default:
      return undefined;
  }
}
