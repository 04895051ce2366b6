// What the LSP features need to know about the source beyond the report: which class or function
// encloses a place, the statement under the cursor, and the call expression a layer was built by
// (for quick fixes that edit its arguments). Built from the AST the analysis read (the engine's
// incremental parse of that text), once per text.

import type { CallExpr, ClassDef, Expr, FunctionDef, PyModule, Span, Stmt } from '../engine/python/ast';

const STATEMENT_KINDS = new Set<string>([
  'Expr', 'Assign', 'AnnAssign', 'AugAssign', 'If', 'For', 'While', 'Return', 'Pass', 'Break', 'Continue',
  'FunctionDef', 'ClassDef', 'Import', 'ImportFrom', 'Try', 'With', 'Raise', 'Assert', 'Global', 'Nonlocal',
  'Del', 'ErrorStmt',
]);
const COMPOUND_KINDS = new Set<string>(['If', 'For', 'While', 'Try', 'With', 'FunctionDef', 'ClassDef']);

type Node = Span & { kind: string };

function isNode(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && typeof (v as Node).kind === 'string' && typeof (v as Node).from === 'number';
}

/** Every AST node under `root` (statements, expressions, call arguments), parents first. */
function* walk(root: unknown): Generator<Node> {
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (isNode(v)) yield v;
    // Keys starting with `$` are the interpreter's caches on nodes (`$site`), not syntax.
    const keys = Object.keys(v as object).filter((k) => k.charCodeAt(0) !== 36);
    for (let i = keys.length - 1; i >= 0; i--) {
      const child = (v as Record<string, unknown>)[keys[i]!];
      if (typeof child === 'object' && child !== null) stack.push(child);
    }
  }
}

function contains(span: Span, offset: number): boolean {
  return span.from <= offset && offset <= span.to;
}

export interface Scope {
  node: ClassDef | FunctionDef;
  /** The class a method belongs to; null for module-level functions and classes. */
  owner: ClassDef | null;
}

export class SyntaxIndex {
  readonly module: PyModule;
  private readonly scopes: Scope[] = [];
  private readonly calls: CallExpr[] = [];
  /** Every statement, in source order (parents before children). */
  private readonly statements: Stmt[] = [];

  constructor(module: PyModule) {
    this.module = module;
    const visitBody = (body: Stmt[], owner: ClassDef | null) => {
      for (const stmt of body) {
        if (stmt.kind === 'ClassDef') {
          this.scopes.push({ node: stmt, owner });
          visitBody(stmt.body, stmt);
        } else if (stmt.kind === 'FunctionDef') {
          this.scopes.push({ node: stmt, owner });
          visitBody(stmt.body, null);
        } else {
          for (const child of childBodies(stmt)) visitBody(child, owner);
        }
      }
    };
    visitBody(this.module.body, null);
    for (const node of walk(this.module.body)) {
      if (node.kind === 'Call') this.calls.push(node as CallExpr);
      else if (STATEMENT_KINDS.has(node.kind)) this.statements.push(node as Stmt);
    }
  }

  /** The innermost class or function whose text contains `offset`. */
  scopeAt(offset: number): Scope | null {
    let best: Scope | null = null;
    for (const s of this.scopes) if (contains(s.node, offset) && (!best || s.node.from >= best.node.from)) best = s;
    return best;
  }

  /** True when `offset` is inside a method of a class (the place a module is usually built). */
  inClassMethod(offset: number): boolean {
    const scope = this.scopeAt(offset);
    if (!scope) return false;
    if (scope.node.kind === 'ClassDef') return true;
    return scope.owner !== null;
  }

  /** The class or function whose name is at `offset`. */
  definitionNamedAt(offset: number): ClassDef | FunctionDef | null {
    for (const s of this.scopes) if (contains(s.node.nameSpan, offset)) return s.node;
    return null;
  }

  /** The innermost statement containing `offset`; a compound statement only on its header line. */
  statementAt(offset: number, text: string): Stmt | null {
    let best: Stmt | null = null;
    for (const node of this.statements) {
      if (!contains(node, offset)) continue;
      if (COMPOUND_KINDS.has(node.kind)) {
        // The header ends at the first line break of any kind (\n, \r\n, a lone \r).
        const found = text.slice(node.from).search(/[\r\n]/);
        if (found >= 0 && offset > node.from + found) continue;
      }
      if (!best || node.from >= best.from) best = node as Stmt;
    }
    return best;
  }

  /** The call expression that starts at `from` (a layer's `defined` location), innermost first. */
  callStartingAt(from: number, to?: number): CallExpr | null {
    let best: CallExpr | null = null;
    for (const call of this.calls) {
      if (call.from !== from) continue;
      if (to !== undefined && call.to === to) return call;
      if (!best || call.to < best.to) best = call;
    }
    return best;
  }

  /** Calls whose span contains [from, to], innermost first. */
  callsContaining(from: number, to: number): CallExpr[] {
    return this.calls.filter((c) => c.from <= from && to <= c.to).sort((a, b) => a.to - a.from - (b.to - b.from));
  }
}

function childBodies(stmt: Stmt): Stmt[][] {
  switch (stmt.kind) {
    case 'If':
    case 'For':
    case 'While':
      return [stmt.body, stmt.orelse];
    case 'Try':
      return [stmt.body, ...stmt.handlers.map((h) => h.body), stmt.orelse, stmt.finalbody];
    case 'With':
      return [stmt.body];
    default:
      return [];
  }
}

/** `self.NAME = …` (first such target) → NAME. */
export function selfAttributeAssigned(stmt: Stmt | null): string | null {
  if (!stmt || (stmt.kind !== 'Assign' && stmt.kind !== 'AnnAssign')) return null;
  const targets = stmt.kind === 'Assign' ? stmt.targets : [stmt.target];
  for (const t of targets) {
    if (t.kind === 'Attribute' && t.obj.kind === 'Name' && t.obj.id === 'self') return t.attr;
  }
  return null;
}

/** `self.NAME(…)` → NAME. */
export function selfAttributeCalled(expr: Expr | null): string | null {
  if (!expr || expr.kind !== 'Call') return null;
  const f = expr.func;
  return f.kind === 'Attribute' && f.obj.kind === 'Name' && f.obj.id === 'self' ? f.attr : null;
}

/** The dotted name of a call's function: `nn.ConvTranspose2d`, `conv3x3`; null for anything else. */
export function calleeName(call: CallExpr): string | null {
  const parts: string[] = [];
  let e: Expr = call.func;
  while (e.kind === 'Attribute') {
    parts.unshift(e.attr);
    e = e.obj;
  }
  if (e.kind !== 'Name') return null;
  parts.unshift(e.id);
  return parts.join('.');
}
