// A tiny schema validator for the messages between the extension and the webview. Schemas are
// strict: unknown keys and unknown message types are rejected, every string, number and array is
// bounded, so a malformed or hostile message fails here instead of deep inside the preview.

export class SchemaError extends Error {
  constructor(readonly where: string, message: string) {
    super(`${where || 'message'}: ${message}`);
    this.name = 'SchemaError';
  }
}

export type Schema<T> = (value: unknown, where: string) => T;

export function str(maxLength: number): Schema<string> {
  return (v, where) => {
    if (typeof v !== 'string') throw new SchemaError(where, 'expected a string');
    if (v.length > maxLength) throw new SchemaError(where, `string longer than ${maxLength}`);
    return v;
  };
}

export function literal<const L extends readonly string[]>(...values: L): Schema<L[number]> {
  return (v, where) => {
    if (typeof v !== 'string' || !values.includes(v)) throw new SchemaError(where, `expected one of ${values.join(' | ')}`);
    return v as L[number];
  };
}

export function int(min: number, max: number): Schema<number> {
  return (v, where) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new SchemaError(where, 'expected an integer');
    if (v < min || v > max) throw new SchemaError(where, `integer outside [${min}, ${max}]`);
    return v;
  };
}

export function num(min: number, max: number): Schema<number> {
  return (v, where) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchemaError(where, 'expected a finite number');
    if (v < min || v > max) throw new SchemaError(where, `number outside [${min}, ${max}]`);
    return v;
  };
}

export const bool: Schema<boolean> = (v, where) => {
  if (typeof v !== 'boolean') throw new SchemaError(where, 'expected a boolean');
  return v;
};

export function arr<T>(item: Schema<T>, maxLength: number, minLength = 0): Schema<T[]> {
  return (v, where) => {
    if (!Array.isArray(v)) throw new SchemaError(where, 'expected an array');
    if (v.length > maxLength || v.length < minLength) throw new SchemaError(where, `array length outside [${minLength}, ${maxLength}]`);
    return v.map((x, i) => item(x, `${where}[${i}]`));
  };
}

export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return (v, where) => (v === null ? null : inner(v, where));
}

type Fields = Record<string, Schema<unknown>>;

const hasOwn = (o: object, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);
type Out<F extends Fields> = { [K in keyof F]: F[K] extends Schema<infer T> ? T : never };

/** An object with exactly these required keys and, optionally, these optional ones. */
export function obj<R extends Fields, O extends Fields = Record<never, never>>(required: R, optional?: O): Schema<Out<R> & Partial<Out<O>>> {
  return (v, where) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(where, 'expected an object');
    const record = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    // Own properties only: `key in object` also finds `constructor`, `toString`, `__proto__`, …
    for (const key of Object.keys(record)) {
      if (!hasOwn(required, key) && !(optional && hasOwn(optional, key))) throw new SchemaError(where, `unknown key '${key.slice(0, 40)}'`);
    }
    for (const [key, schema] of Object.entries(required)) {
      if (!hasOwn(record, key)) throw new SchemaError(where, `missing key '${key}'`);
      out[key] = schema(record[key], where ? `${where}.${key}` : key);
    }
    for (const [key, schema] of Object.entries(optional ?? {})) {
      if (hasOwn(record, key) && record[key] !== undefined) out[key] = schema(record[key], where ? `${where}.${key}` : key);
    }
    return out as Out<R> & Partial<Out<O>>;
  };
}

/** A tagged union on `type`: unknown types are rejected. */
export function tagged<M extends Record<string, Schema<unknown>>>(cases: M): Schema<{ [K in keyof M]: M[K] extends Schema<infer T> ? T : never }[keyof M]> {
  return (v, where) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new SchemaError(where, 'expected an object');
    const type = (v as { type?: unknown }).type;
    if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(cases, type)) {
      throw new SchemaError(where, `unknown message type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : type)}`);
    }
    return cases[type]!(v, where) as never;
  };
}
