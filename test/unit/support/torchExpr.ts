// A tiny evaluator of one-line torch expressions (`torch.zeros(2, 3)[:, None].sum(-1)`) over the
// tensor function specs, for tests. It parses the Python subset the golden cases use, binds each
// call to the spec's signature the way Python binds arguments (so the signature strings are tested
// too), and maps operators to the dunder specs as Python would try them.
//
// Deliberately independent of the engine's interpreter: it tests the op catalogue alone.

import { tensorFunctionSpecs, tensorPropertyNames } from '../../../server/src/engine/ops/functionRegistry';
import { layerFunctionSpecs } from '../../../server/src/engine/ops/layerFunctions';
import type { FunctionSpec, OpArgs, OpValue, Tensor } from '../../../server/src/engine/ops/types';

/** A Python-level error of the evaluator itself (bad syntax, a call that cannot bind). */
export class EvalError extends Error {}

type Node =
  | { k: 'num'; v: number }
  | { k: 'str'; v: string }
  | { k: 'name'; v: string }
  | { k: 'ellipsis' }
  | { k: 'tuple'; items: Node[] }
  | { k: 'list'; items: Node[] }
  | { k: 'slice'; start: Node | null; stop: Node | null; step: Node | null }
  | { k: 'attr'; obj: Node; name: string }
  | { k: 'call'; fn: Node; args: Node[]; kwargs: [string, Node][] }
  | { k: 'index'; obj: Node; index: Node }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'unary'; op: string; v: Node };

// ---------------------------------------------------------------------------------------------
// Tokens and parser

const TOKEN = /\s*(\d+\.\d*(?:e[-+]?\d+)?|\d*\.\d+(?:e[-+]?\d+)?|\d+(?:e[-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*|'[^']*'|"[^"]*"|\.\.\.|\*\*|\/\/|==|!=|<=|>=|->|[-+*/%@<>~&|()[\]{},.:=])/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(src);
    if (!m) throw new EvalError(`cannot tokenize at ${src.slice(TOKEN.lastIndex)}`);
    out.push(m[1]!);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly t: string[]) {}

  private peek(): string | undefined {
    return this.t[this.i];
  }
  private eat(tok?: string): string {
    const x = this.t[this.i];
    if (x === undefined || (tok !== undefined && x !== tok)) throw new EvalError(`expected ${tok ?? 'a token'}, got ${x}`);
    this.i++;
    return x;
  }
  done(): boolean {
    return this.i >= this.t.length;
  }

  expr(): Node {
    return this.compare();
  }
  private compare(): Node {
    let l = this.bitOr();
    while (['==', '!=', '<', '>', '<=', '>='].includes(this.peek() ?? '')) {
      const op = this.eat();
      l = { k: 'bin', op, l, r: this.bitOr() };
    }
    return l;
  }
  private bitOr(): Node {
    let l = this.sum();
    while (this.peek() === '&' || this.peek() === '|') {
      const op = this.eat();
      l = { k: 'bin', op, l, r: this.sum() };
    }
    return l;
  }
  private sum(): Node {
    let l = this.term();
    while (this.peek() === '+' || this.peek() === '-') {
      const op = this.eat();
      l = { k: 'bin', op, l, r: this.term() };
    }
    return l;
  }
  private term(): Node {
    let l = this.unary();
    while (['*', '/', '//', '%', '@'].includes(this.peek() ?? '')) {
      const op = this.eat();
      l = { k: 'bin', op, l, r: this.unary() };
    }
    return l;
  }
  private unary(): Node {
    const p = this.peek();
    if (p === '-' || p === '+' || p === '~') {
      this.eat();
      return { k: 'unary', op: p, v: this.unary() };
    }
    return this.power();
  }
  private power(): Node {
    const base = this.postfix();
    if (this.peek() === '**') {
      this.eat();
      return { k: 'bin', op: '**', l: base, r: this.unary() };
    }
    return base;
  }
  private postfix(): Node {
    let n = this.atom();
    for (;;) {
      const p = this.peek();
      if (p === '.') {
        this.eat();
        n = { k: 'attr', obj: n, name: this.eat() };
      } else if (p === '(') {
        n = this.call(n);
      } else if (p === '[') {
        this.eat();
        const index = this.subscript();
        this.eat(']');
        n = { k: 'index', obj: n, index };
      } else return n;
    }
  }
  private call(fn: Node): Node {
    this.eat('(');
    const args: Node[] = [];
    const kwargs: [string, Node][] = [];
    while (this.peek() !== ')') {
      if (/^[A-Za-z_]/.test(this.peek() ?? '') && this.t[this.i + 1] === '=') {
        const name = this.eat();
        this.eat('=');
        kwargs.push([name, this.expr()]);
      } else {
        if (kwargs.length) throw new EvalError('positional argument follows keyword argument');
        args.push(this.expr());
      }
      if (this.peek() === ',') this.eat(',');
      else break;
    }
    this.eat(')');
    return { k: 'call', fn, args, kwargs };
  }
  private sliceOrExpr(): Node {
    const startTok = this.peek();
    const start = startTok === ':' ? null : this.expr();
    if (this.peek() !== ':') return start!;
    this.eat(':');
    const stop = [',', ']', ':'].includes(this.peek() ?? '') ? null : this.expr();
    let step: Node | null = null;
    if (this.peek() === ':') {
      this.eat(':');
      step = [',', ']'].includes(this.peek() ?? '') ? null : this.expr();
    }
    return { k: 'slice', start, stop, step };
  }
  private subscript(): Node {
    const first = this.sliceOrExpr();
    if (this.peek() !== ',') return first;
    const items = [first];
    while (this.peek() === ',') {
      this.eat(',');
      if (this.peek() === ']') break;
      items.push(this.sliceOrExpr());
    }
    return { k: 'tuple', items };
  }
  private atom(): Node {
    const x = this.eat();
    if (/^[\d.]/.test(x) && x !== '...') return { k: 'num', v: Number(x) };
    if (x === '...') return { k: 'ellipsis' };
    if (x.startsWith("'") || x.startsWith('"')) return { k: 'str', v: x.slice(1, -1) };
    if (/^[A-Za-z_]/.test(x)) return { k: 'name', v: x };
    if (x === '(') {
      if (this.peek() === ')') {
        this.eat();
        return { k: 'tuple', items: [] };
      }
      const first = this.expr();
      if (this.peek() === ')') {
        this.eat();
        return first;
      }
      const items = [first];
      while (this.peek() === ',') {
        this.eat(',');
        if (this.peek() === ')') break;
        items.push(this.expr());
      }
      this.eat(')');
      return { k: 'tuple', items };
    }
    if (x === '[') {
      const items: Node[] = [];
      while (this.peek() !== ']') {
        items.push(this.expr());
        if (this.peek() === ',') this.eat(',');
        else break;
      }
      this.eat(']');
      return { k: 'list', items };
    }
    throw new EvalError(`unexpected token ${x}`);
  }
}

export function parseExpression(src: string): Node {
  const p = new Parser(tokenize(src));
  const n = p.expr();
  if (!p.done()) throw new EvalError(`trailing tokens in ${src}`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Signatures and binding

interface Param {
  name: string;
  kind: 'normal' | 'varargs' | 'kwonly' | 'kwargs';
  default?: OpValue;
}

const signatureCache = new Map<string, Param[]>();

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let cur = '';
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(cur.trim());
      cur = '';
      continue;
    }
    cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

/** Parses a Python parameter list; defaults must be literals (as the interpreter requires). */
export function parseSignature(signature: string): Param[] {
  const hit = signatureCache.get(signature);
  if (hit) return hit;
  const params: Param[] = [];
  let kwonly = false;
  for (const part of splitTopLevel(signature)) {
    if (part === '*') {
      kwonly = true;
      continue;
    }
    if (part.startsWith('**')) {
      params.push({ name: part.slice(2), kind: 'kwargs' });
      continue;
    }
    if (part.startsWith('*')) {
      params.push({ name: part.slice(1), kind: 'varargs' });
      kwonly = true;
      continue;
    }
    const eq = part.indexOf('=');
    const name = (eq >= 0 ? part.slice(0, eq) : part).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new EvalError(`bad parameter '${part}' in signature '${signature}'`);
    const param: Param = { name, kind: kwonly ? 'kwonly' : 'normal' };
    if (eq >= 0) param.default = literal(parseExpression(part.slice(eq + 1).trim()), signature);
    params.push(param);
  }
  signatureCache.set(signature, params);
  return params;
}

function literal(n: Node, signature: string): OpValue {
  switch (n.k) {
    case 'num':
      return n.v;
    case 'str':
      return n.v;
    case 'name':
      if (n.v === 'None') return null;
      if (n.v === 'True') return true;
      if (n.v === 'False') return false;
      break;
    case 'unary':
      if (n.op === '-') return -(literal(n.v, signature) as number);
      break;
    case 'tuple':
    case 'list':
      return n.items.map((x) => literal(x, signature));
  }
  throw new EvalError(`default in '${signature}' is not a literal`);
}

export function bind(spec: FunctionSpec, positional: OpValue[], keywords: [string, OpValue][]): OpArgs {
  const params = parseSignature(spec.signature);
  const args: OpArgs = {};
  let pi = 0;
  const rest: OpValue[] = [];
  const normal = params.filter((p) => p.kind === 'normal');
  const varargs = params.find((p) => p.kind === 'varargs');
  const kwargs = params.find((p) => p.kind === 'kwargs');
  for (const v of positional) {
    if (pi < normal.length) args[normal[pi++]!.name] = v;
    else if (varargs) rest.push(v);
    else throw new EvalError(`${spec.name}() takes ${normal.length} positional arguments but ${positional.length} were given`);
  }
  if (varargs) args[varargs.name] = rest;
  const extra: Record<string, OpValue> = {};
  for (const [k, v] of keywords) {
    const p = params.find((q) => q.name === k && (q.kind === 'normal' || q.kind === 'kwonly'));
    if (!p) {
      if (kwargs) extra[k] = v;
      else throw new EvalError(`${spec.name}() got an unexpected keyword argument '${k}'`);
      continue;
    }
    if (k in args) throw new EvalError(`${spec.name}() got multiple values for argument '${k}'`);
    args[k] = v;
  }
  if (kwargs) args[kwargs.name] = extra;
  for (const p of params) {
    if (p.kind === 'varargs' || p.kind === 'kwargs' || p.name in args) continue;
    if (p.default === undefined) throw new EvalError(`${spec.name}() missing required argument '${p.name}'`);
    args[p.name] = p.default;
  }
  return args;
}

// ---------------------------------------------------------------------------------------------
// Evaluation

interface Namespace {
  ns: string;
}
interface Method {
  method: string;
  self: Tensor;
}
type Value = OpValue | Namespace | Method;

export interface Evaluated {
  value: OpValue;
  /** Multiply–accumulates of every op call made, summed. */
  macs: number;
}

function isTensor(v: Value): v is Tensor {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === 'tensor';
}
function isNs(v: Value): v is Namespace {
  return typeof v === 'object' && v !== null && 'ns' in v;
}
function isMethod(v: Value): v is Method {
  return typeof v === 'object' && v !== null && 'method' in v;
}

const DUNDER: Record<string, string> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'truediv', '//': 'floordiv', '%': 'mod', '**': 'pow', '@': 'matmul',
  '&': 'and', '|': 'or', '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge',
};
const REFLECTED_COMPARISON: Record<string, string> = { lt: 'gt', gt: 'lt', le: 'ge', ge: 'le', eq: 'eq', ne: 'ne' };

export function evaluate(src: string): Evaluated {
  let macs = 0;
  const call = (name: string, positional: OpValue[], keywords: [string, OpValue][] = []): OpValue => {
    const spec = tensorFunctionSpecs.get(name) ?? layerFunctionSpecs.get(name);
    if (!spec) throw new EvalError(`no spec ${name}`);
    const result = spec.apply(bind(spec, positional, keywords));
    macs += result.macs;
    return result.value;
  };
  const plain = (v: Value): OpValue => {
    if (isNs(v)) return v.ns; // torch.float16 and friends: ops only see the name
    if (isMethod(v)) throw new EvalError(`bound method ${v.method} used as a value`);
    return v;
  };
  const ev = (n: Node): Value => {
    switch (n.k) {
      case 'num':
        return n.v;
      case 'str':
        return n.v;
      case 'ellipsis':
        return '...';
      case 'name':
        if (n.v === 'None') return null;
        if (n.v === 'True') return true;
        if (n.v === 'False') return false;
        if (n.v === 'torch' || n.v === 'F') return { ns: n.v };
        throw new EvalError(`name '${n.v}' is not defined`);
      case 'tuple':
      case 'list':
        return n.items.map((x) => plain(ev(x)));
      case 'slice': {
        const part = (x: Node | null): OpValue => (x === null ? null : plain(ev(x)));
        return { start: part(n.start), stop: part(n.stop), step: part(n.step) };
      }
      case 'attr': {
        const obj = ev(n.obj);
        if (isNs(obj)) return { ns: `${obj.ns}.${n.name}` };
        if (isTensor(obj)) {
          const name = `Tensor.${n.name}`;
          if (tensorPropertyNames.has(name)) return call(name, [obj]);
          return { method: name, self: obj };
        }
        throw new EvalError(`attribute ${n.name} of a non-tensor`);
      }
      case 'call': {
        const fn = ev(n.fn);
        const args = n.args.map((a) => plain(ev(a)));
        const kwargs = n.kwargs.map(([k, v]) => [k, plain(ev(v))] as [string, OpValue]);
        if (isNs(fn)) return call(fn.ns, args, kwargs);
        if (isMethod(fn)) return call(fn.method, [fn.self, ...args], kwargs);
        throw new EvalError('call of a non-function');
      }
      case 'index': {
        const obj = plain(ev(n.obj));
        // A list literal as the whole index is advanced indexing, not a tuple: pass it as x[(list,)].
        const index = n.index.k === 'list' ? [plain(ev(n.index))] : plain(ev(n.index));
        if (isTensor(obj)) return call('Tensor.__getitem__', [obj, index]);
        if (Array.isArray(obj) && typeof index === 'number') {
          const i = index < 0 ? index + obj.length : index;
          if (i < 0 || i >= obj.length) throw new EvalError('IndexError: tuple index out of range');
          return obj[i]!;
        }
        throw new EvalError('unsupported subscript');
      }
      case 'unary': {
        const v = plain(ev(n.v));
        if (isTensor(v)) {
          if (n.op === '+') return v;
          return call(n.op === '-' ? 'Tensor.__neg__' : 'Tensor.__invert__', [v]);
        }
        if (typeof v === 'number') return n.op === '-' ? -v : v;
        throw new EvalError(`bad operand for unary ${n.op}`);
      }
      case 'bin': {
        const l = plain(ev(n.l));
        const r = plain(ev(n.r));
        const d = DUNDER[n.op]!;
        if (isTensor(l)) return call(`Tensor.__${d}__`, [l, r]);
        if (isTensor(r)) {
          const reflected = REFLECTED_COMPARISON[d] ? `Tensor.__${REFLECTED_COMPARISON[d]}__` : `Tensor.__r${d}__`;
          return call(reflected, [r, l]);
        }
        if (typeof l === 'number' && typeof r === 'number') {
          switch (n.op) {
            case '+': return l + r;
            case '-': return l - r;
            case '*': return l * r;
            case '/': return l / r;
            case '//': return Math.floor(l / r);
            case '**': return l ** r;
          }
        }
        throw new EvalError(`unsupported operands for ${n.op}`);
      }
    }
  };
  const value = plain(ev(parseExpression(src)));
  return { value, macs };
}
