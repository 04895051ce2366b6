// JavaScript's own semantics for the primitive operations the interpreter and the built-ins share:
// what counts as a primitive, String(v), property keys.

import { JsArray, JsClass, JsFunction, JsObject, NativeFunction, Stub, typeName, type Value } from './values';

export type Primitive = undefined | null | boolean | number | string;

export function isPrimitive(v: Value): v is Primitive {
  return v === undefined || v === null || typeof v !== 'object';
}

export function strictEquals(a: Value, b: Value): boolean {
  return a === b;
}

/** String(v) for what templates and `+` print. */
export function toText(v: Value): string {
  if (isPrimitive(v)) return String(v);
  if (v instanceof JsArray) return v.items.map((x) => (x === undefined || x === null ? '' : toText(x))).join(',');
  if (v instanceof JsObject) return '[object Object]';
  return `[${typeName(v)}]`;
}

export function keyOf(v: Value): string {
  return isPrimitive(v) ? String(v) : toText(v);
}

export function typeOf(v: Value): string {
  if (v === null) return 'object';
  if (v === undefined) return 'undefined';
  if (typeof v !== 'object') return typeof v;
  if (v instanceof JsFunction || v instanceof JsClass || v instanceof NativeFunction || v instanceof Stub) return 'function';
  return 'object';
}
