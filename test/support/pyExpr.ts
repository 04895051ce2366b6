// A tiny parser for the Python call expressions the real-PyTorch goldens record
// (`nn.Conv2d(3, 8, kernel_size=(3, 3))(torch.zeros(1, 3, 8, 8))`, extra_repr strings such as
// `64, eps=1e-05, affine=True`) and a binder from call arguments to an op's Python signature,
// so that tests feed the op catalogue exactly what the interpreter would, without depending on it.

import type { OpArgs, OpValue } from '../../server/src/engine/ops/types';

export type PyNode =
  | { kind: 'num'; value: number }
  | { kind: 'str'; value: string }
  | { kind: 'name'; value: string }
  | { kind: 'tuple' | 'list'; items: PyNode[] }
  | { kind: 'call'; callee: PyNode; args: PyArg[] };

export interface PyArg {
  name: string | null;
  value: PyNode;
}

const TOKEN = /\s*(?:(\d+\.\d*(?:e[-+]?\d+)?|\d*\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+|\d+)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][\w.]*)|(\*\*|[-()[\],=*:<>]))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) throw new SyntaxError(`cannot tokenize ${JSON.stringify(text.slice(at))} in ${JSON.stringify(text)}`);
    tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: string[]) {}

  peek(): string | undefined {
    return this.tokens[this.pos];
  }

  take(expected?: string): string {
    const t = this.tokens[this.pos++];
    if (t === undefined || (expected !== undefined && t !== expected)) {
      throw new SyntaxError(`expected ${expected ?? 'a token'} but found ${t ?? 'the end'} in ${this.tokens.join(' ')}`);
    }
    return t;
  }

  done(): boolean {
    return this.pos >= this.tokens.length;
  }

  expr(): PyNode {
    let node = this.atom();
    while (this.peek() === '(') {
      this.take('(');
      node = { kind: 'call', callee: node, args: this.args(')') };
      this.take(')');
    }
    return node;
  }

  private atom(): PyNode {
    const t = this.take();
    if (t === '-') {
      const inner = this.atom();
      if (inner.kind !== 'num') throw new SyntaxError('unary minus on a non-number');
      return { kind: 'num', value: -inner.value };
    }
    if (t === '(' || t === '[') {
      const close = t === '(' ? ')' : ']';
      const items: PyNode[] = [];
      let sawComma = false;
      while (this.peek() !== close) {
        items.push(this.expr());
        if (this.peek() === ',') {
          this.take(',');
          sawComma = true;
        } else break;
      }
      this.take(close);
      if (t === '(' && items.length === 1 && !sawComma) return items[0]!;
      return { kind: t === '(' ? 'tuple' : 'list', items };
    }
    if (/^[\d.]/.test(t)) return { kind: 'num', value: Number(t) };
    if (t.startsWith("'") || t.startsWith('"')) return { kind: 'str', value: t.slice(1, -1) };
    if (/^[A-Za-z_]/.test(t)) return { kind: 'name', value: t };
    throw new SyntaxError(`unexpected ${t}`);
  }

  /** Call arguments up to (not including) `close`; also the whole of an extra_repr string. */
  args(close?: string): PyArg[] {
    const args: PyArg[] = [];
    while (!this.done() && this.peek() !== close) {
      const save = this.pos;
      const first = this.take();
      if (/^[A-Za-z_]\w*$/.test(first) && this.peek() === '=') {
        this.take('=');
        args.push({ name: first, value: this.expr() });
      } else {
        this.pos = save;
        args.push({ name: null, value: this.expr() });
      }
      if (this.peek() === ',') this.take(',');
      else break;
    }
    return args;
  }
}

export function parseExpr(text: string): PyNode {
  const p = new Parser(tokenize(text));
  const node = p.expr();
  if (!p.done()) throw new SyntaxError(`trailing tokens in ${text}`);
  return node;
}

/** Parses `a, b=1, c=(2, 3)` (an extra_repr or an argument list) into arguments. */
export function parseArgs(text: string): PyArg[] {
  const p = new Parser(tokenize(text));
  const args = p.args();
  if (!p.done()) throw new SyntaxError(`trailing tokens in ${text}`);
  return args;
}

/** Literal value of a node; a bare name other than None/True/False reads as its own text
 *  (extra_repr writes `mode=nearest` without quotes). */
export function literal(node: PyNode): OpValue {
  switch (node.kind) {
    case 'num':
    case 'str':
      return node.value;
    case 'name':
      if (node.value === 'None') return null;
      if (node.value === 'True') return true;
      if (node.value === 'False') return false;
      return node.value;
    case 'tuple':
    case 'list':
      return node.items.map(literal);
    case 'call':
      throw new Error('a call is not a literal');
  }
}

export interface SignatureParam {
  name: string;
  default?: OpValue;
  kind: 'normal' | 'keywordOnly' | 'varargs' | 'varkw';
}

export function parseSignature(signature: string): SignatureParam[] {
  const params: SignatureParam[] = [];
  let keywordOnly = false;
  for (const raw of signature.split(/,(?![^()[\]]*[)\]])/)) {
    const part = raw.trim();
    if (!part) continue;
    if (part === '*') {
      keywordOnly = true;
      continue;
    }
    if (part.startsWith('**')) {
      params.push({ name: part.slice(2), kind: 'varkw' });
      continue;
    }
    if (part.startsWith('*')) {
      params.push({ name: part.slice(1), kind: 'varargs' });
      keywordOnly = true;
      continue;
    }
    const eq = part.indexOf('=');
    if (eq < 0) params.push({ name: part, kind: keywordOnly ? 'keywordOnly' : 'normal' });
    else {
      params.push({
        name: part.slice(0, eq).trim(),
        default: literal(parseExpr(part.slice(eq + 1).trim())),
        kind: keywordOnly ? 'keywordOnly' : 'normal',
      });
    }
  }
  return params;
}

/** Binds positional and keyword values to a signature, filling defaults, as Python does. */
export function bindArgs(signature: string, positional: readonly OpValue[], keywords: Readonly<Record<string, OpValue>>): OpArgs {
  const params = parseSignature(signature);
  const out: OpArgs = {};
  let i = 0;
  for (const p of params) {
    if (p.kind === 'varargs') {
      out[p.name] = positional.slice(i);
      i = positional.length;
    } else if (p.kind === 'normal' && i < positional.length) {
      out[p.name] = positional[i++]!;
    }
  }
  if (i < positional.length) throw new TypeError(`too many positional arguments for (${signature})`);
  const extra: Record<string, OpValue> = {};
  for (const [k, v] of Object.entries(keywords)) {
    const p = params.find((q) => q.name === k && (q.kind === 'normal' || q.kind === 'keywordOnly'));
    if (!p) {
      const varkw = params.find((q) => q.kind === 'varkw');
      if (!varkw) throw new TypeError(`unexpected keyword argument '${k}' for (${signature})`);
      extra[k] = v;
      continue;
    }
    if (k in out) throw new TypeError(`multiple values for argument '${k}'`);
    out[k] = v;
  }
  for (const p of params) {
    if (p.kind === 'varkw') out[p.name] = extra;
    else if (!(p.name in out)) {
      if (p.default === undefined && p.kind !== 'varargs') throw new TypeError(`missing required argument '${p.name}' for (${signature})`);
      if (p.default !== undefined) out[p.name] = p.default;
    }
  }
  return out;
}
