// Converts a @lezer/python tree into the typed AST (../ast.ts) in one cursor walk.
//
// Each node's children are first turned into a flat list of "items": converted expressions,
// punctuation/keyword tokens, and a few structural pieces (argument lists, bodies, ...). Every
// construct is then read off its item list, which makes missing pieces (half-typed code) easy
// to notice and replace with ErrorExpr instead of failing.

import type { Tree, TreeCursor } from '@lezer/common';
import { parser } from '@lezer/python';
import type * as A from '../ast';
import { decodeStringBody, parseNumberText, stringDelimiters } from './literals';
import { nodeOf, sameShape, shapeOf, shifted, type StatementTable } from './statementReuse';

// ---------------------------------------------------------------- node codes
// @lezer/python node types as small numeric codes the converter switches on. The grammar
// reuses names for several node types (five `AssignOp`s, two `ParamList`s, ...), so codes are
// assigned by name. The enum lives in this file so that it is inlined even where files are
// compiled one at a time (tsx); across modules each use would be a property lookup.

const enum C {
  Other = 0,
  Error,
  Comment,

  // --- statements (contiguous range: FirstStmt..LastStmt) ---
  AssignStatement,
  UpdateStatement,
  ExpressionStatement,
  DeleteStatement,
  PassStatement,
  BreakStatement,
  ContinueStatement,
  ReturnStatement,
  YieldStatement,
  PrintStatement,
  RaiseStatement,
  ImportStatement,
  ScopeStatement,
  AssertStatement,
  TypeDefinition,
  IfStatement,
  WhileStatement,
  ForStatement,
  TryStatement,
  WithStatement,
  FunctionDefinition,
  ClassDefinition,
  DecoratedStatement,
  MatchStatement,

  // --- expressions (contiguous range: FirstExpr..LastExpr) ---
  VariableName,
  Number,
  String,
  FormatString,
  ContinuedString,
  Boolean,
  None,
  Ellipsis,
  ParenthesizedExpression,
  TupleExpression,
  ComprehensionExpression,
  ArrayExpression,
  ArrayComprehensionExpression,
  DictionaryExpression,
  DictionaryComprehensionExpression,
  SetExpression,
  SetComprehensionExpression,
  CallExpression,
  MemberExpression,
  BinaryExpression,
  UnaryExpression,
  AwaitExpression,
  ConditionalExpression,
  LambdaExpression,
  NamedExpression,
  YieldExpression,

  // --- structure ---
  Script,
  Body,
  StatementGroup,
  Decorator,
  ArgList,
  ParamList,
  TypeDef,
  FormatReplacement,
  FormatSpec,
  TypeParamList,

  // --- tokens ---
  PropertyName,
  Escape,
  FormatSelfDoc,
  FormatConversion,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
  Comma,
  Colon,
  Dot,
  Semicolon,
  Star,
  DoubleStar,
  At,
  AssignOp,
  UpdateOp,
  ArithOp,
  BitOp,
  CompareOp,
  KwAsync,
  KwFor,
  KwIn,
  KwIf,
  KwElse,
  KwElif,
  KwNot,
  KwIs,
  KwAnd,
  KwOr,
  KwAs,
  KwFrom,
  KwImport,
  KwLambda,
  KwExcept,
  KwFinally,
  KwDef,
  KwClass,
  KwGlobal,
  KwNonlocal,
  KwReturn,
  KwRaise,
  KwDel,
  KwAssert,
  KwPrint,
  KwType,
  KwTry,
  KwWith,
  KwWhile,
  /** Synthetic: the `/` separator of positional-only parameters, which the tree does not keep. */
  Slash,
}

const FIRST_STMT = C.AssignStatement;
const LAST_STMT = C.MatchStatement;
const FIRST_EXPR = C.VariableName;
const LAST_EXPR = C.YieldExpression;

const BY_NAME: Record<string, C> = {
  '⚠': C.Error,
  Comment: C.Comment,
  AssignStatement: C.AssignStatement,
  UpdateStatement: C.UpdateStatement,
  ExpressionStatement: C.ExpressionStatement,
  DeleteStatement: C.DeleteStatement,
  PassStatement: C.PassStatement,
  BreakStatement: C.BreakStatement,
  ContinueStatement: C.ContinueStatement,
  ReturnStatement: C.ReturnStatement,
  YieldStatement: C.YieldStatement,
  PrintStatement: C.PrintStatement,
  RaiseStatement: C.RaiseStatement,
  ImportStatement: C.ImportStatement,
  ScopeStatement: C.ScopeStatement,
  AssertStatement: C.AssertStatement,
  TypeDefinition: C.TypeDefinition,
  IfStatement: C.IfStatement,
  WhileStatement: C.WhileStatement,
  ForStatement: C.ForStatement,
  TryStatement: C.TryStatement,
  WithStatement: C.WithStatement,
  FunctionDefinition: C.FunctionDefinition,
  ClassDefinition: C.ClassDefinition,
  DecoratedStatement: C.DecoratedStatement,
  MatchStatement: C.MatchStatement,
  VariableName: C.VariableName,
  Number: C.Number,
  String: C.String,
  FormatString: C.FormatString,
  ContinuedString: C.ContinuedString,
  Boolean: C.Boolean,
  None: C.None,
  Ellipsis: C.Ellipsis,
  ParenthesizedExpression: C.ParenthesizedExpression,
  TupleExpression: C.TupleExpression,
  ComprehensionExpression: C.ComprehensionExpression,
  ArrayExpression: C.ArrayExpression,
  ArrayComprehensionExpression: C.ArrayComprehensionExpression,
  DictionaryExpression: C.DictionaryExpression,
  DictionaryComprehensionExpression: C.DictionaryComprehensionExpression,
  SetExpression: C.SetExpression,
  SetComprehensionExpression: C.SetComprehensionExpression,
  CallExpression: C.CallExpression,
  MemberExpression: C.MemberExpression,
  BinaryExpression: C.BinaryExpression,
  UnaryExpression: C.UnaryExpression,
  AwaitExpression: C.AwaitExpression,
  ConditionalExpression: C.ConditionalExpression,
  LambdaExpression: C.LambdaExpression,
  NamedExpression: C.NamedExpression,
  YieldExpression: C.YieldExpression,
  Script: C.Script,
  Body: C.Body,
  StatementGroup: C.StatementGroup,
  Decorator: C.Decorator,
  ArgList: C.ArgList,
  ParamList: C.ParamList,
  TypeDef: C.TypeDef,
  FormatReplacement: C.FormatReplacement,
  FormatSpec: C.FormatSpec,
  TypeParamList: C.TypeParamList,
  PropertyName: C.PropertyName,
  Escape: C.Escape,
  FormatSelfDoc: C.FormatSelfDoc,
  FormatConversion: C.FormatConversion,
  '(': C.LParen,
  ')': C.RParen,
  '[': C.LBracket,
  ']': C.RBracket,
  '{': C.LBrace,
  '}': C.RBrace,
  ',': C.Comma,
  ':': C.Colon,
  '.': C.Dot,
  ';': C.Semicolon,
  '*': C.Star,
  '**': C.DoubleStar,
  At: C.At,
  AssignOp: C.AssignOp,
  UpdateOp: C.UpdateOp,
  ArithOp: C.ArithOp,
  BitOp: C.BitOp,
  CompareOp: C.CompareOp,
  async: C.KwAsync,
  for: C.KwFor,
  in: C.KwIn,
  if: C.KwIf,
  else: C.KwElse,
  elif: C.KwElif,
  not: C.KwNot,
  is: C.KwIs,
  and: C.KwAnd,
  or: C.KwOr,
  as: C.KwAs,
  from: C.KwFrom,
  import: C.KwImport,
  lambda: C.KwLambda,
  except: C.KwExcept,
  finally: C.KwFinally,
  def: C.KwDef,
  class: C.KwClass,
  global: C.KwGlobal,
  nonlocal: C.KwNonlocal,
  return: C.KwReturn,
  raise: C.KwRaise,
  del: C.KwDel,
  assert: C.KwAssert,
  print: C.KwPrint,
  type: C.KwType,
  try: C.KwTry,
  with: C.KwWith,
  while: C.KwWhile,
};

/** Indexed by lezer node type id. */
const CODE_OF_TYPE: Uint8Array = (() => {
  const types = parser.nodeSet.types;
  const table = new Uint8Array(types.length);
  for (const t of types) {
    table[t.id] = t.isError ? C.Error : (BY_NAME[t.name] ?? C.Other);
  }
  return table;
})();

// ---------------------------------------------------------------- items

interface Tok { kind: '#'; code: C; from: number; to: number }
interface ErrItem { kind: '#err'; from: number; to: number; errIndex: number }
interface ArgsItem { kind: '#args'; args: A.CallArg[]; from: number; to: number }
interface ParamsItem { kind: '#params'; params: A.Param[]; from: number; to: number }
interface BodyItem { kind: '#body'; body: A.Stmt[]; from: number; to: number }
interface TypeDefItem { kind: '#typedef'; expr: A.Expr; from: number; to: number }
interface FieldItem { kind: '#field'; field: A.FStringField; selfDoc: string | null; from: number; to: number }
interface SpecItem { kind: '#spec'; parts: (string | A.FStringField)[]; from: number; to: number }
interface DecoratorItem { kind: '#decorator'; expr: A.Expr; from: number; to: number }
interface StmtItem { kind: '#stmt'; stmt: A.Stmt; from: number; to: number }

type Item = A.Expr | Tok | ErrItem | ArgsItem | ParamsItem | BodyItem | TypeDefItem | FieldItem | SpecItem | DecoratorItem | StmtItem;

/** A bracket the tree never closed; parse.ts may insert the closer and parse again. */
export interface UnclosedBracket {
  open: number;
  closer: string;
  nodeTo: number;
}

export interface Conversion {
  body: A.Stmt[];
  errors: A.ParseError[];
  unclosed: UnclosedBracket[];
  /** Offsets where a compound statement's header lacks its ':' (parse.ts may insert it). */
  missingColons: number[];
  /** Offsets after the `.` of floats such as `1.` in `1. if c else 2.`, which need a `0` to read right. */
  floatDots: number[];
}

const isExpr = (it: Item): it is A.Expr => it.kind.charCodeAt(0) !== 35; /* '#' */
// Narrows to a token of that code only, so an `else` branch may still test other token codes.
function isTok<K extends C>(it: Item | undefined, code: K): it is Tok & { code: K } {
  return it !== undefined && it.kind === '#' && it.code === code;
}

const COMPOUND_HEADERS = new Set<C>([
  C.IfStatement, C.WhileStatement, C.ForStatement, C.TryStatement, C.WithStatement,
  C.FunctionDefinition, C.ClassDefinition,
]);

const missing = (at: number, message: string): A.ErrorExpr => ({ kind: 'ErrorExpr', message, from: at, to: at });

/**
 * Top-level statements to take from an earlier reading instead of converting them (`from`), and
 * where to note this reading's cleanly converted ones for the next (`into`); see statementReuse.ts.
 */
export interface StatementReuse {
  from: StatementTable | null;
  into: StatementTable | null;
}

export function convertTree(src: string, tree: Tree, reuse?: StatementReuse): Conversion {
  const converter = new TreeConverter(src, tree, reuse);
  const body = converter.module();
  const errors: A.ParseError[] = [];
  for (const e of converter.errors) if (e !== null) errors.push(e);
  return { body, errors, unclosed: converter.unclosed, missingColons: converter.missingColons, floatDots: converter.floatDots };
}

class TreeConverter {
  private readonly cur: TreeCursor;
  /** Entries are nulled when a later look shows the "error" was fine (`1.` read as `1` `.`). */
  readonly errors: (A.ParseError | null)[] = [];
  readonly unclosed: UnclosedBracket[] = [];
  readonly missingColons: number[] = [];
  /** Offsets just after the `.` of floats like `1.` that the tokenizer misread (parse.ts inserts a 0). */
  readonly floatDots: number[] = [];
  /** Expressions written in parentheses: they are atoms for operator re-association and chaining. */
  private readonly parenSpan = new WeakMap<A.Expr, A.Span>();
  /** Generator arguments written without their own parentheses: `f(x for x in y)`. */
  private readonly bareGenerators = new WeakSet<A.Expr>();

  private readonly reuse: StatementReuse | undefined;

  constructor(private readonly src: string, tree: Tree, reuse?: StatementReuse) {
    this.cur = tree.cursor();
    this.reuse = reuse && (reuse.from || reuse.into) ? reuse : undefined;
  }

  module(): A.Stmt[] {
    const out: A.Stmt[] = [];
    this.block(out, C.Script);
    return out;
  }

  // ---------------------------------------------------------------- extents

  private isParenthesized(e: A.Expr): boolean {
    return this.parenSpan.has(e);
  }

  /** Start of an item including parentheses written around it (Python's spans include them). */
  private outerFrom(it: Item): number {
    return isExpr(it) ? (this.parenSpan.get(it)?.from ?? it.from) : it.from;
  }

  private outerTo(it: Item): number {
    return isExpr(it) ? (this.parenSpan.get(it)?.to ?? it.to) : it.to;
  }

  // ---------------------------------------------------------------- errors

  private addError(from: number, to: number, message: string): number {
    const last = this.errors[this.errors.length - 1];
    if (last && last.from === from && last.to === to) return this.errors.length - 1;
    this.errors.push({ from, to, message });
    return this.errors.length - 1;
  }

  private retractError(index: number): void {
    this.errors[index] = null;
  }

  private refineError(item: ErrItem | null, message: string): void {
    if (item === null) return;
    const e = this.errors[item.errIndex];
    if (e) e.message = message;
  }

  private snippet(from: number, to: number): string {
    let text = this.src.slice(from, Math.min(to, from + 60));
    const nl = text.search(/[\r\n]/);
    if (nl >= 0) text = text.slice(0, nl);
    text = text.trim();
    return to - from > 60 || nl >= 0 ? `${text}…` : text;
  }

  private hasNonSpace(from: number, to: number): boolean {
    for (let i = from; i < to; i++) {
      const ch = this.src.charCodeAt(i);
      if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13 && ch !== 12 && ch !== 92) return true;
    }
    return false;
  }

  private trimEnd(from: number, to: number): number {
    while (to > from && this.src.charCodeAt(to - 1) <= 32) to--;
    return to;
  }

  private errorMessage(parent: C, prev: Item | undefined, from: number, to: number): string {
    if (this.hasNonSpace(from, to)) return `syntax error: unexpected '${this.snippet(from, to)}'`;
    if (prev && prev.kind === '#') {
      const opText = this.src.slice(prev.from, prev.to);
      switch (prev.code) {
        case C.AssignOp:
        case C.UpdateOp:
        case C.KwIf:
        case C.KwElif:
        case C.KwWhile:
        case C.KwFor:
        case C.KwWith:
        case C.KwAs:
        case C.KwReturn:
        case C.KwLambda:
          return `syntax error: expected an expression after '${opText}'`;
        case C.ArithOp:
        case C.BitOp:
        case C.CompareOp:
        case C.KwAnd:
        case C.KwOr:
        case C.KwNot:
        case C.KwIn:
        case C.KwIs:
          return `syntax error: expected an operand after '${opText}'`;
        case C.Dot:
          return "syntax error: expected a name after '.'";
        case C.Comma:
          return "syntax error: expected an expression after ','";
        case C.Colon:
          return "syntax error: expected an expression after ':'";
      }
    }
    if (COMPOUND_HEADERS.has(parent) || (parent === C.Body && prev === undefined)) {
      this.missingColons.push(from);
      return "syntax error: expected ':' and an indented block";
    }
    switch (parent) {
      case C.ArgList:
        return 'syntax error: incomplete argument list';
      case C.ParamList:
        return 'syntax error: incomplete parameter list';
      case C.MemberExpression:
        return "syntax error: expected a name after '.' or an index";
      default:
        return 'syntax error: incomplete code, something is missing here';
    }
  }

  /** Records error nodes anywhere below the current node, which is otherwise not converted. */
  private scanErrors(message?: string): void {
    const c = this.cur;
    if (!c.firstChild()) return;
    do {
      if (c.type.isError) this.addError(c.from, c.to, message ?? this.errorMessage(C.Other, undefined, c.from, c.to));
      else this.scanErrors(message);
    } while (c.nextSibling());
    c.parent();
  }

  // ---------------------------------------------------------------- items

  /** Children of the current node as items; the cursor is back on the node afterwards. */
  private items(parent: C): Item[] {
    const c = this.cur;
    const out: Item[] = [];
    const scanSlash = parent === C.ParamList;
    let prevEnd = c.from;
    if (!c.firstChild()) return out;
    do {
      const code = CODE_OF_TYPE[c.type.id] as C;
      if (scanSlash) {
        const slash = this.slashIn(prevEnd, c.from);
        if (slash >= 0) out.push({ kind: '#', code: C.Slash, from: slash, to: slash + 1 });
        prevEnd = c.to;
      }
      if (code >= FIRST_EXPR && code <= LAST_EXPR) {
        out.push(this.expr(code));
        continue;
      }
      if (code >= FIRST_STMT && code <= LAST_STMT) {
        const stmt = this.stmt(code);
        out.push({ kind: '#stmt', stmt, from: stmt.from, to: stmt.to });
        continue;
      }
      switch (code) {
        case C.Comment:
          break;
        case C.Error: {
          const from = c.from;
          const to = c.to;
          const errIndex = this.addError(from, to, this.errorMessage(parent, out[out.length - 1], from, to));
          out.push({ kind: '#err', from, to, errIndex });
          break;
        }
        case C.ArgList:
          out.push(this.argList());
          break;
        case C.ParamList:
          out.push(this.paramList());
          break;
        case C.Body:
          out.push(this.body());
          break;
        case C.TypeDef:
          out.push(this.typeDef());
          break;
        case C.FormatReplacement:
          out.push(this.field());
          break;
        case C.FormatSpec:
          out.push(this.formatSpec());
          break;
        case C.Decorator:
          out.push(this.decorator());
          break;
        case C.Other:
        case C.TypeParamList:
        case C.Script:
        case C.StatementGroup:
          this.scanErrors();
          out.push({ kind: '#', code: C.Other, from: c.from, to: c.to });
          break;
        default:
          out.push({ kind: '#', code, from: c.from, to: c.to });
      }
    } while (c.nextSibling());
    c.parent();
    return out;
  }

  /**
   * Where the last real piece of a node ends: the tree may stretch a node over blank space
   * and comments after a recovered error (`x = 1.  # c`), Python's spans never do.
   */
  private itemsEnd(its: Item[], nodeTo: number): number {
    for (let i = its.length - 1; i >= 0; i--) {
      const it = its[i];
      if (it.kind !== '#err') return Math.min(nodeTo, this.outerTo(it));
    }
    return nodeTo;
  }

  /** The tree drops the `/` of positional-only parameters; find it in the gap it leaves. */
  private slashIn(from: number, to: number): number {
    for (let i = from; i < to; i++) if (this.src.charCodeAt(i) === 47) return i;
    return -1;
  }

  private checkClosed(its: Item[], open: C, close: C, closer: string, nodeTo: number): void {
    const first = its[0];
    if (!isTok(first, open)) return;
    if (isTok(its[its.length - 1], close)) return;
    this.unclosed.push({ open: first.from, closer, nodeTo });
  }

  /** Index ranges [start, end) of the comma-separated groups in its[lo, hi); commas in `for a, b in` do not split. */
  private groups(its: Item[], lo: number, hi: number): [number, number][] {
    const out: [number, number][] = [];
    let start = lo;
    let inForTarget = false;
    for (let i = lo; i < hi; i++) {
      const it = its[i];
      if (it.kind !== '#') continue;
      if (it.code === C.KwFor) inForTarget = true;
      else if (it.code === C.KwIn) inForTarget = false;
      else if (it.code === C.Comma && !inForTarget) {
        out.push([start, i]);
        start = i + 1;
      }
    }
    if (start < hi) out.push([start, hi]);
    return out;
  }

  /** Inner range of a bracketed item list: without the opening and (if present) closing token. */
  private inner(its: Item[], open: C, close: C): [number, number] {
    const lo = isTok(its[0], open) ? 1 : 0;
    const hi = its.length > lo && isTok(its[its.length - 1], close) ? its.length - 1 : its.length;
    return [lo, hi];
  }

  private firstError(its: Item[], lo: number, hi: number): ErrItem | null {
    for (let i = lo; i < hi; i++) {
      const it = its[i];
      if (it.kind === '#err') return it;
    }
    return null;
  }

  private nextExpr(its: Item[], from: number, hi = its.length): number {
    for (let i = from; i < hi; i++) if (isExpr(its[i])) return i;
    return -1;
  }

  /**
   * `a`, `a, b`, `*a, b`: one expression, or a Tuple when there is a comma; null when the
   * range holds no expression at all.
   */
  private exprList(its: Item[], lo: number, hi: number): A.Expr | null {
    const elts: A.Expr[] = [];
    let sawComma = false;
    let trailingComma = -1;
    let star: Tok | null = null;
    for (let i = lo; i < hi; i++) {
      const it = its[i];
      trailingComma = isTok(it, C.Comma) ? it.to : it.kind === '#err' || isTok(it, C.Other) ? trailingComma : -1;
      if (isExpr(it)) {
        elts.push(star ? { kind: 'Starred', value: it, from: star.from, to: this.outerTo(it) } : it);
        star = null;
      } else if (it.kind === '#') {
        if (it.code === C.Comma) sawComma = true;
        else if (it.code === C.Star) star = it;
      }
    }
    if (elts.length === 0) return null;
    if (elts.length === 1 && !sawComma) return elts[0];
    // Python's span of `a, b,` includes the trailing comma.
    return { kind: 'Tuple', elts, from: this.outerFrom(elts[0]), to: Math.max(trailingComma, this.outerTo(elts[elts.length - 1])) };
  }

  private exprOrMissing(its: Item[], lo: number, hi: number, at: number, message: string): A.Expr {
    const e = this.exprList(its, lo, hi);
    if (e) return e;
    const err = this.firstError(its, lo, hi);
    return err ? { kind: 'ErrorExpr', message, from: err.from, to: err.to } : missing(at, message);
  }

  /** Elements of a display (tuple/list/set): starred allowed; an element lost to an error stays as ErrorExpr. */
  private elements(its: Item[], lo: number, hi: number): A.Expr[] {
    const out: A.Expr[] = [];
    for (const [s, e] of this.groups(its, lo, hi)) {
      let star: Tok | null = null;
      let got: A.Expr | null = null;
      for (let i = s; i < e && got === null; i++) {
        const it = its[i];
        if (isExpr(it)) got = star ? { kind: 'Starred', value: it, from: star.from, to: this.outerTo(it) } : it;
        else if (isTok(it, C.Star)) star = it;
      }
      if (got) out.push(got);
      else {
        const err = this.firstError(its, s, e);
        if (err) out.push({ kind: 'ErrorExpr', message: 'incomplete element', from: err.from, to: err.to });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- expressions

  private expr(code: C): A.Expr {
    const c = this.cur;
    const from = c.from;
    const to = c.to;
    switch (code) {
      case C.VariableName:
        if (from === to) {
          // The grammar's placeholder for a missing name (`@` alone, `def (x):`).
          this.scanErrors('syntax error: expected a name here');
          return missing(from, 'missing name');
        }
        return { kind: 'Name', id: this.src.slice(from, to), from, to };
      case C.Number:
        return this.number(from, to);
      case C.String:
        if (c.firstChild()) {
          c.parent();
          this.scanErrors();
        }
        return this.string(from, to);
      case C.Boolean:
        return { kind: 'Const', value: this.src.charCodeAt(from) === 84 /* T */, from, to };
      case C.None:
        return { kind: 'Const', value: null, from, to };
      case C.Ellipsis:
        return { kind: 'Ellipsis', from, to };
      default: {
        const its = this.items(code);
        // String nodes end with a quote that is no item; everything else ends with its last piece.
        const end = code === C.FormatString || code === C.ContinuedString ? to : this.itemsEnd(its, to);
        return this.compoundExpr(code, from, end, its);
      }
    }
  }

  private number(from: number, to: number): A.Expr {
    const n = parseNumberText(this.src.slice(from, to));
    if (n.isComplex) return { kind: 'ErrorExpr', message: 'complex numbers are not supported', from, to };
    return n.digits === undefined ? { kind: 'Number', value: n.value, isInt: n.isInt, from, to } : { kind: 'Number', value: n.value, isInt: true, digits: n.digits, from, to };
  }

  private string(from: number, to: number): A.Expr {
    const d = stringDelimiters(this.src, from, to);
    if (!d.terminated) this.addError(from, to, 'syntax error: unterminated string');
    const value = d.bytes
      ? this.src.slice(d.bodyStart, d.bodyEnd)
      : decodeStringBody(this.src, d.bodyStart, d.bodyEnd, d.raw, false);
    return { kind: 'String', value, from, to };
  }

  private compoundExpr(code: C, from: number, to: number, its: Item[]): A.Expr {
    switch (code) {
      case C.FormatString:
        return { kind: 'FString', parts: this.fstringParts(from, to, its), from, to };
      case C.ContinuedString:
        return this.continuedString(its, from, to);
      case C.ParenthesizedExpression: {
        this.checkClosed(its, C.LParen, C.RParen, ')', to);
        const [lo, hi] = this.inner(its, C.LParen, C.RParen);
        const inner = this.exprOrMissing(its, lo, hi, from + 1, 'empty parentheses');
        this.parenSpan.set(inner, { from, to });
        return inner;
      }
      case C.TupleExpression: {
        this.checkClosed(its, C.LParen, C.RParen, ')', to);
        const [lo, hi] = this.inner(its, C.LParen, C.RParen);
        return { kind: 'Tuple', elts: this.elements(its, lo, hi), from, to };
      }
      case C.ArrayExpression: {
        this.checkClosed(its, C.LBracket, C.RBracket, ']', to);
        const [lo, hi] = this.inner(its, C.LBracket, C.RBracket);
        return { kind: 'List', elts: this.elements(its, lo, hi), from, to };
      }
      case C.SetExpression: {
        this.checkClosed(its, C.LBrace, C.RBrace, '}', to);
        const [lo, hi] = this.inner(its, C.LBrace, C.RBrace);
        return { kind: 'Set', elts: this.elements(its, lo, hi), from, to };
      }
      case C.ComprehensionExpression:
        this.checkClosed(its, C.LParen, C.RParen, ')', to);
        return this.comprehension('generator', its, from, to);
      case C.ArrayComprehensionExpression:
        this.checkClosed(its, C.LBracket, C.RBracket, ']', to);
        return this.comprehension('list', its, from, to);
      case C.SetComprehensionExpression:
        this.checkClosed(its, C.LBrace, C.RBrace, '}', to);
        return this.comprehension('set', its, from, to);
      case C.DictionaryExpression:
        this.checkClosed(its, C.LBrace, C.RBrace, '}', to);
        return this.dict(its, from, to);
      case C.DictionaryComprehensionExpression:
        this.checkClosed(its, C.LBrace, C.RBrace, '}', to);
        return this.dictComp(its, from, to);
      case C.CallExpression:
        return this.call(its, from, to);
      case C.MemberExpression:
        return this.member(its, from, to);
      case C.BinaryExpression:
        return this.binary(its, from, to);
      case C.UnaryExpression:
        return this.unary(its, from, to);
      case C.ConditionalExpression:
        return this.conditional(its, from, to);
      case C.LambdaExpression:
        return this.lambda(its, from, to);
      case C.NamedExpression:
        return this.named(its, from, to);
      case C.AwaitExpression:
        return { kind: 'ErrorExpr', message: 'await expressions are not supported', from, to };
      case C.YieldExpression:
        return this.yieldExpr(its, from, to);
      default:
        return { kind: 'ErrorExpr', message: 'unsupported expression', from, to };
    }
  }

  private continuedString(its: Item[], from: number, to: number): A.Expr {
    const pieces = its.filter(isExpr);
    if (pieces.every((p) => p.kind === 'String')) {
      let value = '';
      for (const p of pieces) if (p.kind === 'String') value += p.value;
      return { kind: 'String', value, from, to };
    }
    const parts: (string | A.FStringField)[] = [];
    for (const p of pieces) {
      if (p.kind === 'String') pushLiteral(parts, p.value);
      else if (p.kind === 'FString') for (const part of p.parts) pushPart(parts, part);
    }
    return { kind: 'FString', parts, from, to };
  }

  private fstringParts(from: number, to: number, its: Item[]): (string | A.FStringField)[] {
    const d = stringDelimiters(this.src, from, to);
    if (!d.terminated) this.addError(from, to, 'syntax error: unterminated string');
    const parts: (string | A.FStringField)[] = [];
    let pos = d.bodyStart;
    for (const it of its) {
      if (it.kind !== '#field') continue;
      if (it.from > pos) pushLiteral(parts, decodeStringBody(this.src, pos, Math.min(it.from, d.bodyEnd), d.raw, true));
      if (it.selfDoc !== null) pushLiteral(parts, it.selfDoc);
      parts.push(it.field);
      pos = Math.max(pos, it.to);
    }
    if (d.bodyEnd > pos) pushLiteral(parts, decodeStringBody(this.src, pos, d.bodyEnd, d.raw, true));
    return parts;
  }

  /** `{expr=!r:spec}` inside an f-string. */
  private field(): FieldItem {
    const from = this.cur.from;
    const to = this.cur.to;
    const its = this.items(C.FormatReplacement);
    let end = its.length;
    let conversion: A.FStringField['conversion'] = null;
    let selfDoc: string | null = null;
    let spec: SpecItem | null = null;
    const open = its[0];
    const exprStart = isTok(open, C.LBrace) ? 1 : 0;
    for (let i = exprStart; i < its.length; i++) {
      const it = its[i];
      if (it.kind === '#spec') {
        spec = it;
        end = Math.min(end, i);
      } else if (it.kind === '#') {
        if (it.code === C.FormatConversion) {
          const ch = this.src[it.from + 1];
          conversion = ch === 'r' || ch === 's' || ch === 'a' ? ch : null;
          end = Math.min(end, i);
        } else if (it.code === C.FormatSelfDoc) {
          // Python keeps the text as written, spaces around `=` included: `{x = }` shows "x = ".
          const next = its[i + 1];
          const docEnd = next && next.kind !== '#err' ? next.from : it.to;
          selfDoc = this.src.slice(open && exprStart ? open.to : from, Math.max(it.to, docEnd));
          end = Math.min(end, i);
        } else if (it.code === C.RBrace) {
          end = Math.min(end, i);
        }
      }
    }
    const expr = this.exprOrMissing(its, exprStart, end, from + 1, 'empty f-string field');
    // `{x=}` shows repr(x) unless a conversion or format spec says otherwise.
    if (selfDoc !== null && conversion === null && spec === null) conversion = 'r';
    return { kind: '#field', field: { expr, conversion, formatSpec: spec ? spec.parts : null }, selfDoc, from, to };
  }

  private formatSpec(): SpecItem {
    const from = this.cur.from;
    const to = this.cur.to;
    const its = this.items(C.FormatSpec);
    const parts: (string | A.FStringField)[] = [];
    let pos = isTok(its[0], C.Colon) ? its[0].to : from + 1;
    for (const it of its) {
      if (it.kind !== '#field') continue;
      if (it.from > pos) pushLiteral(parts, this.src.slice(pos, it.from));
      parts.push(it.field);
      pos = Math.max(pos, it.to);
    }
    if (to > pos) pushLiteral(parts, this.src.slice(pos, to));
    return { kind: '#spec', parts, from, to };
  }

  private comprehension(type: A.ComprehensionExpr['type'], its: Item[], from: number, to: number): A.Expr {
    const [lo, hi] = this.inner(its, type === 'list' ? C.LBracket : type === 'set' ? C.LBrace : C.LParen,
      type === 'list' ? C.RBracket : type === 'set' ? C.RBrace : C.RParen);
    const k = this.clauseStart(its, lo, hi);
    const elt = this.exprOrMissing(its, lo, k, from + 1, 'missing comprehension element');
    return { kind: 'Comprehension', type, elt, generators: this.clauses(its, k, hi), from, to };
  }

  private clauseStart(its: Item[], lo: number, hi: number): number {
    for (let i = lo; i < hi; i++) if (isTok(its[i], C.KwFor) || isTok(its[i], C.KwAsync)) return i;
    return hi;
  }

  /** `for t in it if c for ...` starting at its[k]. */
  private clauses(its: Item[], k: number, hi: number): A.Comprehension[] {
    const gens: A.Comprehension[] = [];
    let i = k;
    while (i < hi) {
      const it = its[i];
      if (isTok(it, C.KwFor)) {
        let j = i + 1;
        while (j < hi && !isTok(its[j], C.KwIn) && !isTok(its[j], C.KwFor) && !isTok(its[j], C.KwIf)) j++;
        const target = this.loopTarget(its, i + 1, j) ?? missing(it.to, 'missing loop target');
        let iter: A.Expr = missing(j < hi ? its[j].to : it.to, 'missing iterable');
        let next = j;
        if (isTok(its[j], C.KwIn)) {
          const e = this.nextExpr(its, j + 1, hi);
          if (e >= 0 && !this.hasTokBetween(its, j + 1, e)) {
            iter = its[e] as A.Expr;
            next = e + 1;
          } else next = j + 1;
        }
        gens.push({ target, iter, ifs: [] });
        i = next;
      } else if (isTok(it, C.KwIf)) {
        const e = this.nextExpr(its, i + 1, hi);
        const cond = e >= 0 && !this.hasTokBetween(its, i + 1, e) ? (its[e] as A.Expr) : missing(it.to, 'missing condition');
        if (gens.length > 0) gens[gens.length - 1].ifs.push(cond);
        i = e >= 0 && cond === its[e] ? e + 1 : i + 1;
      } else {
        i++;
      }
    }
    return gens;
  }

  /**
   * Targets of a comprehension's `for`. The grammar has no starred targets there
   * (`for a, *b in x`) and leaves an error node over the `*`; read it as the star it is.
   */
  private loopTarget(its: Item[], lo: number, hi: number): A.Expr | null {
    let changed = false;
    const fixed = its.slice(lo, hi).map((it): Item => {
      if (it.kind === '#err' && it.to === it.from + 1 && this.src.charCodeAt(it.from) === 42 /* * */) {
        this.retractError(it.errIndex);
        changed = true;
        return { kind: '#', code: C.Star, from: it.from, to: it.to };
      }
      return it;
    });
    return changed ? this.exprList(fixed, 0, fixed.length) : this.exprList(its, lo, hi);
  }

  /** True when a keyword/punctuation token sits in its[lo, hi) (so an expression there belongs to a later clause). */
  private hasTokBetween(its: Item[], lo: number, hi: number): boolean {
    for (let i = lo; i < hi; i++) if (its[i].kind === '#') return true;
    return false;
  }

  private dict(its: Item[], from: number, to: number): A.Expr {
    const [lo, hi] = this.inner(its, C.LBrace, C.RBrace);
    const items: A.DictExpr['items'] = [];
    for (const [s, e] of this.groups(its, lo, hi)) {
      const entry = this.dictEntry(its, s, e);
      if (entry) items.push(entry);
    }
    return { kind: 'Dict', items, from, to };
  }

  private dictEntry(its: Item[], s: number, e: number): { key: A.Expr | null; value: A.Expr } | null {
    const first = its[s];
    if (isTok(first, C.DoubleStar)) {
      return { key: null, value: this.exprOrMissing(its, s + 1, e, first.to, 'missing mapping after **') };
    }
    let colon = -1;
    for (let i = s; i < e; i++) if (isTok(its[i], C.Colon)) { colon = i; break; }
    if (colon < 0) {
      const key = this.exprList(its, s, e);
      if (!key) return null;
      return { key, value: missing(key.to, "missing ':' and value") };
    }
    const key = this.exprOrMissing(its, s, colon, its[colon].from, 'missing key');
    const value = this.exprOrMissing(its, colon + 1, e, its[colon].to, 'missing value');
    return { key, value };
  }

  private dictComp(its: Item[], from: number, to: number): A.Expr {
    const [lo, hi] = this.inner(its, C.LBrace, C.RBrace);
    const k = this.clauseStart(its, lo, hi);
    const entry = this.dictEntry(its, lo, k);
    const generators = this.clauses(its, k, hi);
    if (!entry || entry.key === null) {
      return { kind: 'ErrorExpr', message: 'unsupported dict comprehension', from, to };
    }
    return { kind: 'DictComp', key: entry.key, value: entry.value, generators, from, to };
  }

  private call(its: Item[], from: number, to: number): A.Expr {
    const first = its[0];
    const func: A.Expr = isExpr(first) ? first : missing(from, 'missing function');
    let args: A.CallArg[] = [];
    for (const it of its) if (it.kind === '#args') args = it.args;
    return { kind: 'Call', func, args, from, to };
  }

  private argList(): ArgsItem {
    const from = this.cur.from;
    const to = this.cur.to;
    const its = this.items(C.ArgList);
    this.checkClosed(its, C.LParen, C.RParen, ')', to);
    const [lo, hi] = this.inner(its, C.LParen, C.RParen);
    const args: A.CallArg[] = [];
    for (const [s, e] of this.groups(its, lo, hi)) {
      const arg = this.arg(its, s, e);
      if (arg) args.push(arg);
    }
    // Python gives a generator that is the only argument the call's parentheses: `f(x for x in y)`.
    const only = args.length === 1 ? args[0] : null;
    if (only && only.value.kind === 'Comprehension' && this.bareGenerators.has(only.value) && lo === 1 && hi === its.length - 1) {
      only.from = only.value.from = from;
      only.to = only.value.to = to;
    }
    return { kind: '#args', args, from, to };
  }

  private arg(its: Item[], s: number, e: number): A.CallArg | null {
    let i = s;
    while (i < e && its[i].kind === '#err') i++;
    if (i >= e) return null;
    const first = its[i];
    const to = this.outerTo(its[e - 1]);
    if (isTok(first, C.Star) || isTok(first, C.DoubleStar)) {
      const value = this.exprOrMissing(its, i + 1, e, first.to, 'missing value after * or **');
      return { kind: first.code === C.Star ? 'star' : 'dstar', name: null, value, from: first.from, to };
    }
    if (!isExpr(first)) return null;
    const second = its[i + 1];
    if (isTok(second, C.AssignOp)) {
      const isWalrus = second.to - second.from === 2;
      const v = this.nextExpr(its, i + 2, e);
      if (!isWalrus && first.kind === 'Name') {
        let value: A.Expr;
        if (v >= 0) value = its[v] as A.Expr;
        else {
          const err = this.firstError(its, i + 2, e);
          this.refineError(err, `syntax error: missing value for keyword argument '${first.id}'`);
          value = missing(second.to, `missing value for keyword argument '${first.id}'`);
        }
        return { kind: 'kw', name: first.id, value, from: first.from, to: Math.max(to, this.outerTo(value)) };
      }
      if (isWalrus && first.kind === 'Name') {
        const value = v >= 0 ? (its[v] as A.Expr) : missing(second.to, 'missing value');
        return { kind: 'pos', name: null, value: { kind: 'Named', target: first, value, from: first.from, to: value.to }, from: first.from, to };
      }
      return { kind: 'pos', name: null, value: { kind: 'ErrorExpr', message: 'invalid keyword argument', from: first.from, to }, from: first.from, to };
    }
    const k = this.clauseStart(its, i, e);
    if (k < e) {
      const from = this.outerFrom(first);
      const gen: A.ComprehensionExpr = { kind: 'Comprehension', type: 'generator', elt: first, generators: this.clauses(its, k, e), from, to };
      this.bareGenerators.add(gen);
      return { kind: 'pos', name: null, value: gen, from, to };
    }
    return { kind: 'pos', name: null, value: first, from: first.from, to: first.to };
  }

  private member(its: Item[], from: number, to: number): A.Expr {
    const first = its[0];
    const obj: A.Expr = first && isExpr(first) ? first : missing(from, 'missing object');
    const second = its[1];
    if (isTok(second, C.Dot)) {
      const floatLiteral = this.trailingDotNumber(obj, second, its[2]);
      if (floatLiteral) return floatLiteral;
      const prop = its[2];
      if (isTok(prop, C.PropertyName)) {
        return { kind: 'Attribute', obj, attr: this.src.slice(prop.from, prop.to), attrSpan: { from: prop.from, to: prop.to }, from, to: prop.to };
      }
      return { kind: 'ErrorExpr', message: `missing attribute name after '${this.snippet(obj.from, obj.to)}.'`, from, to };
    }
    if (isTok(second, C.LBracket)) {
      this.checkClosed(its.slice(1), C.LBracket, C.RBracket, ']', to);
      return this.subscript(obj, its, from, to);
    }
    return obj;
  }

  /**
   * The tokenizer reads `1.` as `1` `.` and `1.e5` as `1` `.` `e5` (attribute access);
   * Python's tokenizer always reads a float there. Returns the float, or null when this
   * really is attribute access (`1 .real`). Where a name follows (`1. if c else 2.`, `1.e-5`)
   * the tree around it is already wrong, so the offset is noted for parse.ts to insert a `0`
   * and read again.
   */
  private trailingDotNumber(obj: A.Expr, dot: Tok, prop: Item | undefined): A.Expr | null {
    if (obj.kind !== 'Number' || !obj.isInt || dot.from !== obj.to) return null;
    for (let i = obj.from; i < obj.to; i++) {
      const ch = this.src.charCodeAt(i);
      if (!((ch >= 48 && ch <= 57) || ch === 95)) return null;
    }
    const mantissa = this.src.slice(obj.from, dot.to);
    const float = (text: string, to: number): A.NumberExpr => ({ kind: 'Number', value: parseNumberText(text).value, isInt: false, from: obj.from, to });
    if (prop === undefined || (prop.kind === '#err' && prop.from === prop.to)) {
      if (prop) this.retractError(prop.errIndex);
      return float(mantissa, dot.to);
    }
    if (isTok(prop, C.PropertyName)) {
      const text = this.src.slice(prop.from, prop.to);
      if (prop.from === dot.to && /^[eE]\d[\d_]*$/.test(text)) return float(mantissa + text, prop.to);
      if (prop.from === dot.to && /^([eE]\d[\d_]*)?[jJ]$/.test(text)) {
        return { kind: 'ErrorExpr', message: 'complex numbers are not supported', from: obj.from, to: prop.to };
      }
      this.floatDots.push(dot.to);
      return float(mantissa, dot.to);
    }
    return null;
  }

  private subscript(obj: A.Expr, its: Item[], from: number, to: number): A.Expr {
    const elements: A.Expr[] = [];
    const slots: (A.Expr | null)[] = [null, null, null];
    let colons = 0;
    let start = -1;
    let end = -1;
    let pendingErr: ErrItem | null = null;
    let sawComma = false;
    let trailingComma = -1;
    const flush = (): void => {
      if (start < 0) {
        if (pendingErr) elements.push({ kind: 'ErrorExpr', message: 'incomplete index', from: pendingErr.from, to: pendingErr.to });
      } else if (colons === 0) {
        elements.push(slots[0] ?? missing(start, 'missing index'));
      } else {
        elements.push({ kind: 'Slice', lower: slots[0], upper: slots[1], step: slots[2], from: start, to: end });
      }
      slots[0] = slots[1] = slots[2] = null;
      colons = 0;
      start = end = -1;
      pendingErr = null;
    };
    for (let i = 2; i < its.length; i++) {
      const it = its[i];
      if (isExpr(it)) {
        if (colons <= 2 && slots[colons] === null) slots[colons] = it;
        if (start < 0) start = this.outerFrom(it);
        end = this.outerTo(it);
      } else if (it.kind === '#') {
        if (it.code === C.Colon) {
          colons++;
          if (start < 0) start = it.from;
          end = it.to;
        } else if (it.code === C.Comma) {
          flush();
          sawComma = true;
          trailingComma = it.to;
        } else if (it.code === C.RBracket) {
          break;
        }
      } else if (it.kind === '#err') {
        pendingErr = it;
      }
    }
    flush();
    let index: A.Expr;
    if (elements.length === 1 && !sawComma) index = elements[0];
    else if (elements.length === 0) index = missing(its[1].to, 'missing index');
    else {
      // Python's span of `x[a, b,]`'s index includes the trailing comma.
      const last = this.outerTo(elements[elements.length - 1]);
      index = { kind: 'Tuple', elts: elements, from: this.outerFrom(elements[0]), to: Math.max(last, trailingComma) };
    }
    return { kind: 'Subscript', obj, index, from, to };
  }

  private binary(its: Item[], from: number, nodeTo: number): A.Expr {
    let to = nodeTo;
    let left: A.Expr | null = null;
    let right: A.Expr | null = null;
    const ops: Tok[] = [];
    for (const it of its) {
      if (isExpr(it)) {
        if (left === null) left = it;
        else if (right === null) right = it;
      } else if (it.kind === '#' && left !== null && right === null) {
        ops.push(it);
      }
    }
    const op = ops[0];
    if (left === null) left = missing(from, 'missing operand');
    if (op === undefined) return left;
    if (right === null) right = missing(ops[ops.length - 1].to, 'missing operand');
    // The tree may stretch the node over space after a misread `1.`; Python ends it with its operand.
    to = Math.min(to, this.outerTo(right));

    switch (op.code) {
      case C.ArithOp:
      case C.BitOp: {
        const text = this.src.slice(op.from, op.to) as A.BinaryOperator;
        return { kind: 'BinOp', op: text, left, right, from, to };
      }
      case C.KwAnd:
      case C.KwOr:
        return this.boolOp(op.code === C.KwAnd ? 'and' : 'or', left, right, from, to);
      default: {
        let cmp: A.CompareOperator;
        if (op.code === C.CompareOp) {
          const text = this.src.slice(op.from, op.to);
          cmp = text === '<>' ? '!=' : (text as A.CompareOperator);
        } else if (op.code === C.KwIn) cmp = 'in';
        else if (op.code === C.KwNot) cmp = 'not in';
        else if (op.code === C.KwIs) cmp = isTok(ops[1], C.KwNot) ? 'is not' : 'is';
        else return { kind: 'ErrorExpr', message: 'unknown operator', from, to };
        // `a < b < c` arrives left-nested; Python keeps one chained comparison. (The left
        // node is ours and discarded otherwise, so it grows in place: long chains stay linear.)
        if (left.kind === 'Compare' && !this.isParenthesized(left)) {
          left.ops.push(cmp);
          left.comparators.push(right);
          left.from = from;
          left.to = to;
          return left;
        }
        return { kind: 'Compare', left, ops: [cmp], comparators: [right], from, to };
      }
    }
  }

  /** `yield`, `yield a, b` (a tuple), `yield from it`. */
  private yieldExpr(its: Item[], from: number, to: number): A.YieldExpr {
    this.allowBareYield(its);
    const isFrom = its.some((it) => isTok(it, C.KwFrom));
    const first = this.nextExpr(its, 1);
    const value = first < 0 ? null : this.exprList(its, first, its.length);
    return { kind: 'Yield', value, delegates: isFrom, from, to };
  }

  /** `yield` alone is valid Python, though the grammar wants a value after it. */
  private allowBareYield(its: Item[]): void {
    const after = its[1];
    if (its.length === 2 && after.kind === '#err' && after.from === after.to) this.retractError(after.errIndex);
  }

  private isBareBoolOp(e: A.Expr, op: 'and' | 'or'): e is A.BoolOpExpr {
    return e.kind === 'BoolOp' && e.op === op && !this.isParenthesized(e);
  }

  /**
   * `left and right` / `left or right`, flattened as Python does (`a and b and c` is one
   * BoolOp unless parenthesized). Nodes of ours that are discarded grow in place, so long
   * chains stay linear.
   */
  private boolOp(op: 'and' | 'or', left: A.Expr, right: A.Expr, from: number, to: number): A.Expr {
    // Only notAbsorbingChain (below) yields an `or` as the bare right operand of `and`:
    // `x and not a or b` is `(x and not a) or b`.
    if (op === 'and' && this.isBareBoolOp(right, 'or')) {
      right.values[0] = this.boolOp('and', left, right.values[0], from, this.outerTo(right.values[0]));
      right.from = from;
      right.to = to;
      return right;
    }
    const rightValues = this.isBareBoolOp(right, op) ? right.values : [right];
    if (this.isBareBoolOp(left, op)) {
      left.values.push(...rightValues);
      left.from = from;
      left.to = to;
      return left;
    }
    return { kind: 'BoolOp', op, values: [left, ...rightValues], from, to };
  }

  /**
   * The grammar lets `not` take a whole and/or chain (`not a or b` as `not (a or b)`); Python
   * binds `not` tighter than `and` and `or`, so it belongs to the chain's leftmost operand:
   * `(not a) or b`. The enclosing and/or (boolOp) then regroups what precedence requires.
   */
  private notAbsorbingChain(chain: A.BoolOpExpr, notFrom: number): A.Expr {
    const first = chain.values[0];
    chain.values[0] = first.kind === 'BoolOp' && !this.isParenthesized(first)
      ? this.notAbsorbingChain(first, notFrom)
      : { kind: 'UnaryOp', op: 'not', operand: first, from: notFrom, to: this.outerTo(first) };
    chain.from = notFrom;
    return chain;
  }

  private unary(its: Item[], from: number, nodeTo: number): A.Expr {
    let to = nodeTo;
    const opTok = its[0];
    const operandIndex = this.nextExpr(its, 1);
    const operand: A.Expr = operandIndex >= 0 ? (its[operandIndex] as A.Expr) : missing(to, 'missing operand');
    to = Math.min(to, this.outerTo(operand));
    if (opTok === undefined || opTok.kind !== '#') return operand;
    let op: A.UnaryOpExpr['op'];
    if (opTok.code === C.KwNot) {
      if (operand.kind === 'BoolOp' && !this.isParenthesized(operand)) return this.notAbsorbingChain(operand, opTok.from);
      op = 'not';
    }
    else {
      const ch = this.src[opTok.from];
      op = ch === '-' ? '-' : ch === '~' ? '~' : '+';
    }
    return { kind: 'UnaryOp', op, operand, from, to };
  }

  private conditional(its: Item[], from: number, to: number): A.Expr {
    let ifAt = -1;
    let elseAt = -1;
    for (let i = 0; i < its.length; i++) {
      if (isTok(its[i], C.KwIf) && ifAt < 0) ifAt = i;
      else if (isTok(its[i], C.KwElse) && elseAt < 0) elseAt = i;
    }
    if (ifAt < 0) ifAt = its.length;
    if (elseAt < 0) elseAt = its.length;
    const body = this.exprOrMissing(its, 0, ifAt, from, 'missing value');
    const test = this.exprOrMissing(its, ifAt + 1, elseAt, its[ifAt]?.to ?? to, 'missing condition');
    const orelse = this.exprOrMissing(its, elseAt + 1, its.length, its[elseAt]?.to ?? to, "missing 'else' value");
    return { kind: 'IfExp', test, body, orelse, from, to };
  }

  private lambda(its: Item[], from: number, to: number): A.Expr {
    let params: A.Param[] = [];
    let colon = its.length;
    for (let i = 0; i < its.length; i++) {
      const it = its[i];
      if (it.kind === '#params') params = it.params;
      else if (isTok(it, C.Colon)) {
        colon = i;
        break;
      }
    }
    const body = this.exprOrMissing(its, colon + 1, its.length, to, 'missing lambda body');
    return { kind: 'Lambda', params, body, from, to };
  }

  private named(its: Item[], from: number, to: number): A.Expr {
    const t = this.nextExpr(its, 0);
    const target = t >= 0 ? (its[t] as A.Expr) : null;
    const v = this.nextExpr(its, t + 1);
    const value: A.Expr = v >= 0 ? (its[v] as A.Expr) : missing(to, 'missing value');
    if (target === null || target.kind !== 'Name') {
      return { kind: 'ErrorExpr', message: "':=' needs a name on its left", from, to };
    }
    return { kind: 'Named', target, value, from, to };
  }

  // ---------------------------------------------------------------- parameters, bodies, decorators

  private paramList(): ParamsItem {
    const from = this.cur.from;
    const to = this.cur.to;
    const its = this.items(C.ParamList);
    this.checkClosed(its, C.LParen, C.RParen, ')', to);
    const [lo, hi] = this.inner(its, C.LParen, C.RParen);
    const params: A.Param[] = [];
    let afterStar = false;
    for (const [s, e] of this.groups(its, lo, hi)) {
      const first = its[s];
      if (isTok(first, C.Slash)) {
        for (const p of params) if (p.kind === 'normal') p.kind = 'posonly';
        continue;
      }
      let annotation: A.Expr | null = null;
      let defaultValue: A.Expr | null = null;
      let nameExpr: A.NameExpr | null = null;
      let sawAssign = false;
      for (let i = s; i < e; i++) {
        const it = its[i];
        if (it.kind === '#typedef') annotation = it.expr;
        else if (isTok(it, C.AssignOp)) sawAssign = true;
        else if (isExpr(it)) {
          if (sawAssign) defaultValue = defaultValue ?? it;
          else if (it.kind === 'Name' && nameExpr === null) nameExpr = it;
        }
      }
      if (sawAssign && defaultValue === null) defaultValue = missing(its[e - 1].to, 'missing default value');
      const span = { from: first.from, to: its[e - 1].to };
      if (isTok(first, C.Star)) {
        afterStar = true;
        if (nameExpr) params.push({ name: nameExpr.id, kind: 'varargs', default: null, annotation, ...span });
      } else if (isTok(first, C.DoubleStar)) {
        if (nameExpr) params.push({ name: nameExpr.id, kind: 'varkw', default: null, annotation, ...span });
      } else if (nameExpr) {
        params.push({ name: nameExpr.id, kind: afterStar ? 'kwonly' : 'normal', default: defaultValue, annotation, ...span });
      }
    }
    return { kind: '#params', params, from, to };
  }

  private typeDef(): TypeDefItem {
    const from = this.cur.from;
    const to = this.cur.to;
    const its = this.items(C.TypeDef);
    return { kind: '#typedef', expr: this.exprOrMissing(its, 0, its.length, to, 'missing annotation'), from, to };
  }

  private body(): BodyItem {
    const from = this.cur.from;
    const body: A.Stmt[] = [];
    const headerEnd = this.block(body, C.Body);
    const to = body.length > 0 ? body[body.length - 1].to : headerEnd;
    return { kind: '#body', body, from, to };
  }

  /** Statements of a Script/Body/StatementGroup, appended to `out`. Returns the end of a leading ':'. */
  private block(out: A.Stmt[], parent: C): number {
    const c = this.cur;
    let headerEnd = c.from;
    if (!c.firstChild()) return headerEnd;
    let first = true;
    do {
      const code = CODE_OF_TYPE[c.type.id] as C;
      if (code >= FIRST_STMT && code <= LAST_STMT) {
        if (parent === C.Script && this.reuse) this.reusedStmt(code, out);
        else this.guardedStmt(code, out);
      } else if (code === C.StatementGroup) this.block(out, C.StatementGroup);
      else if (code >= FIRST_EXPR && code <= LAST_EXPR) {
        const expr = this.expr(code);
        out.push({ kind: 'Expr', expr, from: expr.from, to: expr.to });
      } else if (code === C.Error) this.errorStmt(parent, first, out);
      else if (code === C.Colon) headerEnd = c.to;
      else if (code !== C.Comment && code !== C.Semicolon) this.scanErrors();
      if (code !== C.Comment) first = false;
    } while (c.nextSibling());
    c.parent();
    return headerEnd;
  }

  /** A top-level statement: from the earlier reading when its text and subtree are the same. */
  private reusedStmt(code: C, out: A.Stmt[]): void {
    const c = this.cur;
    const { from: reuseFrom, into } = this.reuse!;
    const from = c.from;
    const node = nodeOf(c);
    const text = this.src.slice(from, c.to);
    for (const entry of reuseFrom?.candidates(text, from) ?? []) {
      if (!sameShape(c, node, entry)) continue;
      const stmt = shifted(entry.stmt, from - entry.from);
      into?.record(text, from, entry.shape, stmt, node);
      out.push(stmt);
      return;
    }
    const problems = this.errors.length + this.unclosed.length + this.missingColons.length + this.floatDots.length;
    const shape = into ? shapeOf(c) : null;
    this.guardedStmt(code, out);
    // Only a statement read without any problem depends on nothing but its own text and subtree
    // (problems are state shared with the statements around it). A Python 2 print statement
    // looks past its end for an `=`.
    const clean = problems === this.errors.length + this.unclosed.length + this.missingColons.length + this.floatDots.length;
    if (into && shape && clean && code !== C.PrintStatement) into.record(text, from, shape, out[out.length - 1]!, node);
  }

  private errorStmt(parent: C, first: boolean, out: A.Stmt[]): void {
    const from = this.cur.from;
    const to = this.cur.to;
    const blank = !this.hasNonSpace(from, to);
    // Between statements, an error node over blank space is recovery noise (the grammar's, on
    // valid code too); a real problem shows up on the code itself.
    if (blank && !(first && parent === C.Body)) return;
    const message = this.errorMessage(first && parent === C.Body ? C.Body : parent === C.Body ? C.Other : parent, undefined, from, to);
    this.addError(from, to, message);
    if (!blank) out.push({ kind: 'ErrorStmt', message, from, to: this.trimEnd(from, to) });
  }

  /**
   * Converts one statement; a converter bug on odd input costs that statement only (it
   * becomes an ErrorStmt) and leaves the cursor where the walk expects it.
   */
  private guardedStmt(code: C, out: A.Stmt[]): void {
    const c = this.cur;
    const from = c.from;
    const to = c.to;
    const type = c.type;
    try {
      out.push(this.stmt(code));
    } catch (err) {
      while (!(c.from === from && c.to === to && c.type === type)) {
        if (!c.parent()) throw err;
      }
      const message = `internal error while reading this statement: ${err instanceof Error ? err.message : String(err)}`;
      this.addError(from, to, message);
      out.push({ kind: 'ErrorStmt', message, from, to });
    }
  }

  private decorator(): DecoratorItem {
    const from = this.cur.from;
    const to = this.cur.to;
    const its = this.items(C.Decorator);
    let expr: A.Expr | null = null;
    let afterDot = false;
    for (const it of its) {
      if (it.kind === 'Name') {
        if (expr === null) expr = it;
        else if (afterDot) expr = { kind: 'Attribute', obj: expr, attr: it.id, attrSpan: { from: it.from, to: it.to }, from: expr.from, to: it.to };
        afterDot = false;
      } else if (isTok(it, C.Dot)) afterDot = true;
      else if (it.kind === '#args' && expr !== null) {
        expr = { kind: 'Call', func: expr, args: it.args, from: expr.from, to: it.to };
      }
    }
    return { kind: '#decorator', expr: expr ?? missing(from + 1, 'missing decorator'), from, to };
  }

  // ---------------------------------------------------------------- statements

  private stmt(code: C): A.Stmt {
    const from = this.cur.from;
    let to = this.cur.to;
    // Not analysed, and the grammar's patterns reject some valid ones: no errors from inside.
    if (code === C.MatchStatement) return { kind: 'ErrorStmt', message: 'match statements are not supported', from, to: this.trimEnd(from, to) };
    const its = this.items(code);
    if (code < C.IfStatement) to = this.itemsEnd(its, to);
    switch (code) {
      case C.AssignStatement:
        return this.assign(its, from, to);
      case C.UpdateStatement:
        return this.augAssign(its, from, to);
      case C.ExpressionStatement:
        return { kind: 'Expr', expr: this.exprOrMissing(its, 0, its.length, from, 'missing expression'), from, to };
      case C.DeleteStatement:
        return { kind: 'Del', targets: its.filter(isExpr), from, to };
      case C.PassStatement:
        return { kind: 'Pass', from, to };
      case C.BreakStatement:
        return { kind: 'Break', from, to };
      case C.ContinueStatement:
        return { kind: 'Continue', from, to };
      case C.ReturnStatement:
        return { kind: 'Return', value: this.exprList(its, 1, its.length), from, to };
      case C.YieldStatement:
        return { kind: 'Expr', expr: this.yieldExpr(its, from, to), from, to };
      case C.PrintStatement: {
        // Python 2 `print x`: read as the call it became.
        const printTok = its[0];
        const func: A.NameExpr = { kind: 'Name', id: 'print', from, to: printTok ? printTok.to : from };
        // The Python 2 rule also catches Python 3's `print = logger.info`; that is an assignment.
        let eq = func.to;
        while (this.src.charCodeAt(eq) === 32 || this.src.charCodeAt(eq) === 9) eq++;
        if (this.src.charCodeAt(eq) === 61 /* = */ && this.src.charCodeAt(eq + 1) !== 61) {
          for (const it of its) if (it.kind === '#err' && it.from <= eq && eq < it.to) this.retractError(it.errIndex);
          const v = this.nextExpr(its, 1);
          return { kind: 'Assign', targets: [func], value: v >= 0 ? (its[v] as A.Expr) : missing(eq + 1, 'missing value'), from, to };
        }
        const args: A.CallArg[] = its.filter(isExpr).map((value) => ({ kind: 'pos', name: null, value, from: value.from, to: value.to }));
        return { kind: 'Expr', expr: { kind: 'Call', func, args, from, to }, from, to };
      }
      case C.RaiseStatement: {
        const e = this.nextExpr(its, 0);
        return { kind: 'Raise', exc: e >= 0 ? (its[e] as A.Expr) : null, from, to };
      }
      case C.ImportStatement:
        return this.importStmt(its, from, to);
      case C.ScopeStatement: {
        const names: string[] = [];
        for (const it of its) if (it.kind === 'Name') names.push(it.id);
        return { kind: isTok(its[0], C.KwNonlocal) ? 'Nonlocal' : 'Global', names, from, to };
      }
      case C.AssertStatement: {
        const exprs = its.filter(isExpr);
        return { kind: 'Assert', test: exprs[0] ?? missing(to, 'missing assertion'), msg: exprs[1] ?? null, from, to };
      }
      case C.TypeDefinition: {
        // `type X = ...` (3.12): an alias is, for our purposes, an assignment.
        const exprs = its.filter(isExpr);
        const target = exprs[0] ?? missing(from, 'missing name');
        return { kind: 'Assign', targets: [target], value: exprs[exprs.length - 1] !== target ? exprs[exprs.length - 1] : missing(to, 'missing value'), from, to };
      }
      case C.IfStatement:
        return this.ifStmt(its, from, to);
      case C.WhileStatement:
        return this.whileStmt(its, from, to);
      case C.ForStatement:
        return this.forStmt(its, from, to);
      case C.TryStatement:
        return this.tryStmt(its, from, to);
      case C.WithStatement:
        return this.withStmt(its, from, to);
      case C.FunctionDefinition:
        return this.functionDef(its, from, to);
      case C.ClassDefinition:
        return this.classDef(its, from, to);
      case C.DecoratedStatement:
        return this.decorated(its, from, to);
      default:
        return { kind: 'ErrorStmt', message: 'unsupported statement', from, to };
    }
  }

  private assign(its: Item[], from: number, to: number): A.Stmt {
    // `t1 = t2 = value`, `t: ann = value`, `t: ann`: split at the AssignOps (and the TypeDef).
    let annotation: TypeDefItem | null = null;
    const segments: [number, number][] = [];
    const opEnds: number[] = [];
    let start = 0;
    for (let i = 0; i < its.length; i++) {
      const it = its[i];
      if (it.kind === '#typedef' && annotation === null && segments.length === 0) {
        annotation = it;
        segments.push([start, i]);
        start = i + 1;
      } else if (isTok(it, C.AssignOp)) {
        if (!(annotation !== null && segments.length === 1 && opEnds.length === 0 && start === i)) segments.push([start, i]);
        opEnds.push(it.to);
        start = i + 1;
      }
    }
    segments.push([start, its.length]);
    if (annotation !== null) {
      const value = opEnds.length > 0 ? this.segment(its, segments, 1, opEnds[0]) : null;
      return { kind: 'AnnAssign', target: this.segment(its, segments, 0, from), annotation: annotation.expr, value, from, to };
    }
    if (opEnds.length === 0) return { kind: 'Expr', expr: this.segment(its, segments, 0, from), from, to };
    const targets: A.Expr[] = [];
    for (let k = 0; k < opEnds.length; k++) targets.push(this.segment(its, segments, k, k === 0 ? from : opEnds[k - 1]));
    return { kind: 'Assign', targets, value: this.segment(its, segments, opEnds.length, opEnds[opEnds.length - 1]), from, to };
  }

  /** The expression of segment `k` (a method, not a closure per statement: bundles name closures). */
  private segment(its: Item[], segments: [number, number][], k: number, at: number): A.Expr {
    return this.exprOrMissing(its, segments[k][0], segments[k][1], at, 'missing value');
  }

  private augAssign(its: Item[], from: number, to: number): A.Stmt {
    let opAt = its.length;
    for (let i = 0; i < its.length; i++) if (isTok(its[i], C.UpdateOp)) { opAt = i; break; }
    const opTok = its[opAt];
    const target = this.exprOrMissing(its, 0, opAt, from, 'missing target');
    const value = this.exprOrMissing(its, opAt + 1, its.length, opTok ? opTok.to : to, 'missing value');
    const op = (opTok ? this.src.slice(opTok.from, opTok.to - 1) : '+') as A.BinaryOperator;
    return { kind: 'AugAssign', target, op, value, from, to };
  }

  private importStmt(its: Item[], from: number, to: number): A.Stmt {
    const parens = its.findIndex((it) => isTok(it, C.LParen));
    if (parens >= 0) this.checkClosed(its.slice(parens), C.LParen, C.RParen, ')', to);
    if (!isTok(its[0], C.KwFrom)) {
      return { kind: 'Import', names: this.aliases(its, 1, its.length), from, to };
    }
    let level = 0;
    let i = 1;
    for (; i < its.length; i++) {
      const it = its[i];
      if (isTok(it, C.Dot)) level += 1;
      else if (it.kind === 'Ellipsis') level += 3;
      else break;
    }
    let importAt = i;
    while (importAt < its.length && !isTok(its[importAt], C.KwImport)) importAt++;
    const moduleNames: string[] = [];
    for (let k = i; k < importAt; k++) {
      const it = its[k];
      if (it.kind === 'Name') moduleNames.push(it.id);
    }
    const module = moduleNames.length > 0 ? moduleNames.join('.') : null;
    const rest = its.slice(importAt + 1);
    if (rest.some((it) => isTok(it, C.Star))) return { kind: 'ImportFrom', module, level, names: '*', from, to };
    return { kind: 'ImportFrom', module, level, names: this.aliases(its, importAt + 1, its.length), from, to };
  }

  /** `a.b as c, d` (commas split; parentheses ignored). */
  private aliases(its: Item[], lo: number, hi: number): A.ImportAlias[] {
    const out: A.ImportAlias[] = [];
    for (const [s, e] of this.groups(its, lo, hi)) {
      const parts: string[] = [];
      let asname: string | null = null;
      let afterAs = false;
      let start = -1;
      let end = -1;
      for (let i = s; i < e; i++) {
        const it = its[i];
        if (it.kind === 'Name') {
          if (afterAs) asname = it.id;
          else parts.push(it.id);
          if (start < 0) start = it.from;
          end = it.to;
        } else if (isTok(it, C.KwAs)) afterAs = true;
      }
      if (parts.length > 0) out.push({ name: parts.join('.'), asname, from: start, to: end });
    }
    return out;
  }

  private ifStmt(its: Item[], from: number, to: number): A.Stmt {
    interface Clause { from: number; test: A.Expr | null; body: A.Stmt[]; end: number; keywordEnd: number }
    const clauses: Clause[] = [];
    let orelse: A.Stmt[] = [];
    let current: Clause | null = null;
    let inElse = false;
    let end = from;
    for (const it of its) {
      if (isTok(it, C.KwIf) || isTok(it, C.KwElif)) {
        current = { from: it.from, test: null, body: [], end: it.to, keywordEnd: it.to };
        clauses.push(current);
        inElse = false;
      } else if (isTok(it, C.KwElse)) {
        inElse = true;
        current = null;
      } else if (isExpr(it)) {
        if (current && current.test === null) {
          current.test = it;
          current.end = it.to;
        }
      } else if (it.kind === '#body') {
        if (inElse) orelse = it.body;
        else if (current) {
          current.body = it.body;
          current.end = it.to;
        }
      }
      if (it.kind !== '#err') end = Math.max(end, it.kind === '#body' ? it.to : it.to);
    }
    if (clauses.length === 0) clauses.push({ from, test: null, body: [], end: to, keywordEnd: from });
    const stmtEnd = Math.min(to, end);
    let tail: A.Stmt[] = orelse;
    for (let k = clauses.length - 1; k >= 1; k--) {
      const cl = clauses[k];
      tail = [{ kind: 'If', test: cl.test ?? missing(cl.keywordEnd, 'missing condition'), body: cl.body, orelse: tail, from: cl.from, to: stmtEnd }];
    }
    const head = clauses[0];
    return { kind: 'If', test: head.test ?? missing(head.keywordEnd, 'missing condition'), body: head.body, orelse: tail, from, to: stmtEnd };
  }

  /** Bodies in order, and where the statement's last piece ends. */
  private bodies(its: Item[]): { bodies: A.Stmt[][]; end: number } {
    const bodies: A.Stmt[][] = [];
    let end = 0;
    for (const it of its) {
      if (it.kind === '#body') bodies.push(it.body);
      if (it.kind !== '#err') end = Math.max(end, it.to);
    }
    return { bodies, end };
  }

  private whileStmt(its: Item[], from: number, to: number): A.Stmt {
    const e = this.nextExpr(its, 0);
    const { bodies, end } = this.bodies(its);
    const test = e >= 0 ? (its[e] as A.Expr) : missing(from + 5, 'missing condition');
    return { kind: 'While', test, body: bodies[0] ?? [], orelse: bodies[1] ?? [], from, to: Math.min(to, Math.max(end, from)) };
  }

  private forStmt(its: Item[], from: number, to: number): A.Stmt {
    let forAt = its.findIndex((it) => isTok(it, C.KwFor));
    if (forAt < 0) forAt = 0;
    let inAt = its.findIndex((it) => isTok(it, C.KwIn));
    let bodyAt = its.findIndex((it) => it.kind === '#body');
    if (bodyAt < 0) bodyAt = its.length;
    if (inAt < 0 || inAt > bodyAt) inAt = bodyAt;
    const target = this.exprOrMissing(its, forAt + 1, inAt, its[forAt]?.to ?? from, 'missing loop target');
    const iter = this.exprOrMissing(its, inAt + 1, bodyAt, its[inAt]?.to ?? to, 'missing iterable');
    const { bodies, end } = this.bodies(its);
    return { kind: 'For', target, iter, body: bodies[0] ?? [], orelse: bodies[1] ?? [], from, to: Math.min(to, Math.max(end, from)) };
  }

  private tryStmt(its: Item[], from: number, to: number): A.Stmt {
    let body: A.Stmt[] = [];
    const handlers: A.ExceptHandler[] = [];
    let orelse: A.Stmt[] = [];
    let finalbody: A.Stmt[] = [];
    let state: 'try' | 'except' | 'else' | 'finally' = 'try';
    let handler: A.ExceptHandler | null = null;
    let afterAs = false;
    let end = from;
    for (const it of its) {
      if (it.kind !== '#err') end = Math.max(end, it.to);
      if (it.kind === '#') {
        if (it.code === C.KwExcept) {
          handler = { type: null, name: null, body: [], from: it.from, to: it.to };
          handlers.push(handler);
          state = 'except';
          afterAs = false;
        } else if (it.code === C.KwElse) state = 'else';
        else if (it.code === C.KwFinally) state = 'finally';
        else if ((it.code === C.KwAs || it.code === C.Comma) && state === 'except') afterAs = true;
      } else if (isExpr(it)) {
        if (state === 'except' && handler) {
          if (afterAs) handler.name = it.kind === 'Name' ? it.id : handler.name;
          else if (handler.type === null) handler.type = it;
          handler.to = it.to;
        }
      } else if (it.kind === '#body') {
        if (state === 'try') body = it.body;
        else if (state === 'except' && handler) {
          handler.body = it.body;
          handler.to = it.to;
        } else if (state === 'else') orelse = it.body;
        else finalbody = it.body;
      }
    }
    return { kind: 'Try', body, handlers, orelse, finalbody, from, to: Math.min(to, end) };
  }

  private withStmt(its: Item[], from: number, to: number): A.Stmt {
    const withAt = Math.max(0, its.findIndex((it) => isTok(it, C.KwWith)));
    let bodyAt = its.findIndex((it) => it.kind === '#body');
    if (bodyAt < 0) bodyAt = its.length;
    const items: A.WithStmt['items'] = [];
    for (const [s, e] of this.groups(its, withAt + 1, bodyAt)) {
      let expr: A.Expr | null = null;
      let target: A.Expr | null = null;
      let afterAs = false;
      for (let i = s; i < e; i++) {
        const it = its[i];
        if (isTok(it, C.KwAs)) afterAs = true;
        else if (isExpr(it)) {
          if (afterAs) target = target ?? it;
          else expr = expr ?? it;
        }
      }
      if (expr) items.push({ expr, target });
    }
    // `with (a, b):` is two context managers (Python 3.9+), not one tuple.
    const only = items.length === 1 ? items[0] : null;
    if (only && only.target === null && only.expr.kind === 'Tuple' && this.src.charCodeAt(only.expr.from) === 40 /* ( */) {
      items.splice(0, 1, ...only.expr.elts.map((expr) => ({ expr, target: null })));
    }
    const { bodies, end } = this.bodies(its);
    return { kind: 'With', items, body: bodies[0] ?? [], from, to: Math.min(to, Math.max(end, from)) };
  }

  private functionDef(its: Item[], from: number, to: number): A.FunctionDef {
    let isAsync = false;
    let name: A.NameExpr | null = null;
    let params: A.Param[] = [];
    let body: A.Stmt[] = [];
    let end = from;
    for (const it of its) {
      if (it.kind !== '#err') end = Math.max(end, it.to);
      if (isTok(it, C.KwAsync)) isAsync = true;
      else if (it.kind === 'Name' && name === null) name = it;
      else if (it.kind === '#params') params = it.params;
      else if (it.kind === '#body') body = it.body;
    }
    return {
      kind: 'FunctionDef',
      name: name ? name.id : '',
      nameSpan: name ? { from: name.from, to: name.to } : { from, to: from },
      params,
      body,
      decorators: [],
      isAsync,
      from,
      to: Math.min(to, end),
    };
  }

  private classDef(its: Item[], from: number, to: number): A.ClassDef {
    let name: A.NameExpr | null = null;
    let bases: A.CallArg[] = [];
    let body: A.Stmt[] = [];
    let end = from;
    for (const it of its) {
      if (it.kind !== '#err') end = Math.max(end, it.to);
      if (it.kind === 'Name' && name === null) name = it;
      else if (it.kind === '#args') bases = it.args;
      else if (it.kind === '#body') body = it.body;
    }
    return {
      kind: 'ClassDef',
      name: name ? name.id : '',
      nameSpan: name ? { from: name.from, to: name.to } : { from, to: from },
      bases,
      body,
      decorators: [],
      from,
      to: Math.min(to, end),
    };
  }

  private decorated(its: Item[], from: number, to: number): A.Stmt {
    const decorators: A.Expr[] = [];
    let target: A.Stmt | null = null;
    for (const it of its) {
      if (it.kind === '#decorator') decorators.push(it.expr);
      else if (it.kind === '#stmt') target = it.stmt;
    }
    if (target && (target.kind === 'FunctionDef' || target.kind === 'ClassDef')) {
      target.decorators = decorators;
      return target;
    }
    return { kind: 'ErrorStmt', message: 'decorator without a function or class', from, to };
  }
}

function pushLiteral(parts: (string | A.FStringField)[], text: string): void {
  if (text === '') return;
  const last = parts.length - 1;
  if (last >= 0 && typeof parts[last] === 'string') parts[last] = (parts[last] as string) + text;
  else parts.push(text);
}

function pushPart(parts: (string | A.FStringField)[], part: string | A.FStringField): void {
  if (typeof part === 'string') pushLiteral(parts, part);
  else parts.push(part);
}
