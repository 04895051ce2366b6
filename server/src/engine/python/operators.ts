// Python's arithmetic and comparison on plain values (numbers, strings, sequences). Tensors and
// instances are dispatched by the interpreter before it gets here.

import type { BinaryOperator } from './ast';
import {
  bigOf, bool, float, int, intFromBig, isNumber, list, numberOf, repr, str, tuple,
  type BoolValue, type IntValue, type Value, type SetValue, set as makeSet,
} from './values';

export class PyTypeError extends Error {
  constructor(
    readonly pyType: 'TypeError' | 'ZeroDivisionError' | 'ValueError' | 'OverflowError' | 'MemoryError',
    message: string,
  ) {
    super(message);
  }
}

/** Sequences longer than this are refused: the analysis has no use for them and must stay fast. */
export const MAX_SEQUENCE = 1_000_000;

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const pyMod = (a: number, b: number): number => {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
};

function numberResult(x: number, asInt: boolean): Value {
  return asInt ? int(x) : float(x);
}

/** Python ints have no bound, but the analysis needs none this large: past it, MemoryError. */
const MAX_INT_BITS = 65_536;

const bitLength = (n: bigint): number => (n === 0n ? 0 : (n < 0n ? -n : n).toString(2).length);

function tooLarge(bits: number): void {
  if (bits > MAX_INT_BITS) throw new PyTypeError('MemoryError', `an integer of about ${bits} bits is too large to analyse`);
}

/** Integer arithmetic done exactly (BigInt): when an operand or the double result is past 2^53. */
function exactIntBinary(op: BinaryOperator, a: IntValue | BoolValue, b: IntValue | BoolValue): Value | null {
  const x = bigOf(a);
  const y = bigOf(b);
  switch (op) {
    case '+': return intFromBig(x + y);
    case '-': return intFromBig(x - y);
    case '*':
      tooLarge(bitLength(x) + bitLength(y));
      return intFromBig(x * y);
    case '//': {
      if (y === 0n) throw new PyTypeError('ZeroDivisionError', 'integer division or modulo by zero');
      const q = x / y;
      // BigInt division truncates; Python floors.
      return intFromBig(q * y !== x && (x < 0n) !== (y < 0n) ? q - 1n : q);
    }
    case '%': {
      if (y === 0n) throw new PyTypeError('ZeroDivisionError', 'integer division or modulo by zero');
      const m = x % y;
      return intFromBig(m !== 0n && (m < 0n) !== (y < 0n) ? m + y : m);
    }
    case '**': {
      if (y < 0n) return float(Number(x) ** Number(y));
      tooLarge(Number(y) * Math.max(1, bitLength(x)));
      return intFromBig(x ** y);
    }
    case '<<':
      if (y < 0n) throw new PyTypeError('ValueError', 'negative shift count');
      tooLarge(bitLength(x) + Number(y));
      return intFromBig(x << y);
    case '>>':
      if (y < 0n) throw new PyTypeError('ValueError', 'negative shift count');
      return intFromBig(x >> y);
    case '&': return intFromBig(x & y);
    case '|': return intFromBig(x | y);
    case '^': return intFromBig(x ^ y);
    default: return null;
  }
}

const EXACT_OPS = new Set<BinaryOperator>(['+', '-', '*', '//', '%', '**', '<<', '>>', '&', '|', '^']);

function repeat(items: Value[], times: number): Value[] {
  if (times <= 0) return [];
  const n = items.length * times;
  if (n > MAX_SEQUENCE) throw new PyTypeError('MemoryError', `sequence of ${n} items is too long to analyse`);
  if (items.length === 1) return new Array<Value>(n).fill(items[0]!);
  const out = new Array<Value>(n);
  for (let i = 0; i < n; i++) out[i] = items[i % items.length]!;
  return out;
}

/** A sequence's length, -1 for anything else (a function of its own: a closure made on every
 *  binary operation would cost a `__name` definition each in the bundles). */
function length(v: Value): number {
  return v.kind === 'list' || v.kind === 'tuple' ? v.items.length : v.kind === 'str' ? v.value.length : -1;
}

/** How many elements `a op b` will build (sequence repetition and concatenation), known before
 *  building them, so the budgets are charged first; 0 for anything else. */
export function builtSize(op: BinaryOperator, a: Value, b: Value): number {
  if (op === '+') {
    const x = length(a);
    const y = length(b);
    return x >= 0 && y >= 0 ? x + y : 0;
  }
  if (op === '*') {
    const [seq, times] = length(a) >= 0 ? [a, b] : [b, a];
    return length(seq) >= 0 && (times.kind === 'int' || times.kind === 'bool') ? Math.max(0, length(seq) * numberOf(times)) : 0;
  }
  return 0;
}

/** `a op b` on non-tensor, non-instance values. Returns null when the types do not support it. */
export function binaryOnValues(op: BinaryOperator, a: Value, b: Value): Value | null {
  if (isNumber(a) && isNumber(b)) {
    const ints = a.kind !== 'float' && b.kind !== 'float';
    if (ints && EXACT_OPS.has(op)) {
      // Exact whenever the doubles might not be: an operand past 2^53, or a result past it.
      if ((a.kind === 'int' && a.big !== undefined) || (b.kind === 'int' && b.big !== undefined)) return exactIntBinary(op, a as IntValue | BoolValue, b as IntValue | BoolValue);
      const approx = binaryOnNumbers(op, numberOf(a), numberOf(b), true, a, b);
      if (approx && approx.kind === 'int' && !Number.isSafeInteger(approx.value)) return exactIntBinary(op, a as IntValue | BoolValue, b as IntValue | BoolValue);
      // Bitwise operators on doubles are 32-bit: past that, the exact path.
      if ((op === '&' || op === '|' || op === '^' || op === '<<' || op === '>>') && (Math.abs(numberOf(a)) >= 2 ** 31 || Math.abs(numberOf(b)) >= 2 ** 31 || (approx?.kind === 'int' && Math.abs(approx.value) >= 2 ** 31))) {
        return exactIntBinary(op, a as IntValue | BoolValue, b as IntValue | BoolValue);
      }
      return approx;
    }
    return binaryOnNumbers(op, numberOf(a), numberOf(b), ints, a, b);
  }
  return binaryOnOthers(op, a, b);
}

function binaryOnNumbers(op: BinaryOperator, x: number, y: number, ints: boolean, a: Value, b: Value): Value | null {
  {
    switch (op) {
      case '+': return numberResult(x + y, ints);
      case '-': return numberResult(x - y, ints);
      case '*': return numberResult(x * y, ints);
      case '/':
        if (y === 0) throw new PyTypeError('ZeroDivisionError', 'division by zero');
        return float(x / y);
      case '//':
        if (y === 0) throw new PyTypeError('ZeroDivisionError', 'integer division or modulo by zero');
        return numberResult(floorDiv(x, y), ints);
      case '%':
        if (y === 0) throw new PyTypeError('ZeroDivisionError', 'integer division or modulo by zero');
        return numberResult(pyMod(x, y), ints);
      case '**': {
        if (ints && y < 0) return float(x ** y);
        const r = x ** y;
        if (!ints && !Number.isFinite(r) && Number.isFinite(x) && Number.isFinite(y)) throw new PyTypeError('OverflowError', '(34, \'Numerical result out of range\')');
        return numberResult(r, ints);
      }
      case '<<': return ints ? int(x * 2 ** y) : null;
      case '>>': return ints ? int(Math.floor(x / 2 ** y)) : null;
      case '&': return ints ? (a.kind === 'bool' && b.kind === 'bool' ? bool(!!(x & y)) : int(x & y)) : null;
      case '|': return ints ? (a.kind === 'bool' && b.kind === 'bool' ? bool(!!(x | y)) : int(x | y)) : null;
      case '^': return ints ? (a.kind === 'bool' && b.kind === 'bool' ? bool(!!(x ^ y)) : int(x ^ y)) : null;
      case '@': return null;
    }
  }
}

function binaryOnOthers(op: BinaryOperator, a: Value, b: Value): Value | null {
  if (a.kind === 'str') {
    if (op === '+' && b.kind === 'str') return str(a.value + b.value);
    if (op === '*' && (b.kind === 'int' || b.kind === 'bool')) {
      const n = numberOf(b);
      if (a.value.length * n > MAX_SEQUENCE) throw new PyTypeError('MemoryError', 'string too long to analyse');
      return str(n > 0 ? a.value.repeat(n) : '');
    }
    if (op === '%') return str(percentFormat(a.value, b));
  }
  if (b.kind === 'str' && op === '*' && (a.kind === 'int' || a.kind === 'bool')) return binaryOnValues(op, b, a);
  if ((a.kind === 'list' || a.kind === 'tuple') && op === '+' && b.kind === a.kind) {
    if (a.items.length + b.items.length > MAX_SEQUENCE) throw new PyTypeError('MemoryError', 'sequence too long to analyse');
    return a.kind === 'list' ? list([...a.items, ...b.items]) : tuple([...a.items, ...(b as typeof a).items]);
  }
  if ((a.kind === 'list' || a.kind === 'tuple') && op === '*' && (b.kind === 'int' || b.kind === 'bool')) {
    const items = repeat(a.items, numberOf(b));
    return a.kind === 'list' ? list(items) : tuple(items);
  }
  if ((b.kind === 'list' || b.kind === 'tuple') && op === '*' && (a.kind === 'int' || a.kind === 'bool')) {
    return binaryOnValues(op, b, a);
  }
  if (a.kind === 'set' && b.kind === 'set') {
    const result = (keep: (k: string) => boolean, extra: SetValue | null): Value => {
      const items: Value[] = [];
      for (const [k, v] of a.entries) if (keep(k)) items.push(v);
      if (extra) for (const [k, v] of extra.entries) if (!a.entries.has(k)) items.push(v);
      return makeSet(items);
    };
    if (op === '|') return result(() => true, b);
    if (op === '&') return result((k) => b.entries.has(k), null);
    if (op === '-') return result((k) => !b.entries.has(k), null);
  }
  if (a.kind === 'dict' && b.kind === 'dict' && op === '|') {
    const d = { ...a, entries: new Map([...a.entries, ...b.entries]), id: a.id + 0 };
    return d;
  }
  return null;
}

/** Python `==` on plain values; null when it cannot be decided (unknowns, tensors). */
export function valuesEqual(a: Value, b: Value): boolean | null {
  if (a.kind === 'unknown' || b.kind === 'unknown') return null;
  if (a.kind === 'tensor' || b.kind === 'tensor') return null;
  if (isNumber(a) && isNumber(b)) {
    if ((a.kind === 'int' && a.big !== undefined) || (b.kind === 'int' && b.big !== undefined)) return exactOrder(a, b) === 0;
    return numberOf(a) === numberOf(b);
  }
  if (a.kind !== b.kind) {
    if ((a.kind === 'list' && b.kind === 'tuple') || (a.kind === 'tuple' && b.kind === 'list')) return false;
    return false;
  }
  switch (a.kind) {
    case 'none': return true;
    case 'str': return a.value === (b as typeof a).value;
    case 'tuple':
    case 'list': {
      const bi = (b as typeof a).items;
      if (a.items.length !== bi.length) return false;
      for (let i = 0; i < bi.length; i++) {
        const e = valuesEqual(a.items[i]!, bi[i]!);
        if (e !== true) return e;
      }
      return true;
    }
    case 'dict': {
      const bd = b as typeof a;
      if (a.entries.size !== bd.entries.size) return false;
      for (const [k, e] of a.entries) {
        const other = bd.entries.get(k);
        if (!other) return false;
        const eq = valuesEqual(e.value, other.value);
        if (eq !== true) return eq;
      }
      return true;
    }
    case 'set': {
      const bs = b as typeof a;
      if (a.entries.size !== bs.entries.size) return false;
      for (const k of a.entries.keys()) if (!bs.entries.has(k)) return false;
      return true;
    }
    case 'range': {
      const br = b as typeof a;
      return a.start === br.start && a.stop === br.stop && a.step === br.step;
    }
    case 'slice':
      return false;
    default:
      return a === b || ('id' in a && 'id' in b && a.id === (b as typeof a).id);
  }
}

/** `<`, `<=`, `>`, `>=` on numbers, strings and sequences; null when undecidable. */
export function orderValues(a: Value, b: Value): number | null {
  if (isNumber(a) && isNumber(b)) {
    if ((a.kind === 'int' && a.big !== undefined) || (b.kind === 'int' && b.big !== undefined)) return exactOrder(a, b);
    return numberOf(a) - numberOf(b);
  }
  if (a.kind === 'str' && b.kind === 'str') return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
  if ((a.kind === 'tuple' || a.kind === 'list') && b.kind === a.kind) {
    const n = Math.min(a.items.length, b.items.length);
    for (let i = 0; i < n; i++) {
      const eq = valuesEqual(a.items[i]!, b.items[i]!);
      if (eq === null) return null;
      if (!eq) return orderValues(a.items[i]!, b.items[i]!);
    }
    return a.items.length - b.items.length;
  }
  return null;
}

/** Sign of a - b where one side is an int past 2^53 (a float compared by its exact value, as Python does). */
function exactOrder(a: IntValue | BoolValue | { kind: 'float'; value: number }, b: IntValue | BoolValue | { kind: 'float'; value: number }): number {
  const exact = (v: typeof a): bigint | null => (v.kind === 'float' ? (Number.isInteger(v.value) ? BigInt(v.value) : null) : bigOf(v));
  const x = exact(a);
  const y = exact(b);
  if (x === null || y === null) {
    // A float with a fraction, or an infinity: the doubles order them correctly (an int past 2^53 is far from any fraction).
    const d = numberOf(a as IntValue) - numberOf(b as IntValue);
    return Number.isNaN(d) ? NaN : Math.sign(d);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** `%`-formatting: `"denselayer%d" % (i + 1)`, `"%s_%02d" % (a, b)`, `"%(name)s" % d`. */
export function percentFormat(format: string, args: Value): string {
  const values = args.kind === 'tuple' ? args.items : [args];
  let index = 0;
  return format.replace(/%(\(([^)]*)\))?([-+ 0#]*)(\d+|\*)?(?:\.(\d+))?([diouxXeEfFgGcrsa%])/g,
    (_m, _k, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      let v: Value | undefined;
      if (key !== undefined && args.kind === 'dict') {
        v = [...args.entries.values()].find((e) => e.key.kind === 'str' && e.key.value === key)?.value;
      } else {
        v = values[index++];
      }
      if (v === undefined) throw new PyTypeError('TypeError', 'not enough arguments for format string');
      if (v.kind === 'unknown') return '?';
      let text: string;
      switch (conv) {
        case 'd': case 'i': case 'u':
          text = isNumber(v) ? String(Math.trunc(numberOf(v))) : repr(v);
          break;
        case 'f': case 'F':
          text = isNumber(v) ? numberOf(v).toFixed(precision === undefined ? 6 : Number(precision)) : repr(v);
          break;
        case 'e': case 'E':
          text = isNumber(v) ? numberOf(v).toExponential(precision === undefined ? 6 : Number(precision)) : repr(v);
          break;
        case 'g': case 'G':
          text = isNumber(v) ? String(Number(numberOf(v).toPrecision(precision === undefined ? 6 : Number(precision) || 1))) : repr(v);
          break;
        case 'x': text = isNumber(v) ? Math.trunc(numberOf(v)).toString(16) : repr(v); break;
        case 'X': text = isNumber(v) ? Math.trunc(numberOf(v)).toString(16).toUpperCase() : repr(v); break;
        case 'o': text = isNumber(v) ? Math.trunc(numberOf(v)).toString(8) : repr(v); break;
        case 'r': text = repr(v); break;
        default: text = v.kind === 'str' ? v.value : repr(v);
      }
      const w = width && width !== '*' ? Number(width) : 0;
      if (text.length < w) {
        if (flags.includes('-')) text = text.padEnd(w);
        else if (flags.includes('0') && conv !== 's') {
          const neg = text.startsWith('-');
          text = (neg ? '-' : '') + text.slice(neg ? 1 : 0).padStart(w - (neg ? 1 : 0), '0');
        } else text = text.padStart(w);
      }
      return text;
    });
}

/** Format spec of f-strings and `format()`: width, fill, alignment, precision, d/f/e/x/%. */
export function formatSpec(v: Value, spec: string): string {
  if (!spec) return v.kind === 'str' ? v.value : repr(v);
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([_,])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/.exec(spec);
  if (!m) return v.kind === 'str' ? v.value : repr(v);
  const [, fill = ' ', align, , , zero, width, , precision, type] = m;
  let text: string;
  if (isNumber(v)) {
    const x = numberOf(v);
    const p = precision === undefined ? undefined : Number(precision);
    switch (type) {
      case 'd': text = String(Math.trunc(x)); break;
      case 'f': case 'F': text = x.toFixed(p ?? 6); break;
      case 'e': case 'E': text = x.toExponential(p ?? 6); break;
      case '%': text = `${(x * 100).toFixed(p ?? 6)}%`; break;
      case 'x': text = Math.trunc(x).toString(16); break;
      case 'X': text = Math.trunc(x).toString(16).toUpperCase(); break;
      case 'b': text = Math.trunc(x).toString(2); break;
      case 'g': case 'G': text = String(Number(x.toPrecision(p || 6))); break;
      default: text = p !== undefined && v.kind === 'float' ? x.toFixed(p) : v.kind === 'float' ? repr(v) : String(x);
    }
  } else {
    text = v.kind === 'str' ? v.value : repr(v);
    if (precision !== undefined) text = text.slice(0, Number(precision));
  }
  const w = width ? Number(width) : 0;
  if (text.length < w) {
    const pad = (n: number) => (zero && !align ? '0' : fill).repeat(n);
    const a = align ?? (isNumber(v) ? '>' : '<');
    const n = w - text.length;
    if (a === '<') text += pad(n);
    else if (a === '^') text = pad(Math.floor(n / 2)) + text + pad(n - Math.floor(n / 2));
    else text = pad(n) + text;
  }
  return text;
}
