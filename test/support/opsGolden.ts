// Evaluates the cases of a torch golden in the format of scripts/golden/mo_ops_cases.py (mo_ops,
// mob_ops, moa_ops): each expression over nn./F./torch. with `T` placeholders is bound to the
// specs' own Python signatures (test/support/pyExpr.ts, so the signature strings are tested too)
// and run through ConvLens's ops; the result is compared with what torch 1.13 answered (output
// shapes, parameter count, or the exception). A case may name the exact OpError code ConvLens
// must give (the documented meaning of each code: server/src/format/sarif.ts's rules).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { tensorFunctionSpecs } from '../../server/src/engine/ops/functionRegistry';
import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { OpError, type ModuleSpec, type OpArgs, type OpResult, type OpValue, type Tensor } from '../../server/src/engine/ops/types';
import { bindArgs as bindAll, literal, parseExpr, parseSignature, type PyArg, type PyNode } from './pyExpr';

export type InputSpec = number[] | { shape: number[]; dtype: 'long'; values?: number | number[] };

export interface GoldenCase {
  expr: string;
  inputs: InputSpec[];
  out?: number[][];
  params?: number;
  error?: string;
  message?: string;
  match?: string[];
  /** Whether torch's kernel provably maps coordinates with the user's scale_factor (its output
   *  differs from the same resize given the output size). */
  kernel_scale?: boolean;
  /** DESIGN.md's MACs of the call, worked out from torch's output shape and the layer's sizes. */
  macs?: number;
  /** ConvLens's own contract, not torch's: the OpError code this refusal must carry. */
  code?: string;
  /** torch answered from what a static analysis cannot know (a dtype, the values): ConvLens must
   *  refuse the call as 'unsupported', never give a shape (torch's answer, in `out`, is for one dtype). */
  unknown?: boolean;
}

export interface Built {
  kind: 'module';
  spec: ModuleSpec;
  config: unknown;
}

/** A golden file of test/golden/torch as a whole (some carry more than `cases`). */
export function loadGoldenFile<T extends { cases: GoldenCase[] }>(name: string): T {
  return JSON.parse(readFileSync(join(import.meta.dirname, '..', 'golden', 'torch', name), 'utf8')) as T;
}

export function loadGolden(name: string): GoldenCase[] {
  return loadGoldenFile(name).cases;
}

export function makeInput(spec: InputSpec): Tensor {
  if (Array.isArray(spec)) return { kind: 'tensor', shape: spec, geometry: null };
  // An integer tensor whose values the op reads (repeat_interleave's counts), as ops/smallValues.ts carries them.
  const values = spec.values === undefined ? undefined : Array.isArray(spec.values) ? spec.values : [spec.values];
  return { kind: 'tensor', shape: spec.shape, geometry: null, ...(values ? { values } : {}) } as Tensor;
}

export function isBuilt(v: unknown): v is Built {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'module';
}

/** When set, calls are bound without the signature's defaults: an op must fall back to the same
 *  defaults itself (a missing key falls back to the signature's default, layerArgs.ts). */
let givenOnly = false;

function bindArgs(signature: string, positional: readonly OpValue[], keywords: Readonly<Record<string, OpValue>>): OpArgs {
  const bound = bindAll(signature, positional, keywords);
  if (!givenOnly) return bound;
  let i = 0;
  for (const p of parseSignature(signature)) {
    const byPosition = p.kind === 'normal' && i < positional.length;
    if (byPosition) i++;
    if (p.default !== undefined && !byPosition && !(p.name in keywords)) delete bound[p.name];
  }
  return bound;
}

/** A name ConvLens's catalogues do not have: right where torch has no such attribute either. */
class UnknownName extends Error {}

/** The result of the outermost call evaluate() made last (the case's own op). */
export let lastResult: OpResult | null = null;

/** Evaluates a case's expression the way the interpreter feeds the ops: each call bound to its spec's signature. */
export function evaluate(node: PyNode, tensors: Tensor[]): OpValue | Built {
  const values = (args: PyArg[]): { positional: OpValue[]; keywords: Record<string, OpValue> } => {
    const positional: OpValue[] = [];
    const keywords: Record<string, OpValue> = {};
    for (const a of args) {
      const v = evaluate(a.value, tensors);
      if (isBuilt(v)) throw new Error('a module as an argument');
      if (a.name) keywords[a.name] = v;
      else positional.push(v);
    }
    return { positional, keywords };
  };
  switch (node.kind) {
    case 'name':
      if (node.value === 'T') {
        const t = tensors.shift();
        if (!t) throw new Error('more T placeholders than inputs');
        return t;
      }
      if (node.value === 'Ellipsis') return '...';
      return literal(node);
    case 'tuple':
    case 'list':
      return node.items.map((n) => evaluate(n, tensors) as OpValue);
    case 'call':
      break;
    default:
      return literal(node);
  }
  if (node.callee.kind === 'name') {
    const name = node.callee.value;
    if (name === 'float') return Number(literal(node.args[0]!.value) === 'inf' ? Infinity : literal(node.args[0]!.value));
    // Python's slice(stop) / slice(start, stop[, step]), as the interpreter hands a slice to an op.
    if (name === 'slice') {
      const parts = node.args.map((a) => evaluate(a.value, tensors) as OpValue);
      const [start, stop, step] = parts.length === 1 ? [null, parts[0]!, null] : [parts[0]!, parts[1]!, parts[2] ?? null];
      return { start, stop, step };
    }
    if (name.startsWith('nn.')) {
      const spec = moduleSpecs.get(name.slice(3));
      if (!spec) throw new UnknownName(`no module ${name}`);
      const { positional, keywords } = values(node.args);
      return { kind: 'module', spec, config: spec.build(bindArgs(spec.signature, positional, keywords)) };
    }
    if (name.startsWith('T.')) {
      // A method call: the next input is `self`.
      const self = tensors.shift()!;
      const spec = tensorFunctionSpecs.get(`Tensor.${name.slice(2)}`);
      if (!spec) throw new UnknownName(`no method ${name}`);
      const { positional, keywords } = values(node.args);
      lastResult = spec.apply(bindArgs(spec.signature, [self, ...positional], keywords));
      return lastResult.value;
    }
    const spec = tensorFunctionSpecs.get(name) ?? layerFunctionSpecs.get(name);
    if (!spec) throw new UnknownName(`no function ${name}`);
    const { positional, keywords } = values(node.args);
    lastResult = spec.apply(bindArgs(spec.signature, positional, keywords));
    return lastResult.value;
  }
  const callee = evaluate(node.callee, tensors);
  if (!isBuilt(callee)) throw new Error('a call of a non-module');
  const { positional, keywords } = values(node.args);
  lastResult = callee.spec.forward(callee.config, bindArgs(callee.spec.forwardSignature, positional, keywords));
  return lastResult.value;
}

export function shapesOf(v: OpValue): number[][] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && v.kind === 'tensor') return [[...(v as Tensor).shape]];
  if (Array.isArray(v)) return v.flatMap(shapesOf);
  return [];
}

/** The op a message must name: `nn.X(...)` → X, `F.f(...)`/`torch.f(...)` → itself, `T.m(...)` → Tensor.m. */
export function opName(expr: string): string {
  const m = /^(nn\.|T\.)?([\w.]+)\(/.exec(expr)!;
  return m[1] === 'T.' ? `Tensor.${m[2]}` : m[2]!;
}

/** torch has no function or method of the case's name (not an AttributeError from a wrong argument). */
function torchLacksName(c: GoldenCase): boolean {
  return c.error === 'AttributeError' && /^(module '[\w.]+'|'Tensor' object) has no attribute/.test(c.message ?? '');
}

/** null when ConvLens agrees with torch on the case, else what differs. */
export function check(c: GoldenCase): string | null {
  const tensors = c.inputs.map(makeInput);
  let value: OpValue | Built;
  try {
    value = evaluate(parseExpr(c.expr), tensors);
    if (isBuilt(value)) {
      if (c.error) return `built the module; torch raises ${c.error}: ${c.message}`;
      if (value.spec.params(value.config) !== c.params) return `params ${value.spec.params(value.config)}; torch has ${c.params}`;
      return null;
    }
  } catch (e) {
    if (e instanceof UnknownName) return torchLacksName(c) ? null : `${e.message}; torch ${c.error ? `raises ${c.error}` : 'has it'}`;
    if (!(e instanceof OpError)) return `crashed or refused to bind: ${(e as Error).stack}`;
    if (c.unknown) return e.code === 'unsupported' ? null : `error code ${e.code} where the answer is unknown (torch gives ${JSON.stringify(c.out)} for its dtype)`;
    if (!c.error) return `threw ${e.message}; torch gives ${JSON.stringify(c.out ?? c.params)}`;
    // A refusal torch makes is the user's error, never a limitation of the analysis (torch's own
    // NotImplementedError aside: interpolate raises it for an input of the wrong rank too).
    // A TypeError is an argument of the wrong kind whatever the shapes.
    const codes =
      c.error === 'TypeError' ? ['invalid-argument'] : ['shape-mismatch', 'channel-mismatch', 'invalid-argument', ...(c.error === 'NotImplementedError' ? ['unsupported'] : [])];
    if (torchLacksName(c)) return `knows the name, torch has no such attribute: ${c.message}`;
    if (!codes.includes(e.code)) return `error code ${e.code} for torch's ${c.error}`;
    if (c.code !== undefined && e.code !== c.code) return `error code ${e.code}; the contract says ${c.code}`;
    const name = opName(c.expr);
    if (!e.message.startsWith(name)) return `the message does not start with ${name}: ${e.message}`;
    const missing = (c.match ?? []).filter((m) => !e.message.toLowerCase().includes(m.toLowerCase()));
    if (missing.length) return `the message ${JSON.stringify(e.message)} lacks torch's ${JSON.stringify(missing)} (torch: ${c.message})`;
    return null;
  }
  if (c.error) return `gave ${JSON.stringify(shapesOf(value))}; torch raises ${c.error}: ${c.message}`;
  if (c.unknown) return `gave ${JSON.stringify(shapesOf(value))} where the answer depends on what the analysis cannot know`;
  if (JSON.stringify(shapesOf(value)) !== JSON.stringify(c.out)) return `gave ${JSON.stringify(shapesOf(value))}; torch gives ${JSON.stringify(c.out)}`;
  const result = lastResult!;
  if (c.macs !== undefined && result.macs !== c.macs) return `MACs ${result.macs}; from torch's shapes ${c.macs}`;
  // A layer's scale is out/in along the axes it reports, from torch's shapes.
  const scale = result.geometry?.scale;
  if (scale && c.out!.length === 1) {
    const inShape = makeInput(c.inputs[0]!).shape;
    const outShape = c.out![0]!;
    const expected = scale.map((_, i) => outShape[outShape.length - scale.length + i]! / inShape[inShape.length - scale.length + i]!);
    if (JSON.stringify(scale) !== JSON.stringify(expected)) return `scale ${JSON.stringify(scale)}; torch's shapes give ${JSON.stringify(expected)}`;
  }
  givenOnly = true;
  try {
    const again = evaluate(parseExpr(c.expr), c.inputs.map(makeInput)) as OpValue;
    if (JSON.stringify(shapesOf(again)) !== JSON.stringify(c.out)) return `without the defaults bound, gave ${JSON.stringify(shapesOf(again))}`;
  } catch (e) {
    return `without the defaults bound, threw ${(e as Error).message}`;
  } finally {
    givenOnly = false;
  }
  if (c.params !== undefined) {
    // The module again, for its parameter count (the expression's outer call is its forward).
    const built = evaluate((parseExpr(c.expr) as Extract<PyNode, { kind: 'call' }>).callee, c.inputs.map(makeInput));
    if (!isBuilt(built) || built.spec.params(built.config) !== c.params) return `params differ from torch's ${c.params}`;
  }
  return null;
}

/** The module a case's expression builds (its outer call's callee when the case calls it). */
export function buildModule(expr: string): Built {
  const whole = parseExpr(expr) as Extract<PyNode, { kind: 'call' }>;
  const ctor = whole.callee.kind === 'call' ? whole.callee : whole;
  const built = evaluate(ctor, []);
  if (!isBuilt(built)) throw new Error(`${expr} builds no module`);
  return built;
}

/** The numbers given positionally to a module's constructor, tuples flattened. */
function positionalNumbers(node: PyNode): number[] {
  if (node.kind === 'num') return [node.value];
  if (node.kind === 'tuple' || node.kind === 'list') return node.items.flatMap(positionalNumbers);
  return [];
}

/** The cases whose module's description does not name every number its constructor was given
 *  positionally. The oracle is the call itself: `nn.Embedding(10, 3)` must read as something with
 *  10 and 3 in it. */
export function undescribedPositionalNumbers(cases: readonly GoldenCase[]): string[] {
  const failures: string[] = [];
  for (const c of cases) {
    if (c.error || !c.expr.startsWith('nn.') || c.expr.startsWith('nn.Identity')) continue;
    const whole = parseExpr(c.expr) as Extract<PyNode, { kind: 'call' }>;
    const ctor = (whole.callee.kind === 'call' ? whole.callee : whole) as Extract<PyNode, { kind: 'call' }>;
    const built = evaluate(ctor, c.inputs.map(makeInput));
    if (!isBuilt(built)) continue;
    const text = built.spec.describe(built.config);
    if (typeof text !== 'string') failures.push(`${c.expr}: no description`);
    const numbers = ctor.args.filter((a) => !a.name).flatMap((a) => positionalNumbers(a.value));
    const missing = numbers.filter((n) => !new RegExp(`(?<!\\d)${String(n).replace('.', '\\.')}(?![\\d])`).test(text));
    if (missing.length) failures.push(`${c.expr}: ${JSON.stringify(text)} does not name ${missing.join(', ')}`);
  }
  return failures;
}
