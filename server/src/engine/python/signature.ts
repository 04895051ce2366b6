// Binding a call to an op's Python signature (a string such as
// "input, size=None, scale_factor=None, mode='nearest'") with the interpreter's own binder, and
// converting between interpreter values and the plain data ops take.

import type { FunctionDef, Param } from './ast';
import { parsePython } from './parse';
import type { Interpreter } from './interpreter';
import type { OpArgs, OpValue, Tensor } from '../ops/types';
import {
  bool, dict, float, int, list, NONE, str, tuple,
  type CallArgs, type Scope, type Site, type Value,
} from './values';

export interface ParsedSignature {
  params: Param[];
  defaults: Map<string, Value>;
}

const cache = new Map<string, ParsedSignature>();

/** Parse a signature once; defaults are literals evaluated by the interpreter. */
export function parseSignature(interp: Interpreter, signature: string): ParsedSignature {
  const hit = cache.get(signature);
  if (hit) return hit;
  const module = parsePython(`def f(${signature}):\n    pass\n`);
  const def = module.body[0] as FunctionDef | undefined;
  if (!def || def.kind !== 'FunctionDef' || module.errors.length) throw new Error(`bad op signature: ${signature}`);
  const file = interp.sourceFile('<signature>', signature);
  const scope: Scope = { vars: new Map(), parent: null, globals: undefined as unknown as Scope, file };
  (scope as { globals: Scope }).globals = scope;
  const defaults = new Map<string, Value>();
  for (const p of def.params) if (p.default) defaults.set(p.name, interp.eval(p.default, scope));
  const parsed = { params: def.params, defaults };
  cache.set(signature, parsed);
  return parsed;
}

/** An argument that is not known, or not something an op can take. */
export class UnknownArgument extends Error {
  constructor(
    readonly param: string,
    readonly reason: string,
    /** Where the unknown value was made, when it was one: the line that caused it. */
    readonly origin: Site | null = null,
  ) {
    super(reason);
  }
}

export function bindToOpArgs(interp: Interpreter, name: string, signature: string, args: CallArgs, site: Site | null): OpArgs {
  // Most layer calls are `layer(x)` against `forward(self, input)`: no binding needed.
  if (signature === 'input' && args.positional.length === 1 && args.keywords.size === 0) {
    return { input: toOpValue(args.positional[0]!, 'input') };
  }
  const sig = parseSignature(interp, signature);
  const bound = interp.bindArguments(name, sig.params, sig.defaults, args, site);
  const out: OpArgs = {};
  // A loop over the keys: a callback writing `out` would make every call allocate a context, the
  // common `layer(x)` above included (V8 allocates it on entry).
  for (const k of bound.keys()) out[k] = toOpValue(bound.get(k)!, k);
  return out;
}

const INT64_LIMIT = 2n ** 63n;

/** Why an int past 2^53 cannot be an op's argument: PyTorch's own limit, or the analysis's. */
function bigArgumentReason(param: string, value: bigint): string {
  return value >= INT64_LIMIT || value < -INT64_LIMIT
    ? `${param} = ${value} does not fit PyTorch's 64-bit integers (PyTorch raises "Overflow when unpacking long")`
    : `${param} = ${value} is past 2^53, beyond the sizes ConvLens computes exactly`;
}

/** Interpreter value → op data. Unknown values raise UnknownArgument naming the parameter. */
export function toOpValue(v: Value, param: string): OpValue {
  switch (v.kind) {
    case 'int':
      if (v.big !== undefined) throw new UnknownArgument(param, bigArgumentReason(param, v.big));
      return v.value;
    case 'float':
      return v.value;
    case 'bool':
      return v.value;
    case 'none':
      return null;
    case 'str':
      return v.value;
    case 'tuple':
    case 'list':
    {
      // A loop: a callback reading `param` would allocate a context on every call, numbers too.
      const out = new Array<OpValue>(v.items.length);
      for (let i = 0; i < v.items.length; i++) out[i] = toOpValue(v.items[i]!, param);
      return out;
    }
    case 'tensor':
      return v as Tensor;
    case 'slice':
      return { start: toOpValue(v.start, param), stop: toOpValue(v.stop, param), step: toOpValue(v.step, param) };
    case 'ellipsis':
      return '...';
    case 'dict': {
      const o: Record<string, OpValue> = {};
      for (const e of v.entries.values()) if (e.key.kind === 'str') o[e.key.value] = toOpValue(e.value, param);
      return o;
    }
    case 'unknown':
      throw new UnknownArgument(param, v.reason, v.site);
    case 'instance':
      // dtypes and devices are instances of small marker classes; ops only need their name.
      if (v.attrs.has('__opname__')) return toOpValue(v.attrs.get('__opname__')!, param);
      throw new UnknownArgument(param, `${param} is a ${v.cls.name} object`);
    default:
      throw new UnknownArgument(param, `${param} is a ${v.kind}`);
  }
}

/** Op data → interpreter value: arrays become tuples (torch.Size is a tuple). */
export function fromOpValue(v: OpValue): Value {
  if (v === null) return NONE;
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : float(v);
  if (typeof v === 'boolean') return bool(v);
  if (typeof v === 'string') return str(v);
  if (Array.isArray(v)) return tuple(v.map(fromOpValue));
  if ((v as Tensor).kind === 'tensor') return v as Tensor;
  return dict(Object.entries(v).map(([k, x]) => [str(k), fromOpValue(x)]));
}

export const listOf = (items: Value[]): Value => list(items);
