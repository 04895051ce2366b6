// `exec` and `eval` of code a program builds as a string (layers defined by a formatted string in
// a loop), and the builtins that read the caller's namespace: `globals()`, `locals()`, `vars()`,
// `dir()`. The string is parsed like any file (lezer → AST) and interpreted; nothing is run. What
// happens inside it is reported on the line of the `exec` / `eval` call.

import { parsedFile, type Interpreter } from './interpreter';
import {
  dict, dictSet, list, native, str, typeName, unknown,
  type CallArgs, type DictValue, type Scope, type Site, type SourceFile, type Value,
} from './values';

/** exec nested in exec'd code deeper than this is refused (each level is a parse and a run). */
const MAX_NESTING = 20;

export function installDynamicCode(interp: Interpreter): void {
  let nesting = 0;
  const b = interp.builtins;
  /** `withScope` serves direct calls; a call through another name (`f = exec; f(s)`) has no scope. */
  const scoped = (name: string, withScope: (args: CallArgs, scope: Scope, site: Site) => Value) => {
    const fn = native(name, (_args, site) => {
      interp.noteProblem(site, `${name}() called through another name is not followed`);
      return unknown(`${name}() called through another name is not followed`, site);
    });
    fn.withScope = withScope;
    b.set(name, fn);
  };

  const run = (mode: 'exec' | 'eval', args: CallArgs, scope: Scope, site: Site): Value => {
    const source = args.positional[0] ?? args.keywords.get('source');
    const globals = args.positional[1] ?? args.keywords.get('globals');
    const locals = args.positional[2] ?? args.keywords.get('locals');
    const notFollowed = (why: string): Value => {
      interp.noteProblem(site, `${mode}() was not followed: ${why}`);
      return unknown(`${mode}() was not followed: ${why}`, site);
    };
    if (!source) return interp.raise('TypeError', `${mode}() missing required argument 'source' (pos 1)`, site);
    if (source.kind === 'unknown') return notFollowed(`the code is unknown (${source.reason})`);
    if (source.kind !== 'str') return notFollowed(`the code is a ${typeName(source)}, not a string`);
    for (const ns of [globals, locals]) {
      if (ns === undefined || ns.kind === 'none' || ns.kind === 'dict') continue;
      if (ns.kind === 'unknown') return notFollowed(`its namespace is unknown (${ns.reason})`);
      return interp.raise('TypeError', `${mode}() globals must be a dict, not ${typeName(ns)}`, site);
    }
    if (nesting >= MAX_NESTING) return interp.raise('RecursionError', `${mode}() nested more than ${MAX_NESTING} deep`, site);

    const parsed = parsedFile(`<${mode}>`, source.value);
    const file: SourceFile = { ...parsed.file, path: '<string>', origin: site };
    const error = parsed.module.errors[0];
    if (error) return interp.raise('SyntaxError', `${error.message} (in the string given to ${mode}())`, site);
    const body = parsed.module.body;
    const expr = body[0];
    if (mode === 'eval' && (body.length !== 1 || expr?.kind !== 'Expr')) {
      return interp.raise('SyntaxError', 'invalid syntax (eval() takes an expression)', site);
    }

    const { runIn, writeBack } = namespaceFor(scope, file, globals, locals);
    nesting++;
    try {
      if (mode === 'eval' && expr?.kind === 'Expr') return interp.eval(expr.expr, runIn);
      interp.execBlock(body, runIn);
      return { kind: 'none' };
    } finally {
      nesting--;
      writeBack();
    }
  };

  /** The scope the string runs in. Without dicts: the caller's (at module level and in a class body
   *  names it binds stay; in a function they go to a throw-away layer over its locals, as CPython's
   *  exec cannot rebind a function's locals). With dicts: scopes made from them, copied back after. */
  const namespaceFor = (scope: Scope, file: SourceFile, globals: Value | undefined, locals: Value | undefined): { runIn: Scope; writeBack: () => void } => {
    const fromDict = (d: DictValue): Map<string, Value> => {
      const vars = new Map<string, Value>();
      for (const e of d.entries.values()) if (e.key.kind === 'str') vars.set(e.key.value, e.value);
      return vars;
    };
    const copyBack = (vars: Map<string, Value>, d: DictValue): void => {
      interp.noteWrite(d);
      for (const [k, v] of vars) dictSet(d, str(k), v);
    };
    if (globals?.kind === 'dict') {
      const g: Scope = { vars: fromDict(globals), parent: null, globals: undefined as unknown as Scope, file };
      (g as { globals: Scope }).globals = g;
      const l: Scope | null = locals?.kind === 'dict' && locals !== globals ? { vars: fromDict(locals), parent: g, globals: g, file } : null;
      return {
        runIn: l ?? g,
        writeBack: () => {
          copyBack(g.vars, globals);
          if (l && locals?.kind === 'dict') copyBack(l.vars, locals);
        },
      };
    }
    if (locals?.kind === 'dict') {
      const l: Scope = { vars: fromDict(locals), parent: null, globals: scope.globals, file };
      return { runIn: l, writeBack: () => copyBack(l.vars, locals) };
    }
    const atTop = scope === scope.globals || scope.isClassBody;
    const runIn: Scope = atTop
      ? { vars: scope.vars, parent: scope.parent, globals: scope.globals, file, isClassBody: scope.isClassBody, globalNames: scope.globalNames }
      : { vars: execLocals(scope), parent: scope, globals: scope.globals, file };
    return { runIn, writeBack: () => undefined };
  };

  /** Names exec binds in a function: kept per call of the function, as CPython 3.11 keeps them in
   *  the frame's locals dict (a later exec and `locals()` see them; the function's code does not). */
  const execBound = new WeakMap<Scope, Map<string, Value>>();
  const execLocals = (scope: Scope): Map<string, Value> => {
    let vars = execBound.get(scope);
    if (!vars) execBound.set(scope, (vars = new Map()));
    return vars;
  };
  const localsOf = (scope: Scope): Map<string, Value> => {
    const extra = scope === scope.globals ? undefined : execBound.get(scope);
    return extra ? new Map([...extra, ...scope.vars]) : scope.vars;
  };

  const snapshot = (vars: Map<string, Value>): DictValue => dict([...vars].map(([k, v]): [Value, Value] => [str(k), v]));

  scoped('exec', (args, scope, site) => run('exec', args, scope, site));
  scoped('eval', (args, scope, site) => run('eval', args, scope, site));
  // Copies: a write into them does not reach the namespace (as `locals()` in CPython; `globals()`
  // writes are rare in model code, and a name they would define is a NameError where used).
  scoped('globals', (_args, scope) => snapshot(scope.globals.vars));
  scoped('locals', (_args, scope) => snapshot(localsOf(scope)));

  // vars() and dir() without an argument read the caller's scope; with one, the object (their
  // own call, which also serves calls through another name).
  for (const name of ['vars', 'dir']) {
    const fn = b.get(name);
    if (fn?.kind !== 'native') continue;
    fn.withScope = (args, scope, site) => {
      if (args.positional.length) return fn.call(args, site);
      return name === 'vars' ? snapshot(localsOf(scope)) : list([...localsOf(scope).keys()].sort().map(str));
    };
  }
}
