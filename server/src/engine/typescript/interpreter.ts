// A small abstract interpreter for the JavaScript that model code is written in: const/let,
// object and array literals, spreads, destructuring, functions and arrow functions, loops,
// imports. It walks the TypeScript compiler's syntax tree (parse only, no type checker); types are
// ignored. What it cannot follow becomes Unknown with a reason, and a step budget, a wall-clock
// limit and a recursion limit bound its work.

import { dirname, resolve as resolvePath } from 'node:path';
import * as ts from 'typescript';
import type { DiagnosticCode, Severity } from '../report';
import { installGlobals } from './builtins';
import { NOT_FOUND, assignParameterProperties, classMember, construct, makeClass, staticMember, superCall, superMember } from './classes';
import { isPrimitive, keyOf, strictEquals, toText, typeOf } from './jsOps';
import { arrayMember, numberMember, stringMember } from './members';
import {
  JsArray,
  JsClass,
  JsFunction,
  JsObject,
  LayerValue,
  ModelValue,
  NativeFunction,
  NO_THIS,
  Scope,
  Stub,
  TensorValue,
  Unknown,
  typeName,
  type FunctionNode,
  type Site,
  type SourceInfo,
  type Value,
} from './values';

/** The analysis ran out of steps, time or recursion depth. */
export class AnalysisAborted extends Error {
  constructor(
    message: string,
    readonly site: Site | null,
  ) {
    super(message);
  }
}

/** A JavaScript `throw` travelling up to a `catch` (or to the top, where it is reported). */
export class ThrowSignal extends Error {
  constructor(
    readonly value: Value,
    readonly site: Site,
  ) {
    super('thrown');
  }
}

type Completion = undefined | { kind: 'return'; value: Value } | { kind: 'break' | 'continue'; label: string | undefined };

/** Objects the TensorFlow.js runtime owns: their members and assignments go through it. */
export interface HostObjects {
  member(obj: LayerValue | ModelValue | TensorValue, name: string, site: Site): Value;
  setMember(obj: LayerValue | ModelValue | TensorValue, name: string, value: Value): void;
  /** `x.apply(tensors)` on an unknown `x`: a layer of unknown output in the graph (null: not tensors). */
  applyUnknown(target: Unknown, arg: Value, site: Site): Value | null;
}

export interface InterpreterOptions {
  stepBudget: number;
  timeLimitMs?: number;
  isCancelled?: () => boolean;
  readFile: (path: string) => string | null;
  /** Why an existing file was not read (AnalyzeOptions.whyNotRead). */
  whyNotRead?: (path: string) => string | null;
  diagnostic: (severity: Severity, code: DiagnosticCode, message: string, site: Site | null) => void;
  /** The namespace of a package import (`@tensorflow/tfjs`), or null for one it does not know. */
  importPackage: (specifier: string) => Value | null;
}

export interface ModuleRecord {
  file: SourceInfo;
  scope: Scope;
  exports: Map<string, Value>;
  /** Top-level functions in source order, with the name they are bound to. */
  functions: { name: string; fn: JsFunction; nameSite: Site; exported: boolean }[];
  /** Top-level variables in source order, with the site of their name. */
  variables: { name: string; nameSite: Site }[];
  /** Top-level classes in source order. */
  classes: { name: string; nameSite: Site }[];
  done: boolean;
}

export interface ValueNote {
  site: Site;
  name: string;
  tensors: TensorValue[];
}

const DEFAULT_TIME_LIMIT_MS = 2000;
const MAX_DEPTH = 200;
/** Steps between two readings of the clock: a step can be a whole layer built, and a budget may
 *  be overrun by at most about 10% (performance.now() costs tens of nanoseconds). */
const CLOCK_CHECK_STEPS = 512;
/** As the Python interpreter's: elements built in one analysis, and the steps they cost. */
const ALLOCATION_BUDGET = 10_000_000;
const ELEMENTS_PER_STEP = 256;
const LARGE_BUILD = 65_536;
const MAX_LOOP_ITERATIONS = 100_000;

export function scriptKindOf(path: string): ts.ScriptKind {
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  if (/\.jsx$/i.test(path)) return ts.ScriptKind.JSX;
  if (/\.(js|mjs|cjs)$/i.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function parseSource(path: string, text: string): SourceInfo {
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, scriptKindOf(path));
  return { path, text, sf };
}

/** Syntax errors of a parsed file (the parser keeps them on the source file). */
export function syntaxErrors(file: SourceInfo): { message: string; from: number; to: number }[] {
  // parseDiagnostics is not in the public typings, but createSourceFile always fills it.
  const diags = (file.sf as unknown as { parseDiagnostics?: readonly ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  return diags.map((d) => ({ message: ts.flattenDiagnosticMessageText(d.messageText, ' '), from: d.start, to: d.start + d.length }));
}

export class Interpreter {
  steps = 0;
  /** Statements that could not be followed (each also a hint): the models may be incomplete. */
  problems = 0;
  /** User-function calls in progress, outermost first. */
  readonly callStack: { site: Site; fn: JsFunction; synthetic: boolean }[] = [];
  readonly globals: Scope;
  readonly modules = new Map<string, ModuleRecord>();
  /** Tensors bound to names, for inlay hints and hovers. */
  readonly values: ValueNote[] = [];
  host: HostObjects | null = null;
  private file!: SourceInfo;
  private readonly deadline: number;
  private nextCheck = CLOCK_CHECK_STEPS;

  constructor(readonly options: InterpreterOptions) {
    this.globals = new Scope(null);
    this.deadline = performance.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
    installGlobals(this);
  }

  // ---------- bookkeeping ----------

  site(node: ts.Node, file: SourceInfo = this.file): Site {
    return { file, from: node.getStart(file.sf), to: node.end };
  }

  /** `site` followed by the call sites of the user functions running now, innermost first. */
  stack(site: Site): Site[] {
    const out = [site];
    for (let i = this.callStack.length - 1; i >= 0; i--) if (!this.callStack[i]!.synthetic) out.push(this.callStack[i]!.site);
    return out;
  }

  /** The user function whose code is running (null at the top level of a module). */
  currentFunction(): JsFunction | null {
    return this.callStack.length ? this.callStack[this.callStack.length - 1]!.fn : null;
  }

  /** Elements of arrays and characters of strings built so far (ALLOCATION_BUDGET). */
  private allocated = 0;

  /**
   * Charges what a builtin built (an array, a string): steps in proportion to its size and the
   * allocation budget, with the clock read at once after a large one; the abort names `site`.
   */
  private noteBuilt(v: Value, site: Site): Value {
    const n = v instanceof JsArray ? v.items.length : typeof v === 'string' ? v.length : 0;
    if (n < ELEMENTS_PER_STEP) return v;
    this.allocated += n;
    if (this.allocated > ALLOCATION_BUDGET) {
      throw new AnalysisAborted(`the analysis stopped here: the code built more than ${ALLOCATION_BUDGET.toLocaleString('en-US')} array and string elements (ConvLens's memory budget)`, site);
    }
    this.steps += Math.floor(n / ELEMENTS_PER_STEP);
    // Building this much takes long enough that the clock is worth reading every time.
    this.checkBudgets(site, n >= LARGE_BUILD);
    return v;
  }

  step(node: ts.Node, cost = 1): void {
    this.steps += cost;
    if (this.steps >= this.nextCheck || this.steps > this.options.stepBudget) this.checkBudgets(this.site(node), false);
  }

  /** The step budget, and every CLOCK_CHECK_STEPS steps (or when asked) cancellation and the clock. */
  private checkBudgets(site: Site, readClock: boolean): void {
    if (this.steps >= this.nextCheck || readClock) {
      this.nextCheck = this.steps + CLOCK_CHECK_STEPS;
      if (this.options.isCancelled?.()) throw new AnalysisAborted('the analysis was cancelled (a newer version of the file arrived)', site);
      if (performance.now() > this.deadline) {
        throw new AnalysisAborted(`the analysis stopped after ${this.options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS} ms (an endless or very long computation?)`, site);
      }
    }
    if (this.steps > this.options.stepBudget) {
      throw new AnalysisAborted(`the analysis stopped after ${this.options.stepBudget.toLocaleString('en-US')} steps (an endless or very long loop?)`, site);
    }
  }

  /** Something the interpreter does not follow: a hint, and the models may miss a part. */
  problem(message: string, site: Site | null): Unknown {
    this.problems++;
    this.options.diagnostic('hint', 'unknown', message, site);
    return new Unknown(message, site);
  }

  // ---------- modules ----------

  runModule(file: SourceInfo): ModuleRecord {
    const existing = this.modules.get(file.path);
    if (existing) return existing;
    const scope = new Scope(this.globals, undefined);
    const moduleObject = new JsObject();
    const exportsObject = new JsObject();
    moduleObject.props.set('exports', exportsObject);
    scope.declare('module', moduleObject);
    scope.declare('exports', exportsObject);
    const record: ModuleRecord = { file, scope, exports: new Map(), functions: [], variables: [], classes: [], done: false };
    this.modules.set(file.path, record);
    const saved = this.file;
    this.file = file;
    try {
      const statements = file.sf.statements;
      for (const s of statements) if (ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s)) this.bindImport(s, scope);
      this.hoist(statements, scope);
      for (const s of statements) this.noteTopLevel(s, record);
      for (const s of statements) {
        try {
          this.exec(s, scope);
        } catch (e) {
          if (!(e instanceof ThrowSignal)) throw e;
          this.options.diagnostic('error', 'raise', `uncaught exception: ${describeThrown(e.value)}`, e.site);
          break;
        }
      }
      this.collectExports(record, moduleObject);
    } finally {
      this.file = saved;
      record.done = true;
    }
    return record;
  }

  private noteTopLevel(s: ts.Statement, record: ModuleRecord): void {
    const exported = hasModifier(s, ts.SyntaxKind.ExportKeyword);
    if (ts.isFunctionDeclaration(s) && s.name && s.body) {
      const b = record.scope.vars.get(s.name.text);
      if (b && b.value instanceof JsFunction) record.functions.push({ name: s.name.text, fn: b.value, nameSite: this.site(s.name), exported });
    } else if (ts.isClassDeclaration(s) && s.name) {
      record.classes.push({ name: s.name.text, nameSite: this.site(s.name) });
    } else if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) {
        if (ts.isIdentifier(d.name)) record.variables.push({ name: d.name.text, nameSite: this.site(d.name) });
      }
    }
  }

  private collectExports(record: ModuleRecord, moduleObject: JsObject): void {
    const { scope, exports } = record;
    for (const s of record.file.sf.statements) {
      const exported = hasModifier(s, ts.SyntaxKind.ExportKeyword);
      const isDefault = hasModifier(s, ts.SyntaxKind.DefaultKeyword);
      if (exported && (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name) {
        const v = scope.lookup(s.name.text)?.value;
        exports.set(isDefault ? 'default' : s.name.text, v);
      } else if (exported && ts.isVariableStatement(s)) {
        for (const d of s.declarationList.declarations) for (const name of boundNames(d.name)) exports.set(name, scope.lookup(name)?.value);
      } else if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause) && !s.moduleSpecifier) {
        for (const e of s.exportClause.elements) exports.set(e.name.text, scope.lookup((e.propertyName ?? e.name).text)?.value);
      }
    }
    // CommonJS: module.exports = … / exports.x = …
    const cjs = moduleObject.props.get('exports');
    if (cjs instanceof JsObject) for (const [k, v] of cjs.props) if (!exports.has(k)) exports.set(k, v);
    if (cjs !== undefined && !(cjs instanceof JsObject && cjs.props.size === 0) && !exports.has('default')) exports.set('default', cjs);
  }

  /** The exports of a relative import, as a namespace object; null when the file is not found. */
  private importRelative(specifier: string, from: SourceInfo): JsObject | { refused: string } | null {
    const base = resolvePath(dirname(from.path), specifier);
    const candidates = [base, ...['.ts', '.tsx', '.mts', '.js', '.mjs', '.cjs', '.jsx'].map((e) => base + e), `${base}/index.ts`, `${base}/index.js`];
    if (/\.(m|c)?js$/.test(base)) candidates.splice(1, 0, base.replace(/\.(m|c)?js$/, '.ts'), base.replace(/\.(m|c)?js$/, '.tsx'));
    for (const path of candidates) {
      const cached = this.modules.get(path);
      let record = cached;
      if (!record) {
        const text = this.options.readFile(path);
        if (text === null) {
          // Found but not read (a FIFO, a link out of the project, not source): the first such
          // candidate is where Node would have looked, so the import stops there.
          const why = this.options.whyNotRead?.(path);
          if (why) return { refused: `${path}, which ConvLens does not read: ${why}` };
          continue;
        }
        record = this.runModule(parseSource(path, text));
      }
      const ns = new JsObject();
      for (const [k, v] of record.exports) ns.props.set(k, v);
      return ns;
    }
    return null;
  }

  /** `import …` or `require(…)` of a module specifier. */
  importModule(specifier: string, site: Site): Value {
    if (specifier.startsWith('.') || specifier.startsWith('/')) {
      const ns = this.importRelative(specifier, site.file);
      if (ns && 'refused' in ns) return this.problem(`the module '${specifier}' is ${ns.refused}`, site);
      if (ns) return ns;
      return this.problem(`cannot find the module '${specifier}'`, site);
    }
    return this.options.importPackage(specifier) ?? new JsObject(specifier);
  }

  private bindImport(s: ts.ImportDeclaration | ts.ImportEqualsDeclaration, scope: Scope): void {
    if (ts.isImportEqualsDeclaration(s)) {
      const ref = s.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) scope.declare(s.name.text, this.importModule(ref.expression.text, this.site(s)), true);
      return;
    }
    const clause = s.importClause;
    if (!clause || clause.isTypeOnly || !ts.isStringLiteral(s.moduleSpecifier)) return;
    const ns = this.importModule(s.moduleSpecifier.text, this.site(s));
    const site = this.site(s);
    if (clause.name) {
      const def = ns instanceof JsObject && ns.props.has('default') ? ns.props.get('default') : ns;
      scope.declare(clause.name.text, def, true);
    }
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) scope.declare(bindings.name.text, ns, true);
    else if (bindings) {
      for (const e of bindings.elements) {
        if (e.isTypeOnly) continue;
        scope.declare(e.name.text, this.getMember(ns, (e.propertyName ?? e.name).text, site), true);
      }
    }
  }

  /** Evaluates an expression of another text (a `--model` expression) in `scope`. */
  evalIn(file: SourceInfo, e: ts.Expression, scope: Scope): Value {
    const saved = this.file;
    this.file = file;
    try {
      return this.eval(e, scope);
    } finally {
      this.file = saved;
    }
  }

  // ---------- statements ----------

  private hoist(statements: readonly ts.Statement[], scope: Scope): void {
    for (const s of statements) {
      if (ts.isFunctionDeclaration(s) && s.name && s.body) scope.declare(s.name.text, new JsFunction(s.name.text, s, scope, this.file));
    }
  }

  execBlock(statements: readonly ts.Statement[], scope: Scope): Completion {
    this.hoist(statements, scope);
    for (const s of statements) {
      const c = this.exec(s, scope);
      if (c) return c;
    }
    return undefined;
  }

  exec(s: ts.Statement, scope: Scope): Completion {
    this.step(s);
    switch (s.kind) {
      case ts.SyntaxKind.VariableStatement:
        this.declareVariables((s as ts.VariableStatement).declarationList, scope);
        return undefined;
      case ts.SyntaxKind.ExpressionStatement:
        this.eval((s as ts.ExpressionStatement).expression, scope);
        return undefined;
      case ts.SyntaxKind.ReturnStatement: {
        const e = (s as ts.ReturnStatement).expression;
        return { kind: 'return', value: e ? this.eval(e, scope) : undefined };
      }
      case ts.SyntaxKind.IfStatement:
        return this.execIf(s as ts.IfStatement, scope);
      case ts.SyntaxKind.Block:
        return this.execBlock((s as ts.Block).statements, new Scope(scope));
      case ts.SyntaxKind.ForStatement:
        return this.execFor(s as ts.ForStatement, scope, undefined);
      case ts.SyntaxKind.ForOfStatement:
      case ts.SyntaxKind.ForInStatement:
        return this.execForEach(s as ts.ForOfStatement | ts.ForInStatement, scope, undefined);
      case ts.SyntaxKind.WhileStatement:
      case ts.SyntaxKind.DoStatement:
        return this.execWhile(s as ts.WhileStatement | ts.DoStatement, scope, undefined);
      case ts.SyntaxKind.LabeledStatement:
        return this.execLabeled(s as ts.LabeledStatement, scope);
      case ts.SyntaxKind.BreakStatement:
        return { kind: 'break', label: (s as ts.BreakStatement).label?.text };
      case ts.SyntaxKind.ContinueStatement:
        return { kind: 'continue', label: (s as ts.ContinueStatement).label?.text };
      case ts.SyntaxKind.SwitchStatement:
        return this.execSwitch(s as ts.SwitchStatement, scope);
      case ts.SyntaxKind.TryStatement:
        return this.execTry(s as ts.TryStatement, scope);
      case ts.SyntaxKind.ThrowStatement:
        throw new ThrowSignal(this.eval((s as ts.ThrowStatement).expression, scope), this.site(s));
      case ts.SyntaxKind.ExportAssignment: {
        // `export default <expr>` (or `export = <expr>`): kept for the module's exports.
        const value = this.eval((s as ts.ExportAssignment).expression, scope);
        this.modules.get(this.file.path)?.exports.set('default', value);
        return undefined;
      }
      case ts.SyntaxKind.ClassDeclaration: {
        const c = s as ts.ClassDeclaration;
        if (c.name) scope.declare(c.name.text, makeClass(this, c, scope, this.file));
        return undefined;
      }
      case ts.SyntaxKind.EnumDeclaration: {
        const e = s as ts.EnumDeclaration;
        scope.declare(e.name.text, this.evalEnum(e, scope), true);
        return undefined;
      }
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.ImportDeclaration:
      case ts.SyntaxKind.ImportEqualsDeclaration:
      case ts.SyntaxKind.ExportDeclaration:
      case ts.SyntaxKind.InterfaceDeclaration:
      case ts.SyntaxKind.TypeAliasDeclaration:
      case ts.SyntaxKind.ModuleDeclaration:
      case ts.SyntaxKind.EmptyStatement:
      case ts.SyntaxKind.DebuggerStatement:
        return undefined;
      default:
        this.problem(`${ts.SyntaxKind[s.kind]} statements are not modelled`, this.site(s));
        return undefined;
    }
  }

  private evalEnum(e: ts.EnumDeclaration, scope: Scope): JsObject {
    const obj = new JsObject();
    let next = 0;
    for (const m of e.members) {
      const key = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(this.file.sf);
      const v = m.initializer ? this.eval(m.initializer, scope) : next;
      obj.props.set(key, v);
      if (typeof v === 'number') next = v + 1;
    }
    return obj;
  }

  private declareVariables(list: ts.VariableDeclarationList, scope: Scope): void {
    const constant = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const d of list.declarations) {
      const value = d.initializer ? this.evalNamed(d.initializer, scope, ts.isIdentifier(d.name) ? d.name.text : '') : undefined;
      this.bindName(d.name, value, scope, constant);
    }
  }

  /** A function literal bound to a name gets that name (for messages and model names). */
  private evalNamed(e: ts.Expression, scope: Scope, name: string): Value {
    const inner = skipOuter(e);
    if (name && (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner))) return new JsFunction(inner.name?.text ?? name, inner, scope, this.file);
    if (name && ts.isClassExpression(inner)) return makeClass(this, inner, scope, this.file, name);
    return this.eval(e, scope);
  }

  /** Binds an identifier or a destructuring pattern; `note`: remember tensors for inlay hints. */
  bindName(name: ts.BindingName, value: Value, scope: Scope, constant: boolean, note = true): void {
    if (ts.isIdentifier(name)) {
      scope.declare(name.text, value, constant);
      if (note) this.noteValue(name, value);
      return;
    }
    if (ts.isObjectBindingPattern(name)) {
      const used: string[] = [];
      for (const el of name.elements) {
        if (el.dotDotDotToken) {
          const rest = new JsObject();
          if (value instanceof JsObject) for (const [k, v] of value.props) if (!used.includes(k)) rest.props.set(k, v);
          this.bindName(el.name, value instanceof Unknown ? value : rest, scope, constant);
          continue;
        }
        const key = el.propertyName ? this.propertyKey(el.propertyName, scope) : ts.isIdentifier(el.name) ? el.name.text : '';
        used.push(key);
        let v = this.getMember(value, key, this.site(el));
        if (v === undefined && el.initializer) v = this.eval(el.initializer, scope);
        this.bindName(el.name, v, scope, constant);
      }
      return;
    }
    // Array pattern
    name.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      let v: Value;
      if (el.dotDotDotToken) v = value instanceof JsArray ? new JsArray(value.items.slice(i)) : value instanceof Unknown ? value : new JsArray([]);
      else v = value instanceof JsArray ? value.items[i] : value instanceof Unknown ? value : this.getMember(value, String(i), this.site(el));
      if (v === undefined && el.initializer) v = this.eval(el.initializer, scope);
      this.bindName(el.name, v, scope, constant);
    });
  }

  private noteValue(name: ts.Identifier, value: Value): void {
    const tensors = value instanceof TensorValue ? [value] : value instanceof JsArray && value.items.length && value.items.every((v) => v instanceof TensorValue) ? (value.items as TensorValue[]) : null;
    if (tensors) this.values.push({ site: this.site(name), name: name.text, tensors });
  }

  private truthy(v: Value): boolean | null {
    if (v instanceof Unknown) return null;
    if (v === undefined || v === null) return false;
    if (typeof v === 'object') return true;
    return Boolean(v);
  }

  /** A condition that must be known for control flow: unknown counts as false, with a hint. */
  private condition(e: ts.Expression, scope: Scope): boolean {
    const v = this.eval(e, scope);
    const t = this.truthy(v);
    if (t === null) {
      this.problem(`the condition \`${clip(e.getText(this.file.sf))}\` is unknown (${(v as Unknown).reason}); it was taken as false`, this.site(e));
      return false;
    }
    return t;
  }

  private execIf(s: ts.IfStatement, scope: Scope): Completion {
    if (this.condition(s.expression, scope)) return this.exec(s.thenStatement, scope);
    return s.elseStatement ? this.exec(s.elseStatement, scope) : undefined;
  }

  private execLabeled(s: ts.LabeledStatement, scope: Scope): Completion {
    const label = s.label.text;
    const body = s.statement;
    let c: Completion;
    if (ts.isForStatement(body)) c = this.execFor(body, scope, label);
    else if (ts.isForOfStatement(body) || ts.isForInStatement(body)) c = this.execForEach(body, scope, label);
    else if (ts.isWhileStatement(body) || ts.isDoStatement(body)) c = this.execWhile(body, scope, label);
    else c = this.exec(body, scope);
    if (c && c.kind === 'break' && c.label === label) return undefined;
    return c;
  }

  /** What a loop does with its body's completion: stop (returning it), or go on. */
  private loopControl(c: Completion, label: string | undefined): { stop: boolean; result: Completion } {
    if (!c) return { stop: false, result: undefined };
    if (c.kind === 'return') return { stop: true, result: c };
    if (c.label !== undefined && c.label !== label) return { stop: true, result: c };
    return c.kind === 'break' ? { stop: true, result: undefined } : { stop: false, result: undefined };
  }

  private execFor(s: ts.ForStatement, outer: Scope, label: string | undefined): Completion {
    const scope = new Scope(outer);
    if (s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) this.declareVariables(s.initializer, scope);
      else this.eval(s.initializer, scope);
    }
    for (let n = 0; ; n++) {
      if (n > MAX_LOOP_ITERATIONS) throw new AnalysisAborted('a loop ran more than 100,000 times', this.site(s));
      if (s.condition && !this.condition(s.condition, scope)) break;
      // A block body makes its own scope; a single statement cannot declare anything.
      const { stop, result } = this.loopControl(this.exec(s.statement, scope), label);
      if (stop) return result;
      if (s.incrementor) this.eval(s.incrementor, scope);
    }
    return undefined;
  }

  private execForEach(s: ts.ForOfStatement | ts.ForInStatement, outer: Scope, label: string | undefined): Completion {
    const iterable = this.eval(s.expression, outer);
    let items: Value[];
    if (ts.isForInStatement(s)) {
      if (iterable instanceof JsObject) items = [...iterable.props.keys()];
      else if (iterable instanceof JsArray) items = iterable.items.map((_, i) => String(i));
      else items = [];
    } else if (iterable instanceof JsArray) items = [...iterable.items];
    else if (typeof iterable === 'string') items = [...iterable];
    else {
      const why = iterable instanceof Unknown ? iterable.reason : `${typeName(iterable)} is not iterable here`;
      this.problem(`the loop over \`${clip(s.expression.getText(this.file.sf))}\` was skipped: ${why}`, this.site(s.expression));
      return undefined;
    }
    for (const item of items) {
      const scope = new Scope(outer);
      const init = s.initializer;
      if (ts.isVariableDeclarationList(init)) this.bindName(init.declarations[0]!.name, item, scope, (init.flags & ts.NodeFlags.Const) !== 0);
      else this.assignTo(init, item, scope);
      const { stop, result } = this.loopControl(this.exec(s.statement, scope), label);
      if (stop) return result;
    }
    return undefined;
  }

  private execWhile(s: ts.WhileStatement | ts.DoStatement, scope: Scope, label: string | undefined): Completion {
    let first = ts.isDoStatement(s);
    for (let n = 0; ; n++) {
      if (n > MAX_LOOP_ITERATIONS) throw new AnalysisAborted('a loop ran more than 100,000 times', this.site(s));
      if (!first && !this.condition(s.expression, scope)) break;
      first = false;
      const { stop, result } = this.loopControl(this.exec(s.statement, scope), label);
      if (stop) return result;
    }
    return undefined;
  }

  private execSwitch(s: ts.SwitchStatement, outer: Scope): Completion {
    const v = this.eval(s.expression, outer);
    const scope = new Scope(outer);
    const clauses = s.caseBlock.clauses;
    let start = -1;
    if (v instanceof Unknown) {
      this.problem(`the switch over \`${clip(s.expression.getText(this.file.sf))}\` is unknown (${v.reason})`, this.site(s.expression));
      return undefined;
    }
    for (let i = 0; i < clauses.length && start < 0; i++) {
      const c = clauses[i]!;
      if (ts.isCaseClause(c) && strictEquals(this.eval(c.expression, scope), v)) start = i;
    }
    if (start < 0) start = clauses.findIndex((c) => ts.isDefaultClause(c));
    if (start < 0) return undefined;
    for (let i = start; i < clauses.length; i++) {
      const c = this.execBlock(clauses[i]!.statements, scope);
      if (c) return c.kind === 'break' && c.label === undefined ? undefined : c;
    }
    return undefined;
  }

  private execTry(s: ts.TryStatement, scope: Scope): Completion {
    let result: Completion;
    try {
      result = this.execBlock(s.tryBlock.statements, new Scope(scope));
    } catch (e) {
      if (!(e instanceof ThrowSignal) || !s.catchClause) throw e;
      const catchScope = new Scope(scope);
      const decl = s.catchClause.variableDeclaration;
      if (decl) this.bindName(decl.name, e.value, catchScope, false);
      result = this.execBlock(s.catchClause.block.statements, catchScope);
    } finally {
      if (s.finallyBlock) {
        const f = this.execBlock(s.finallyBlock.statements, new Scope(scope));
        if (f) result = f;
      }
    }
    return result;
  }

  // ---------- expressions ----------

  eval(e: ts.Expression, scope: Scope): Value {
    this.step(e);
    switch (e.kind) {
      case ts.SyntaxKind.NumericLiteral:
        return Number((e as ts.NumericLiteral).text);
      case ts.SyntaxKind.BigIntLiteral:
        return Number((e as ts.BigIntLiteral).text.replace(/n$/, ''));
      case ts.SyntaxKind.StringLiteral:
      case ts.SyntaxKind.NoSubstitutionTemplateLiteral:
        return (e as ts.StringLiteral).text;
      case ts.SyntaxKind.TemplateExpression:
        return this.evalTemplate(e as ts.TemplateExpression, scope);
      case ts.SyntaxKind.TrueKeyword:
        return true;
      case ts.SyntaxKind.FalseKeyword:
        return false;
      case ts.SyntaxKind.NullKeyword:
        return null;
      case ts.SyntaxKind.ThisKeyword:
        return scope.thisOf();
      case ts.SyntaxKind.Identifier:
        return this.evalIdentifier(e as ts.Identifier, scope);
      case ts.SyntaxKind.ParenthesizedExpression:
      case ts.SyntaxKind.AsExpression:
      case ts.SyntaxKind.TypeAssertionExpression:
      case ts.SyntaxKind.NonNullExpression:
      case ts.SyntaxKind.SatisfiesExpression:
      case ts.SyntaxKind.AwaitExpression:
      case ts.SyntaxKind.PartiallyEmittedExpression:
        // Types are erased, and a promise is its value: `await buildModel()` is the model.
        return this.eval((e as ts.ParenthesizedExpression).expression, scope);
      case ts.SyntaxKind.ArrayLiteralExpression:
        return this.evalArray(e as ts.ArrayLiteralExpression, scope);
      case ts.SyntaxKind.ObjectLiteralExpression:
        return this.evalObject(e as ts.ObjectLiteralExpression, scope);
      case ts.SyntaxKind.PropertyAccessExpression: {
        const p = e as ts.PropertyAccessExpression;
        if (p.expression.kind === ts.SyntaxKind.SuperKeyword) return superMember(this, scope, p.name.text, this.site(p.name));
        const obj = this.eval(p.expression, scope);
        if (p.questionDotToken && (obj === undefined || obj === null)) return undefined;
        return this.getMember(obj, p.name.text, this.site(p.name));
      }
      case ts.SyntaxKind.ElementAccessExpression: {
        const p = e as ts.ElementAccessExpression;
        const obj = this.eval(p.expression, scope);
        if (p.questionDotToken && (obj === undefined || obj === null)) return undefined;
        const key = this.eval(p.argumentExpression, scope);
        if (key instanceof Unknown) return key;
        return this.getMember(obj, keyOf(key), this.site(p.argumentExpression));
      }
      case ts.SyntaxKind.CallExpression:
        return this.evalCall(e as ts.CallExpression, scope);
      case ts.SyntaxKind.NewExpression:
        return this.evalNew(e as ts.NewExpression, scope);
      case ts.SyntaxKind.ArrowFunction:
      case ts.SyntaxKind.FunctionExpression: {
        const f = e as ts.ArrowFunction | ts.FunctionExpression;
        return new JsFunction(f.name?.text ?? 'anonymous', f, scope, this.file);
      }
      case ts.SyntaxKind.ClassExpression:
        return makeClass(this, e as ts.ClassExpression, scope, this.file);
      case ts.SyntaxKind.SuperKeyword:
        return new Unknown('`super` as a value is not modelled', this.site(e));
      case ts.SyntaxKind.BinaryExpression:
        return this.evalBinary(e as ts.BinaryExpression, scope);
      case ts.SyntaxKind.PrefixUnaryExpression:
        return this.evalPrefix(e as ts.PrefixUnaryExpression, scope);
      case ts.SyntaxKind.PostfixUnaryExpression: {
        const p = e as ts.PostfixUnaryExpression;
        const old = this.eval(p.operand, scope);
        if (old instanceof Unknown) return old;
        const n = Number(old);
        this.assignTo(p.operand, p.operator === ts.SyntaxKind.PlusPlusToken ? n + 1 : n - 1, scope);
        return n;
      }
      case ts.SyntaxKind.ConditionalExpression: {
        const c = e as ts.ConditionalExpression;
        const test = this.eval(c.condition, scope);
        const t = this.truthy(test);
        if (t === null) return test;
        return this.eval(t ? c.whenTrue : c.whenFalse, scope);
      }
      case ts.SyntaxKind.TypeOfExpression: {
        const v = this.eval((e as ts.TypeOfExpression).expression, scope);
        return v instanceof Unknown ? v : typeOf(v);
      }
      case ts.SyntaxKind.VoidExpression:
        this.eval((e as ts.VoidExpression).expression, scope);
        return undefined;
      case ts.SyntaxKind.DeleteExpression:
        return true;
      case ts.SyntaxKind.SpreadElement:
        return this.eval((e as ts.SpreadElement).expression, scope);
      case ts.SyntaxKind.RegularExpressionLiteral:
      case ts.SyntaxKind.TaggedTemplateExpression:
        return new Unknown(`${ts.SyntaxKind[e.kind]} is not modelled`, this.site(e));
      default:
        return this.problem(`\`${clip(e.getText(this.file.sf))}\` (${ts.SyntaxKind[e.kind]}) is not modelled`, this.site(e));
    }
  }

  private evalIdentifier(id: ts.Identifier, scope: Scope): Value {
    const b = scope.lookup(id.text);
    if (b) return b.value;
    switch (id.text) {
      case 'undefined':
        return undefined;
      case 'NaN':
        return NaN;
      case 'Infinity':
        return Infinity;
    }
    return this.problem(`\`${id.text}\` is not defined here`, this.site(id));
  }

  private evalTemplate(t: ts.TemplateExpression, scope: Scope): Value {
    let out = t.head.text;
    for (const span of t.templateSpans) {
      const v = this.eval(span.expression, scope);
      if (v instanceof Unknown) return v;
      out += toText(v) + span.literal.text;
    }
    return out;
  }

  private evalArray(a: ts.ArrayLiteralExpression, scope: Scope): Value {
    const items: Value[] = [];
    for (const el of a.elements) {
      if (ts.isSpreadElement(el)) {
        const v = this.eval(el.expression, scope);
        if (v instanceof JsArray) items.push(...v.items);
        else if (typeof v === 'string') items.push(...v);
        else return v instanceof Unknown ? v : this.problem(`cannot spread ${typeName(v)} into an array`, this.site(el));
      } else if (ts.isOmittedExpression(el)) items.push(undefined);
      else items.push(this.eval(el, scope));
    }
    return new JsArray(items);
  }

  propertyKey(name: ts.PropertyName, scope: Scope): string {
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
    if (ts.isComputedPropertyName(name)) {
      const v = this.eval(name.expression, scope);
      return v instanceof Unknown ? '?' : keyOf(v);
    }
    return name.getText(this.file.sf);
  }

  private evalObject(o: ts.ObjectLiteralExpression, scope: Scope): Value {
    const obj = new JsObject();
    for (const p of o.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = this.propertyKey(p.name, scope);
        obj.props.set(key, this.evalNamed(p.initializer, scope, key));
      } else if (ts.isShorthandPropertyAssignment(p)) {
        obj.props.set(p.name.text, this.evalIdentifier(p.name, scope));
      } else if (ts.isSpreadAssignment(p)) {
        const v = this.eval(p.expression, scope);
        if (v instanceof JsObject) for (const [k, x] of v.props) obj.props.set(k, x);
        else if (v instanceof JsArray) v.items.forEach((x, i) => obj.props.set(String(i), x));
        else if (v instanceof Unknown) return v;
        else if (v !== undefined && v !== null && typeof v === 'object') return this.problem(`cannot spread ${typeName(v)} into an object`, this.site(p));
      } else if (ts.isMethodDeclaration(p) && p.body) {
        const key = this.propertyKey(p.name, scope);
        obj.props.set(key, new JsFunction(key, p, scope, this.file));
      } else if (ts.isGetAccessorDeclaration(p) || ts.isSetAccessorDeclaration(p)) {
        obj.props.set(this.propertyKey(p.name, scope), new Unknown('accessors are not modelled', this.site(p)));
      }
    }
    return obj;
  }

  /** Members of any value (objects, arrays, strings, TF.js objects). */
  getMember(obj: Value, key: string, site: Site): Value {
    if (obj instanceof JsObject) {
      const v = obj.props.get(key);
      if (v !== undefined || obj.props.has(key)) return v;
      if (obj.cls) {
        const m = classMember(this, obj, obj.cls, key, site);
        if (m !== NOT_FOUND) return m;
      }
      if (obj.fallback) return obj.fallback(key);
      return obj.stubPrefix !== null ? new Stub(`${obj.stubPrefix}.${key}`) : undefined;
    }
    if (obj instanceof JsArray) return arrayMember(this, obj, key, site);
    if (typeof obj === 'string') return stringMember(obj, key);
    if (typeof obj === 'number') return numberMember(obj, key);
    if ((obj instanceof LayerValue || obj instanceof ModelValue) && obj.cls && !obj.extra.has(key)) {
      const m = classMember(this, obj, obj.cls, key, site);
      if (m !== NOT_FOUND) return m;
    }
    if (obj instanceof LayerValue || obj instanceof ModelValue || obj instanceof TensorValue) return this.hostMember(obj, key, site);
    if (obj instanceof JsClass) return staticMember(this, obj, key, site);
    if (obj instanceof Stub) return new Stub(`${obj.path}.${key}`);
    if (obj instanceof Unknown) return obj;
    if (obj instanceof NativeFunction && obj.statics?.props.has(key)) return obj.statics.props.get(key);
    if (obj instanceof JsFunction || obj instanceof NativeFunction) return key === 'name' ? obj.name : undefined;
    if (obj === undefined || obj === null) return this.problem(`reading \`${key}\` of ${String(obj)}`, site);
    return undefined;
  }

  /** A member as TF.js has it (past the object's own class). */
  hostMember(obj: LayerValue | ModelValue | TensorValue, key: string, site: Site): Value {
    return this.host ? this.host.member(obj, key, site) : undefined;
  }

  setMember(obj: Value, key: string, value: Value, site: Site): void {
    if (obj instanceof JsObject) obj.props.set(key, value);
    else if (obj instanceof JsArray) {
      if (key === 'length' && typeof value === 'number') obj.items.length = value;
      else if (/^\d+$/.test(key)) {
        const i = Number(key);
        while (obj.items.length < i) obj.items.push(undefined);
        obj.items[i] = value;
      }
    } else if (obj instanceof LayerValue || obj instanceof ModelValue || obj instanceof TensorValue) this.host?.setMember(obj, key, value);
    else if (obj instanceof JsClass) obj.statics.props.set(key, value);
    else if (obj === undefined || obj === null) this.problem(`setting \`${key}\` of ${String(obj)}`, site);
  }

  private evalArgs(args: readonly ts.Expression[], scope: Scope): Value[] | Unknown {
    const out: Value[] = [];
    for (const a of args) {
      if (ts.isSpreadElement(a)) {
        const v = this.eval(a.expression, scope);
        if (v instanceof JsArray) out.push(...v.items);
        else return v instanceof Unknown ? v : this.problem(`cannot spread ${typeName(v)} into arguments`, this.site(a));
      } else out.push(this.eval(a, scope));
    }
    return out;
  }

  private evalCall(c: ts.CallExpression, scope: Scope): Value {
    const callee = skipOuter(c.expression);
    let thisValue: Value = undefined;
    let fn: Value;
    if (callee.kind === ts.SyntaxKind.SuperKeyword) {
      const args = this.evalArgs(c.arguments, scope);
      return superCall(this, scope, args instanceof Unknown ? [args] : args, this.site(c));
    }
    if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.SuperKeyword) {
      thisValue = scope.thisOf();
      fn = superMember(this, scope, callee.name.text, this.site(callee.name));
    } else if (ts.isPropertyAccessExpression(callee)) {
      thisValue = this.eval(callee.expression, scope);
      if (callee.questionDotToken && (thisValue === undefined || thisValue === null)) return undefined;
      fn = this.getMember(thisValue, callee.name.text, this.site(callee.name));
    } else if (ts.isElementAccessExpression(callee)) {
      thisValue = this.eval(callee.expression, scope);
      const key = this.eval(callee.argumentExpression, scope);
      fn = key instanceof Unknown ? key : this.getMember(thisValue, keyOf(key), this.site(callee.argumentExpression));
    } else if (callee.kind === ts.SyntaxKind.ImportKeyword) {
      // Dynamic import(): the module namespace (awaited away like any promise).
      const spec = c.arguments[0] && ts.isStringLiteral(c.arguments[0]) ? c.arguments[0].text : null;
      return spec ? this.importModule(spec, this.site(c)) : new Unknown('a dynamic import of a computed name', this.site(c));
    } else {
      fn = this.eval(callee, scope);
    }
    if (c.questionDotToken && (fn === undefined || fn === null)) return undefined;
    const args = this.evalArgs(c.arguments, scope);
    if (args instanceof Unknown) return args;
    if (thisValue instanceof Unknown && fn === thisValue && ts.isPropertyAccessExpression(callee) && callee.name.text === 'apply' && this.host) {
      const applied = this.host.applyUnknown(thisValue, args[0], this.site(c));
      if (applied !== null) return applied;
    }
    return this.callValue(fn, args, thisValue, this.site(c), callee);
  }

  private evalNew(n: ts.NewExpression, scope: Scope): Value {
    const ctor = this.eval(n.expression, scope);
    const args = this.evalArgs(n.arguments ?? [], scope);
    if (args instanceof Unknown) return args;
    if (ctor instanceof NativeFunction && ctor.constructible) return this.noteBuilt(ctor.impl(args, { site: this.site(n), thisValue: undefined }), this.site(n));
    if (ctor instanceof JsClass) {
      if (this.callStack.length >= MAX_DEPTH) throw new AnalysisAborted(`calls nested more than ${MAX_DEPTH} deep (endless recursion?)`, this.site(n));
      return construct(this, ctor, args, this.site(n));
    }
    if (ctor instanceof Unknown) return ctor;
    if (ctor instanceof Stub) return new Unknown(`\`new ${ctor.path}(…)\` is not modelled`, this.site(n));
    return new Unknown(`\`new ${clip(n.expression.getText(this.file.sf))}(…)\` is not modelled`, this.site(n));
  }

  /** Calls a function value (user, native, stub) with evaluated arguments. */
  callValue(fn: Value, args: Value[], thisValue: Value, site: Site, callee?: ts.Node): Value {
    if (fn instanceof JsFunction) return this.invoke(fn, args, thisValue, site);
    if (fn instanceof NativeFunction) {
      this.steps += 2;
      return this.noteBuilt(fn.impl(args, { site, thisValue }), site);
    }
    if (fn instanceof Stub) return new Unknown(`\`${fn.path}(…)\` is not modelled`, site);
    if (fn instanceof Unknown) return fn;
    if (fn instanceof JsClass) return this.problem(`the class ${fn.name} is called without \`new\``, site);
    const what = callee ? `\`${clip(callee.getText(site.file.sf))}\`` : 'the callee';
    return this.problem(`${what} is ${typeName(fn)}, not a function`, site);
  }

  /** `synthetic`: the analysis calls it (a factory tried for models): no call site in the code. */
  invoke(fn: JsFunction, args: Value[], thisValue: Value, site: Site, synthetic = false): Value {
    if (this.callStack.length >= MAX_DEPTH) throw new AnalysisAborted(`calls nested more than ${MAX_DEPTH} deep (endless recursion?)`, site);
    this.steps += 4;
    fn.calls++;
    const node = fn.node;
    const scope = new Scope(fn.scope, NO_THIS, fn.home);
    // Set after: a default parameter would take an undefined `this` for "none".
    if (!ts.isArrowFunction(node)) scope.thisValue = thisValue;
    const saved = this.file;
    this.file = fn.file;
    this.callStack.push({ site, fn, synthetic });
    try {
      this.bindParameters(node, args, scope);
      if (fn.home && ts.isConstructorDeclaration(node) && thisValue !== undefined) assignParameterProperties(this, fn.home, thisValue, scope, site);
      const body = node.body;
      if (!body) return undefined;
      if (ts.isBlock(body)) {
        const c = this.execBlock(body.statements, scope);
        return c && c.kind === 'return' ? c.value : undefined;
      }
      return this.eval(body, scope);
    } finally {
      this.callStack.pop();
      this.file = saved;
    }
  }

  private bindParameters(node: FunctionNode, args: Value[], scope: Scope): void {
    node.parameters.forEach((p, i) => {
      if (ts.isIdentifier(p.name) && p.name.text === 'this') return;
      let v: Value = p.dotDotDotToken ? new JsArray(args.slice(i)) : args[i];
      if (v === undefined && p.initializer) v = this.eval(p.initializer, scope);
      this.bindName(p.name, v, scope, false, false);
    });
  }

  private evalPrefix(p: ts.PrefixUnaryExpression, scope: Scope): Value {
    if (p.operator === ts.SyntaxKind.PlusPlusToken || p.operator === ts.SyntaxKind.MinusMinusToken) {
      const old = this.eval(p.operand, scope);
      if (old instanceof Unknown) return old;
      const n = Number(old) + (p.operator === ts.SyntaxKind.PlusPlusToken ? 1 : -1);
      this.assignTo(p.operand, n, scope);
      return n;
    }
    const v = this.eval(p.operand, scope);
    if (p.operator === ts.SyntaxKind.ExclamationToken) {
      const t = this.truthy(v);
      return t === null ? v : !t;
    }
    if (v instanceof Unknown) return v;
    if (!isPrimitive(v)) return new Unknown(`arithmetic on ${typeName(v)}`, this.site(p));
    switch (p.operator) {
      case ts.SyntaxKind.MinusToken:
        return -Number(v);
      case ts.SyntaxKind.PlusToken:
        return Number(v);
      case ts.SyntaxKind.TildeToken:
        return ~Number(v);
      default:
        return new Unknown('an unknown unary operator', this.site(p));
    }
  }

  private evalBinary(b: ts.BinaryExpression, scope: Scope): Value {
    const op = b.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsToken) {
      const v = this.evalNamed(b.right, scope, ts.isIdentifier(b.left) ? b.left.text : '');
      this.assignTo(b.left, v, scope);
      return v;
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
      const left = this.eval(b.left, scope);
      const pick = this.shortCircuit(op, left);
      return pick === 'left' ? left : pick === 'right' ? this.eval(b.right, scope) : left;
    }
    const compound = COMPOUND.get(op);
    if (compound !== undefined) {
      const left = this.eval(b.left, scope);
      let value: Value;
      if (compound === ts.SyntaxKind.AmpersandAmpersandToken || compound === ts.SyntaxKind.BarBarToken || compound === ts.SyntaxKind.QuestionQuestionToken) {
        const pick = this.shortCircuit(compound, left);
        if (pick !== 'right') return left;
        value = this.eval(b.right, scope);
      } else {
        value = this.binary(compound, left, this.eval(b.right, scope), b);
      }
      this.assignTo(b.left, value, scope);
      return value;
    }
    if (op === ts.SyntaxKind.CommaToken) {
      this.eval(b.left, scope);
      return this.eval(b.right, scope);
    }
    return this.binary(op, this.eval(b.left, scope), this.eval(b.right, scope), b);
  }

  /** `a && b`, `a || b`, `a ?? b`: which side is the value (unknown left: unknown). */
  private shortCircuit(op: ts.SyntaxKind, left: Value): 'left' | 'right' | 'unknown' {
    if (op === ts.SyntaxKind.QuestionQuestionToken) return left instanceof Unknown ? 'unknown' : left === undefined || left === null ? 'right' : 'left';
    const t = this.truthy(left);
    if (t === null) return 'unknown';
    return (op === ts.SyntaxKind.AmpersandAmpersandToken) === t ? 'right' : 'left';
  }

  private binary(op: ts.SyntaxKind, a: Value, b: Value, node: ts.Node): Value {
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken) return a instanceof Unknown ? a : b instanceof Unknown ? b : strictEquals(a, b);
    if (op === ts.SyntaxKind.ExclamationEqualsEqualsToken) return a instanceof Unknown ? a : b instanceof Unknown ? b : !strictEquals(a, b);
    if (a instanceof Unknown) return a;
    if (b instanceof Unknown) return b;
    if (op === ts.SyntaxKind.InKeyword) return b instanceof JsObject ? b.props.has(keyOf(a)) : b instanceof JsArray ? Number(keyOf(a)) < b.items.length : false;
    if (op === ts.SyntaxKind.InstanceOfKeyword) return new Unknown('instanceof is not modelled', this.site(node));
    if (op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
      const eq = isPrimitive(a) && isPrimitive(b) ? a == b : a === b; // eslint-disable-line eqeqeq -- JavaScript's loose equality is the semantics
      return op === ts.SyntaxKind.EqualsEqualsToken ? eq : !eq;
    }
    if (op === ts.SyntaxKind.PlusToken && (a instanceof JsArray || b instanceof JsArray)) {
      return new Unknown('`+` on an array', this.site(node));
    }
    if (!isPrimitive(a) || !isPrimitive(b)) return new Unknown(`\`${ts.tokenToString(op) ?? '?'}\` on ${typeName(isPrimitive(a) ? b : a)}`, this.site(node));
    if (op === ts.SyntaxKind.PlusToken) return typeof a === 'string' || typeof b === 'string' ? toText(a) + toText(b) : Number(a) + Number(b);
    if (typeof a === 'string' && typeof b === 'string') {
      switch (op) {
        case ts.SyntaxKind.LessThanToken:
          return a < b;
        case ts.SyntaxKind.GreaterThanToken:
          return a > b;
        case ts.SyntaxKind.LessThanEqualsToken:
          return a <= b;
        case ts.SyntaxKind.GreaterThanEqualsToken:
          return a >= b;
      }
    }
    const x = Number(a);
    const y = Number(b);
    switch (op) {
      case ts.SyntaxKind.MinusToken:
        return x - y;
      case ts.SyntaxKind.AsteriskToken:
        return x * y;
      case ts.SyntaxKind.SlashToken:
        return x / y;
      case ts.SyntaxKind.PercentToken:
        return x % y;
      case ts.SyntaxKind.AsteriskAsteriskToken:
        return x ** y;
      case ts.SyntaxKind.LessThanToken:
        return x < y;
      case ts.SyntaxKind.GreaterThanToken:
        return x > y;
      case ts.SyntaxKind.LessThanEqualsToken:
        return x <= y;
      case ts.SyntaxKind.GreaterThanEqualsToken:
        return x >= y;
      case ts.SyntaxKind.AmpersandToken:
        return x & y;
      case ts.SyntaxKind.BarToken:
        return x | y;
      case ts.SyntaxKind.CaretToken:
        return x ^ y;
      case ts.SyntaxKind.LessThanLessThanToken:
        return x << y;
      case ts.SyntaxKind.GreaterThanGreaterThanToken:
        return x >> y;
      case ts.SyntaxKind.GreaterThanGreaterThanGreaterThanToken:
        return x >>> y;
    }
    return new Unknown(`the operator \`${ts.tokenToString(op) ?? '?'}\` is not modelled`, this.site(node));
  }

  /** Assignment to a name, a member, or a destructuring pattern. */
  assignTo(target: ts.Expression, value: Value, scope: Scope): void {
    const t = skipOuter(target);
    if (ts.isIdentifier(t)) {
      const b = scope.lookup(t.text);
      if (b) {
        if (b.constant) this.problem(`assignment to the constant \`${t.text}\``, this.site(t));
        b.value = value;
      } else {
        this.globals.declare(t.text, value);
      }
      this.noteValue(t, value);
      return;
    }
    if (ts.isPropertyAccessExpression(t)) {
      this.setMember(this.eval(t.expression, scope), t.name.text, value, this.site(t));
      return;
    }
    if (ts.isElementAccessExpression(t)) {
      const obj = this.eval(t.expression, scope);
      const key = this.eval(t.argumentExpression, scope);
      if (!(key instanceof Unknown)) this.setMember(obj, keyOf(key), value, this.site(t));
      return;
    }
    if (ts.isArrayLiteralExpression(t)) {
      t.elements.forEach((el, i) => {
        if (ts.isOmittedExpression(el)) return;
        if (ts.isSpreadElement(el)) this.assignTo(el.expression, value instanceof JsArray ? new JsArray(value.items.slice(i)) : value, scope);
        else this.assignTo(el, value instanceof JsArray ? value.items[i] : value instanceof Unknown ? value : undefined, scope);
      });
      return;
    }
    if (ts.isObjectLiteralExpression(t)) {
      for (const p of t.properties) {
        if (ts.isShorthandPropertyAssignment(p)) this.assignTo(p.name, this.getMember(value, p.name.text, this.site(p)), scope);
        else if (ts.isPropertyAssignment(p)) this.assignTo(p.initializer, this.getMember(value, this.propertyKey(p.name, scope), this.site(p)), scope);
      }
      return;
    }
    this.problem(`assignment to \`${clip(t.getText(this.file.sf))}\` is not modelled`, this.site(t));
  }
}

const COMPOUND = new Map<ts.SyntaxKind, ts.SyntaxKind>([
  [ts.SyntaxKind.PlusEqualsToken, ts.SyntaxKind.PlusToken],
  [ts.SyntaxKind.MinusEqualsToken, ts.SyntaxKind.MinusToken],
  [ts.SyntaxKind.AsteriskEqualsToken, ts.SyntaxKind.AsteriskToken],
  [ts.SyntaxKind.SlashEqualsToken, ts.SyntaxKind.SlashToken],
  [ts.SyntaxKind.PercentEqualsToken, ts.SyntaxKind.PercentToken],
  [ts.SyntaxKind.AsteriskAsteriskEqualsToken, ts.SyntaxKind.AsteriskAsteriskToken],
  [ts.SyntaxKind.AmpersandEqualsToken, ts.SyntaxKind.AmpersandToken],
  [ts.SyntaxKind.BarEqualsToken, ts.SyntaxKind.BarToken],
  [ts.SyntaxKind.CaretEqualsToken, ts.SyntaxKind.CaretToken],
  [ts.SyntaxKind.LessThanLessThanEqualsToken, ts.SyntaxKind.LessThanLessThanToken],
  [ts.SyntaxKind.GreaterThanGreaterThanEqualsToken, ts.SyntaxKind.GreaterThanGreaterThanToken],
  [ts.SyntaxKind.AmpersandAmpersandEqualsToken, ts.SyntaxKind.AmpersandAmpersandToken],
  [ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.BarBarToken],
  [ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.QuestionQuestionToken],
]);

export function skipOuter(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const el of name.elements) if (!ts.isOmittedExpression(el)) out.push(...boundNames(el.name));
  return out;
}

export function clip(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function describeThrown(v: Value): string {
  if (v instanceof JsObject) {
    const m = v.props.get('message');
    if (typeof m === 'string') return m;
  }
  if (v instanceof Unknown) return v.reason;
  return toText(v);
}
