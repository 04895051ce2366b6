// The abstract interpreter: executes Python model code over the typed AST with tensors replaced
// by shapes. It never runs user code natively; everything it cannot know becomes Unknown with a
// reason, and a step budget and a recursion limit bound its work.

import type * as ast from './ast';
import { parsePythonIncremental } from './parse';
import type { StatementTable } from './lezer/statementReuse';
import type { Tree } from '@lezer/common';
import { LineIndex } from './lineIndex';
import { COMPILED_LIBRARIES, ModuleResolver, STANDARD_LIBRARY, type ModuleLocation } from './moduleResolver';
import { writeElement } from '../ops/smallValues';
import type { AstCache, LibraryInfo, SearchPathEntry } from '../report';
import { setRequiresGrad } from './paramFlags';
import {
  binaryOnValues, builtSize, formatSpec, MAX_SEQUENCE, orderValues, PyTypeError, valuesEqual,
} from './operators';
import {
  bigOf, bool, dict, dictGet, dictSet, ELLIPSIS, FALSE, float, hashKey, int, intFromBig, isNumber, iterator, list, native,
  moduleMember, newId, peekId, NONE, numberOf, repr, set as makeSet, str, subclassOf, toStr, TRUE, tuple, typeName, unknown,
  type CallArgs, type ClassValue, type FunctionValue, type InstanceValue, type ModuleObjectValue,
  type Scope, type Site, type SourceFile, type Value, type UnknownValue,
} from './values';

/** A Python exception travelling through the interpreter. */
export class PyError extends Error {
  constructor(
    readonly excType: string,
    readonly pyMessage: string,
    readonly exc: Value,
    readonly site: Site | null,
    /** Raised by a `raise` statement in user code (as opposed to an analysis failure). */
    readonly explicit: boolean,
    /** A name read from a partially initialised module (a circular import): Python raises this
     *  too, so the import that led here fails in Python. */
    readonly circularImport = false,
  ) {
    super(`${excType}: ${pyMessage}`);
  }

  /** Raised because ConvLens does not model something (a member of torch it lacks), not because
   *  Python would: code that catches it takes a path PyTorch may not take. */
  limitation = false;
}

/** The analysis ran out of steps or recursion depth: ends the model as Unknown. */
export class AnalysisAborted extends Error {
  constructor(
    message: string,
    readonly site: Site | null,
  ) {
    super(message);
    // Code that cannot import this class (the torch layer) tells it by its name: an abort must
    // end the analysis, never become an operator's "internal error".
    this.name = 'AnalysisAborted';
  }
}

type Completion = undefined | { type: 'return'; value: Value } | { type: 'break' } | { type: 'continue' };
const BREAK: Completion = { type: 'break' };
const CONTINUE: Completion = { type: 'continue' };

export interface DiagnosticSink {
  (severity: 'error' | 'warning' | 'info' | 'hint', code: string, message: string, site: Site | null): void;
}

/** What the torch layer and builtins plug into the interpreter. */
export interface Library {
  /** Native modules by dotted name (`torch`, `torch.nn`, `math`, ...). */
  nativeModule(name: string): ModuleObjectValue | null;
  /** Attribute of a tensor (`x.shape`, `x.view`). */
  tensorAttribute(tensor: Value & { kind: 'tensor' }, name: string, site: Site | null): Value;
  /** Binary operator with a tensor operand. */
  tensorBinary(op: ast.BinaryOperator, left: Value, right: Value, site: Site | null, inplace: boolean): Value;
  tensorUnary(op: '-' | '+' | '~', operand: Value, site: Site | null): Value;
  tensorGetItem(tensor: Value & { kind: 'tensor' }, index: Value, site: Site | null): Value;
  /** Iterating a tensor (`for row in x`). */
  tensorIterate(tensor: Value & { kind: 'tensor' }): Value[];
  /** nn.Module attribute assignment (registers submodules and parameters). */
  moduleSetAttr(self: InstanceValue, name: string, value: Value, site: Site | null): void;
  /** nn.Module attribute fallback (`_parameters`, `_buffers`, `_modules`). */
  moduleGetAttr(self: InstanceValue, name: string): Value | undefined;
  /** Called when a tensor-valued assignment runs inside forward (inlay hints). */
  onAssign?(site: Site, name: string, value: Value): void;
}

/** Statements whose only effect is binding names (their failure binds them to Unknown): classes,
 *  functions, imports, and assignments to plain names (not to items or attributes). */
function bindsNamesOnly(stmt: ast.Stmt): boolean {
  const isName = (t: ast.Expr): boolean => t.kind === 'Name' || ((t.kind === 'Tuple' || t.kind === 'List') && t.elts.every(isName)) || (t.kind === 'Starred' && isName(t.value));
  switch (stmt.kind) {
    case 'FunctionDef':
    case 'ClassDef':
    case 'Import':
    case 'ImportFrom':
      return true;
    case 'Assign':
      return stmt.targets.every(isName);
    case 'AnnAssign':
      return isName(stmt.target);
    default:
      return false;
  }
}

/** Statement kinds whose failure binds their targets to Unknown and execution goes on. */
const TOLERATED = new Set(['Assign', 'AnnAssign', 'AugAssign', 'Expr', 'Return', 'If', 'For', 'While', 'With', 'Assert']);

/** A wall-clock bound besides the step budget: the editor must never wait long on an analysis.
 *  The CLI, which wants complete results of large files, sets its own. */
export const DEFAULT_TIME_LIMIT_MS = 200;

/** Elements of lists, tuples, dicts and sets and characters of strings that the code may build in
 *  one analysis (about 80 MB of references): past it the analysis stops where it happened, long
 *  before V8 would run out of memory. */
export const ALLOCATION_BUDGET = 10_000_000;
/** Elements built per step charged: copying a few hundred references costs about one step's time. */
const ELEMENTS_PER_STEP = 256;
const LARGE_BUILD = 65_536;

export interface InterpreterOptions {
  readFile: (path: string) => string | null;
  /** Why an existing file was not read (AnalyzeOptions.whyNotRead). */
  whyNotRead?: (path: string) => string | null;
  diagnostics: DiagnosticSink;
  stepBudget: number;
  timeLimitMs?: number;
  isCancelled?: () => boolean;
  maxDepth?: number;
  /** Where absolute imports are looked for after the importer's folder (Python's `sys.path`). */
  searchPaths?: SearchPathEntry[];
  isDirectory?: (path: string) => boolean;
  listDirectory?: (path: string) => string[] | null;
  /** The file analysed: never taken from a shared library world (its text is the editor's). */
  analysedFile?: string;
  /** ASTs of library files kept between processes (AnalyzeOptions.astCache). */
  astCache?: AstCache;
}

export class Interpreter {
  steps = 0;
  budget: number;
  private depth = 0;
  private maxDepth: number;
  /** Call sites of the calls now running, outermost first. */
  readonly callSites: (Site | null)[] = [];
  /** Inside a try body: exceptions must propagate to the handlers. */
  private tryDepth = 0;
  readonly builtins = new Map<string, Value>();
  private readonly fileModules = new Map<string, ModuleObjectValue>();
  private readonly loading = new Set<string>();
  lib!: Library;
  readonly exceptionClasses = new Map<string, ClassValue>();
  /** The `object` and `type` classes, installed by builtins. */
  objectClass!: ClassValue;

  private deadline: number;
  resolver: ModuleResolver;

  constructor(public options: InterpreterOptions) {
    this.resolver = new ModuleResolver(options, options.searchPaths ?? []);
    this.budget = options.stepBudget;
    this.deadline = performance.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
    this.maxDepth = options.maxDepth ?? 120;
  }

  // ---------- errors ----------

  /** Raise a Python exception of a builtin type. `cause`: Python raises it too, here because of a
   *  circular import, or only ConvLens does (a `limitation`: something it does not model). */
  raise(excType: string, message: string, site: Site | null = null, cause: 'python' | 'circularImport' | 'limitation' = 'python'): never {
    const cls = this.exceptionClasses.get(excType) ?? this.exceptionClasses.get('Exception');
    const exc: Value = cls
      ? { kind: 'instance', id: newId(), cls, attrs: new Map([['args', tuple([str(message)])]]) }
      : str(message);
    const error = new PyError(excType, message, exc, site ?? this.currentSite(), false, cause === 'circularImport');
    error.limitation = cause === 'limitation';
    throw error;
  }

  currentSite(): Site | null {
    return this.callSites.length ? this.callSites[this.callSites.length - 1]! : null;
  }

  /** One Site object per AST node: sites are made on every evaluation otherwise. */
  site(file: SourceFile, node: ast.Span): Site {
    const cached = (node as SiteCarrier).$site;
    if (cached && cached.file === file) return cached;
    const site: Site = { file, from: node.from, to: node.to };
    (node as SiteCarrier).$site = site;
    return site;
  }

  /** The step count at which the clock and the cancellation hook are looked at next. */
  private nextCheck = 4096;
  /** Elements built so far in this analysis (ALLOCATION_BUDGET). */
  private allocated = 0;

  /**
   * Charges what a builtin or an operator built: steps in proportion to its size (so the clock is
   * read soon after a large copy) and the allocation budget. Small values are not counted.
   */
  noteBuilt(v: Value, site: Site | null): void {
    this.noteBuilding(v.kind === 'list' || v.kind === 'tuple' ? v.items.length : v.kind === 'str' ? v.value.length : v.kind === 'dict' || v.kind === 'set' ? v.entries.size : 0, site);
  }

  /** As noteBuilt, for `n` elements about to be built. */
  noteBuilding(n: number, site: Site | null): void {
    if (n < ELEMENTS_PER_STEP) return;
    this.allocated += n;
    if (this.allocated > ALLOCATION_BUDGET) {
      throw new AnalysisAborted(
        `the analysis stopped here: the code built more than ${ALLOCATION_BUDGET.toLocaleString('en-US')} list, tuple, dict and string elements (ConvLens's memory budget)`,
        site ?? this.currentSite(),
      );
    }
    this.steps += Math.floor(n / ELEMENTS_PER_STEP);
    // Building this much takes long enough that the clock is worth reading every time.
    this.tick(null, null, site, n >= LARGE_BUILD);
  }

  /** `at`: where an abort is reported when there is no node (a call, a builtin's loop);
   *  `readClock`: look at the clock now, not only every few thousand steps. */
  tick(node: ast.Span | null, file: SourceFile | null, at: Site | null = null, readClock = false): void {
    // Calls and module construction add several steps at once, so the periodic check goes by a
    // threshold, not by exact multiples.
    if (++this.steps >= this.nextCheck || readClock) {
      this.nextCheck = this.steps + 4096;
      if (this.options.isCancelled?.()) {
        throw new AnalysisAborted('the analysis was cancelled (a newer version of the file arrived)', null);
      }
      if (this.libraryLoadDepth === 0 && performance.now() > this.deadline) {
        throw new AnalysisAborted(
          `the analysis stopped after ${this.options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS} ms (an endless or very long computation?)`,
          node && file ? this.site(file, node) : at ?? this.currentSite(),
        );
      }
    }
    if (this.steps > this.budget) {
      throw new AnalysisAborted(
        `the analysis stopped after ${this.budget.toLocaleString('en-US')} steps (an endless or very long loop?)`,
        node && file ? this.site(file, node) : at ?? this.currentSite(),
      );
    }
  }

  // ---------- files and imports ----------

  /** Parsed files are shared between analyses (the editor re-analyses on every keystroke and
   *  mostly imports files that did not change). */
  parse(path: string, text: string): ast.PyModule {
    return parsedFile(path, text).module;
  }

  sourceFile(path: string, text: string): SourceFile {
    return parsedFile(path, text).file;
  }

  /** Execute a file as a module. Top-level statements that fail are reported and skipped. */
  runFile(path: string, text: string, moduleName: string, asMain: boolean, tree?: ast.PyModule, into?: ModuleObjectValue): ModuleObjectValue {
    const { file, module: parsedTree } = parsedFile(path, text, this.options.astCache && this.isLibraryFile(path) ? this.options.astCache : undefined);
    const module: ModuleObjectValue = into ?? { kind: 'pymodule', id: newId(), name: moduleName, attrs: new Map(), file };
    module.file = file;
    if (path.endsWith('/__init__.py')) module.packagePath ??= [dirname(path)];
    this.fileModules.set(path, module);
    const scope: Scope = { vars: module.attrs, parent: null, globals: undefined as unknown as Scope, file };
    (scope as { globals: Scope }).globals = scope;
    module.attrs.set('__name__', str(asMain ? '__main__' : moduleName));
    module.attrs.set('__file__', str(path));
    const parsed = tree ?? parsedTree;
    this.initialising.add(module);
    try {
      this.execTolerant(parsed.body, scope);
    } finally {
      this.initialising.delete(module);
    }
    return module;
  }

  /** Modules whose top level is running: partially initialised, as circular imports see them. */
  private readonly initialising = new Set<ModuleObjectValue>();

  /** User files whose import fails in Python because of a circular import (in the file itself or
   *  in a module it imports), with the first failure: path → where and what. */
  private readonly importFailures = new Map<string, { site: Site; message: string }>();

  /** Import statements of the analysed file that fail in Python (see importFailures): each is a
   *  warning on its line and makes the file's models incomplete. */
  failedImports: Site[] = [];

  /** After an import statement of `file` ran module `mod`: a failure in it fails this import too. */
  private afterImport(mod: ModuleObjectValue | null, file: SourceFile, site: Site): void {
    const failure = mod?.file ? this.importFailures.get(mod.file.path) : undefined;
    if (!failure || this.isLibraryFile(file.path)) return;
    if (!this.importFailures.has(file.path)) this.importFailures.set(file.path, failure);
    if (file.path !== this.options.analysedFile || this.failedImports.includes(site)) return;
    this.failedImports.push(site);
    const at = failure.site.file.lines.position(failure.site.from);
    this.options.diagnostics('warning', 'unknown',
      `importing '${mod!.name}' fails in Python: ${failure.message}, raised at ${failure.site.file.path}:${at.line + 1}; the analysis went on past it`, site);
  }

  /** Statements at module or class level: a failing one is reported, the rest still run. */
  private execTolerant(body: ast.Stmt[], scope: Scope): void {
    for (const stmt of body) {
      try {
        this.exec(stmt, scope);
      } catch (e) {
        if (e instanceof PyError) {
          // In a library's top level, a statement that only binds names (a class, a function, an
          // assignment, an import) binds them to Unknown, which counts wherever a model uses it; one
          // run for its effects (a call, a registry update) cannot be followed that way and counts now.
          const inLibrary = this.isLibraryFile(scope.file.path);
          if (inLibrary && !bindsNamesOnly(stmt) && !this.libraryEffectFailures.has(scope.file.path)) {
            this.libraryEffectFailures.set(scope.file.path, this.site(scope.file, stmt));
          }
          this.report(e, scope.file, stmt, !inLibrary);
          this.bindTargetsUnknown(stmt, scope, `${e.excType}: ${e.pyMessage}`);
          if (e.circularImport && !inLibrary && !this.importFailures.has(scope.file.path)) {
            this.importFailures.set(scope.file.path, { site: e.site ?? this.site(scope.file, stmt), message: `${e.excType}: ${e.pyMessage}` });
          }
        } else throw e;
      }
    }
  }

  /** Library files whose top level has a failed statement that does more than bind names (a
   *  call, a registry update): kept with the loaded modules, for every analysis that uses them. */
  readonly libraryEffectFailures = new Map<string, Site>();

  /** Where something that could change a model's numbers was not followed (a statement that failed
   *  and was skipped, a loop or branch on an unknown value, an unknown value stored on a module,
   *  ...), in order: a model built or run while this grew is incomplete, with its warning on the
   *  first of these lines. */
  problems: (Site | null)[] = [];
  get toleratedErrors(): number {
    return this.problems.length;
  }

  /** Something not followed that could change a model's numbers (see `problems`); `hint` says what. */
  noteProblem(site: Site | null, hint?: string): void {
    const at = site ?? this.currentSite();
    this.problems.push(at);
    if (hint) this.options.diagnostics('hint', 'unknown', hint, at);
  }

  private report(e: PyError, file: SourceFile, stmt: ast.Span, counts = true): void {
    const site = e.site ?? this.site(file, stmt);
    if (counts) this.problems.push(site);
    if (e.explicit) this.options.diagnostics('error', 'raise', `raise ${e.excType}: ${e.pyMessage}`, site);
    else this.options.diagnostics('hint', 'unknown', `${e.excType}: ${e.pyMessage}`, site);
  }

  /** Resolve `import a.b` / `from ..x import y` to a module value; null when no file has it. */
  importModule(name: string, level: number, fromFile: SourceFile, site: Site | null, lazy = false): ModuleObjectValue | null {
    if (level === 0) {
      const nativeMod = this.options && this.lib.nativeModule(name);
      if (nativeMod) return nativeMod;
      const top = name.split('.')[0]!;
      // A submodule of a library modelled natively, but not this part of it.
      if (this.lib.nativeModule(top)) return this.opaqueModule(name, `${name} is not modelled`);
      if (COMPILED_LIBRARIES.has(top)) return this.opaqueModule(name, `${top} is a compiled library that ConvLens does not read`);
      if (STANDARD_LIBRARY.has(top)) return this.opaqueModule(name, `${name} (Python's standard library) is not modelled`);
      const chain = this.resolver.resolveAbsolute(name, fromFile.path);
      if (!chain) return null;
      this.resolver.noteLibrary(chain[0]!);
      for (const location of chain) {
        for (const library of (location.file && this.librariesLoadedWith.get(location.file)) || []) this.resolver.addLibrary(library);
      }
      return this.moduleAt(chain[chain.length - 1]!, lazy, chain.slice(0, -1));
    }
    this.loadImportersPackage(level, fromFile);
    const location = this.resolveRelative(name, level, fromFile.path);
    void site;
    return location ? this.moduleAt(location, lazy) : null;
  }

  /** A relative import runs in a package that Python has imported before (its `__init__` and
   *  theirs, outermost first). The analysed file itself was not imported: its package is, here,
   *  found by the folders that hold an `__init__.py`, and imported like any other. */
  private loadImportersPackage(level: number, fromFile: SourceFile): void {
    let dir = dirname(fromFile.path);
    for (let i = 1; i < level; i++) dir = dirname(dir);
    if (this.fileModules.has(joinPath(dir, '__init__.py'))) return;
    const parts: string[] = [];
    for (let d = dir; parts.length < 16 && this.resolver.isFile(joinPath(d, '__init__.py')); d = dirname(d)) {
      parts.unshift(d.slice(dirname(d).length + 1));
      if (dirname(d) === d) break;
    }
    if (!parts.length) return;
    const chain = this.resolver.resolveAbsolute(parts.join('.'), fromFile.path);
    // Only when the name leads back to these very folders (not a package of the same name elsewhere).
    if (!chain || chain[chain.length - 1]!.file !== joinPath(dir, '__init__.py')) return;
    this.moduleAt(chain[chain.length - 1]!, false, chain.slice(0, -1));
  }

  /** `from ..x import y`: the package is found by folders, like the importer's own `__package__`. */
  private resolveRelative(name: string, level: number, fromPath: string): ModuleLocation | null {
    let base = dirname(fromPath);
    for (let i = 1; i < level; i++) base = dirname(base);
    // The importer's package: its own name for a package `__init__`, else the name without its last part.
    const importerName = this.fileModules.get(fromPath)?.name ?? '';
    let packageName = fromPath.endsWith('/__init__.py') ? importerName : importerName.split('.').slice(0, -1).join('.');
    for (let i = 1; i < level; i++) packageName = packageName.split('.').slice(0, -1).join('.');
    let current: ModuleLocation = { name: packageName || base.split('/').pop()!, file: null, packagePath: [base], entry: null };
    const init = joinPath(base, '__init__.py');
    if (this.resolver.isFile(init)) current = { ...current, file: init };
    if (!name) return current;
    for (const part of name.split('.')) {
      const next = this.resolver.findSub(current, part);
      if (!next) return null;
      current = next;
    }
    return current;
  }

  /** The module object for a resolved location: loaded, bound lazily (packages), or a namespace package. */
  private moduleAt(location: ModuleLocation, lazy: boolean, parents: ModuleLocation[] = []): ModuleObjectValue | null {
    if (location.file === null) {
      const key = `namespace:${location.packagePath!.join(':')}`;
      let mod = this.fileModules.get(key);
      if (!mod) {
        mod = { kind: 'pymodule', id: newId(), name: location.name, attrs: new Map(), file: null, packagePath: location.packagePath! };
        mod.attrs.set('__name__', str(location.name));
        this.fileModules.set(key, mod);
      }
      return mod;
    }
    if (lazy && location.packagePath) {
      const mod = this.lazyModule(location.file, location.name);
      mod.packagePath ??= location.packagePath;
      if (parents.length && this.lazy.has(mod)) this.parentsOf.set(mod, parents);
      return mod;
    }
    // Python runs a module's packages before the module (`import a.b.c` runs a, then a.b): their
    // `__init__` may import what the module's own imports need (circular imports resolve in that order).
    for (const parent of parents) this.moduleAt(parent, false);
    const mod = this.loadFile(location.file, location.name);
    if (mod && location.packagePath) mod.packagePath ??= location.packagePath;
    return mod;
  }

  /** The packages of a lazily bound module, run before it when it is first used. */
  private readonly parentsOf = new Map<ModuleObjectValue, ModuleLocation[]>();

  /** Imports that found no file, in files of the user's project: each is a warning and makes every
   *  model of the analysis incomplete (whatever came from them is unknown). */
  missingImports: Site[] = [];

  private reportMissingImport(name: string, level: number, fromFile: SourceFile, site: Site): void {
    const label = '.'.repeat(level) + name;
    const refused = this.resolver.refusalFor(name);
    if (refused) {
      // Found where Python would import it, but not read (only the reason is said, never any of its text).
      const message = `module '${label}' is ${refused.path}, which ConvLens does not read: ${refused.reason}; what comes from it is unknown`;
      if (this.isLibraryFile(fromFile.path)) {
        this.options.diagnostics('hint', 'unknown', message, site);
        return;
      }
      this.missingImports.push(site);
      this.options.diagnostics('warning', 'unknown', message, site);
      return;
    }
    if (this.isLibraryFile(fromFile.path) || level > 0) {
      this.options.diagnostics('hint', 'unknown', `module '${label}' was not found`, site);
      return;
    }
    this.missingImports.push(site);
    const places = this.resolver.searchedFor(name, fromFile.path);
    const shown = places.slice(0, 6).join(', ') + (places.length > 6 ? ` and ${places.length - 6} more` : '');
    this.options.diagnostics(
      'warning',
      'unresolved-import',
      `module '${name}' was not found (looked in ${shown}); what comes from it is unknown. Add its folder with --python-path DIR or the setting convlens.python.extraPaths, or select the Python environment that has it installed`,
      site,
    );
  }

  /** Files of installed libraries: a missing import there concerns the library, not the user. */
  private isLibraryFile(path: string): boolean {
    return this.resolver.isLibraryPath(path);
  }

  opaqueModule(name: string, reason: string): ModuleObjectValue {
    const mod: ModuleObjectValue = { kind: 'pymodule', id: newId(), name, attrs: new Map(), file: null };
    mod.attrs.set('__opaque__', unknown(reason));
    return mod;
  }

  /** `import pkg.mod` binds the module without running package `__init__` files until an
   *  attribute is read: torchvision's `__init__` imports all of torchvision. */
  lazyModule(path: string, moduleName: string): ModuleObjectValue {
    const cached = this.fileModules.get(path);
    if (cached) return cached;
    const mod: ModuleObjectValue = { kind: 'pymodule', id: newId(), name: moduleName, attrs: new Map(), file: null };
    this.lazy.set(mod, path);
    this.fileModules.set(path, mod);
    return mod;
  }

  private readonly lazy = new Map<ModuleObjectValue, string>();

  /** Load a lazily bound module into its own object on first use. */
  force(mod: ModuleObjectValue): void {
    const path = this.lazy.get(mod);
    if (!path) return;
    this.lazy.delete(mod);
    const parents = this.parentsOf.get(mod);
    if (parents) {
      this.parentsOf.delete(mod);
      for (const parent of parents) this.moduleAt(parent, false);
    }
    this.runModuleFile(path, mod.name, mod);
  }

  /** Runs a module's file (outside the clock for a library's), guarded against re-entry by circular imports. */
  private runModuleFile(path: string, moduleName: string, into?: ModuleObjectValue): ModuleObjectValue | null {
    return this.outsideTheClock(path, () => {
      const text = this.resolver.read(path);
      if (text === null) return null;
      this.loading.add(path);
      try {
        return this.runFile(path, text, moduleName, false, undefined, into);
      } finally {
        this.loading.delete(path);
      }
    });
  }

  private libraryLoadDepth = 0;

  /** Reading an installed library (parsing its files, running their top level) does not count
   *  against the wall-clock bound, which is for the user's model: the first analysis that imports
   *  torchvision reads a hundred files. The step budget still bounds it. */
  private outsideTheClock<T>(path: string, load: () => T): T {
    if (this.libraryLoadDepth > 0 || !this.isLibraryFile(path)) return load();
    const started = performance.now();
    const firstId = peekId();
    const librariesBefore = this.resolver.listLibraries().length;
    this.libraryLoadDepth++;
    try {
      return load();
    } catch (e) {
      // Stopped half-way (budget, cancellation): the module is incomplete and cannot be shared.
      this.sharedStateChanged = true;
      throw e;
    } finally {
      this.libraryLoadDepth--;
      this.deadline += performance.now() - started;
      this.sharedIds.push([firstId, peekId()]);
      this.librariesLoadedWith.set(path, this.resolver.listLibraries().slice(librariesBefore));
    }
  }

  /** The libraries a library file's loading went on to read: a later analysis that imports the
   *  already loaded module reads them too, for its report. */
  private readonly librariesLoadedWith = new Map<string, LibraryInfo[]>();

  // ---------- a library world shared between analyses ----------

  /** Ids of the values made while library modules ran their top level: with the modules, they
   *  are what a later analysis reuses (see analyze.ts, `libraryWorld`). */
  private readonly sharedIds: [number, number][] = [];
  /** The model code wrote into a value of a library (a registry, a patched class): the library
   *  state is no longer what its files say, and must not serve another analysis. */
  sharedStateChanged = false;

  /** The first id of this analysis: every value with a smaller one belongs to the world it was
   *  given (builtins, torch, the standard library, libraries and native members earlier analyses
   *  loaded), so writing into it changes shared state. */
  private analysisFirstId = 0;

  /** Shared objects whose writes go to per-analysis state (`os.environ`): not a change of the
   *  shared world. */
  readonly perAnalysisState = new WeakSet<object>();

  noteWrite(obj: Value): void {
    if (this.libraryLoadDepth > 0 || this.sharedStateChanged || !('id' in obj) || this.perAnalysisState.has(obj)) return;
    const id = obj.id;
    if (id < this.analysisFirstId) {
      this.sharedStateChanged = true;
      return;
    }
    // Ranges are recorded in the order ids are handed out: the last one starting at or before `id` decides.
    let lo = 0;
    let hi = this.sharedIds.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sharedIds[mid]![0] <= id) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi >= 0 && id < this.sharedIds[hi]![1]) this.sharedStateChanged = true;
  }

  /** Makes what the world keeps though this analysis asked for it first (a native module's member
   *  made on first use, the standard library's modules): its values count as shared, like those of
   *  a library's top level, so that a write into them in this analysis is noticed too. */
  makeShared<T>(make: () => T): T {
    if (this.libraryLoadDepth > 0) return make();
    const first = peekId();
    try {
      return make();
    } finally {
      if (peekId() > first) this.sharedIds.push([first, peekId()]);
    }
  }

  /** The values made so far (builtins, torch) are the world's: called once they are installed. */
  worldInstalled(): void {
    this.analysisFirstId = peekId();
  }

  /** The library files whose modules are loaded, with the text each was run from. */
  loadedLibraryFiles(): [string, string][] {
    const out: [string, string][] = [];
    for (const [key, mod] of this.fileModules) {
      if (mod.file && key === mod.file.path && this.isLibraryFile(key)) out.push([key, mod.file.text]);
    }
    return out;
  }

  /** Ready for another analysis with the library modules already loaded: the modules of the
   *  user's own files go (they may have changed), as does every per-analysis count. */
  /** The environment variables this analysis's code set (`os.environ[k] = v`): the others are
   *  those of a run the analysis knows nothing of. Per analysis, never in the shared world. */
  readonly environ = new Map<string, Value>();

  beginAnalysis(options: InterpreterOptions): void {
    this.options = options;
    this.environ.clear();
    this.budget = options.stepBudget;
    this.steps = 0;
    this.allocated = 0;
    this.nextCheck = 4096;
    this.depth = 0;
    this.tryDepth = 0;
    this.callSites.length = 0;
    this.frames.length = 0;
    this.yielded.length = 0;
    this.problems = [];
    this.missingImports = [];
    this.failedImports = [];
    this.importFailures.clear();
    this.deadline = performance.now() + (options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS);
    this.maxDepth = options.maxDepth ?? 120;
    this.analysisFirstId = peekId();
    this.resolver = new ModuleResolver(options, options.searchPaths ?? []);
    for (const [key, mod] of [...this.fileModules]) {
      const path = key.startsWith('namespace:') ? key.slice('namespace:'.length).split(':')[0]! : key;
      if (!this.isLibraryFile(path) || key === options.analysedFile) {
        this.fileModules.delete(key);
        this.lazy.delete(mod);
      }
    }
  }

  /** Conditions decided without knowing them (an unknown or a tensor's value: the `else` path). */
  undecidedConditions = 0;

  /** Steps the last side run took. */
  lastSideRunSteps = 0;

  /** Whether a `try` body is running: an error there may be handled by the code. */
  get insideTry(): boolean {
    return this.tryDepth > 0;
  }

  /**
   * Runs `fn` as a side run (a model's forward at another input size): with its own step budget,
   * clock and diagnostics sink, and with every per-analysis count restored afterwards, so the
   * analysis it sits in is charged and reported as if it had not run.
   */
  sideRun<T>(stepBudget: number, timeLimitMs: number, diagnostics: DiagnosticSink, fn: () => T): T {
    const saved = {
      options: this.options, budget: this.budget, steps: this.steps, allocated: this.allocated, nextCheck: this.nextCheck,
      depth: this.depth, tryDepth: this.tryDepth, callSites: this.callSites.length, frames: this.frames.length,
      yielded: this.yielded.length, toleratedErrors: this.toleratedErrors, deadline: this.deadline,
    };
    this.options = { ...this.options, diagnostics, timeLimitMs };
    this.budget = stepBudget;
    this.steps = 0;
    this.allocated = 0;
    this.nextCheck = 4096;
    this.tryDepth = 0;
    const started = performance.now();
    this.deadline = started + timeLimitMs;
    try {
      return fn();
    } finally {
      this.lastSideRunSteps = this.steps;
      this.options = saved.options;
      this.budget = saved.budget;
      this.steps = saved.steps;
      this.allocated = saved.allocated;
      this.nextCheck = saved.nextCheck;
      this.depth = saved.depth;
      this.tryDepth = saved.tryDepth;
      this.callSites.length = saved.callSites;
      this.frames.length = saved.frames;
      this.yielded.length = saved.yielded;
      this.problems.length = saved.toleratedErrors;
      // A side run has its own clock: the analysis's is moved on by the time it took.
      this.deadline = saved.deadline + (performance.now() - started);
    }
  }

  loadFile(path: string, moduleName: string): ModuleObjectValue | null {
    const cached = this.fileModules.get(path);
    if (cached) {
      if (this.lazy.has(cached)) this.force(cached);
      return cached;
    }
    if (this.loading.has(path)) return this.fileModules.get(path) ?? null;
    return this.runModuleFile(path, moduleName);
  }

  /** A submodule of a package (`from . import misc`, `pkg.sub` read as an attribute), if a file or folder has it. */
  submodule(pkg: ModuleObjectValue, name: string, lazy = false): ModuleObjectValue | null {
    const packagePath = pkg.packagePath ?? (pkg.file?.path.endsWith('__init__.py') ? [dirname(pkg.file.path)] : null);
    if (!packagePath) return null;
    const found = this.resolver.findSub({ name: pkg.name, file: null, packagePath, entry: null }, name);
    if (!found) return null;
    const sub = this.moduleAt(found, lazy);
    // Python binds a package's submodule as its attribute once imported.
    if (sub && !pkg.attrs.has(name)) pkg.attrs.set(name, sub);
    return sub;
  }

  // ---------- statements ----------

  execBlock(body: ast.Stmt[], scope: Scope): Completion {
    for (const stmt of body) {
      let c: Completion;
      if (this.tryDepth === 0 && TOLERATED.has(stmt.kind)) {
        try {
          c = this.exec(stmt, scope);
        } catch (e) {
          if (!(e instanceof PyError) || e.explicit) throw e;
          this.report(e, scope.file, stmt);
          this.bindTargetsUnknown(stmt, scope, `${e.excType}: ${e.pyMessage}`);
          if (stmt.kind === 'Return') return { type: 'return', value: unknown(`${e.excType}: ${e.pyMessage}`, this.site(scope.file, stmt)) };
          continue;
        }
      } else {
        c = this.exec(stmt, scope);
      }
      if (c) return c;
    }
    return undefined;
  }

  /** The truth of an `if` / `while` test. An unknown one takes the `else` path (stops the loop),
   *  which is a problem: the other path could have built or run layers. */
  private condition(v: Value, file: SourceFile, test: ast.Expr, what: string): boolean {
    if (v.kind === 'tensor') {
      // A one-element tensor whose number the analysis knows (ops/smallValues.ts) decides.
      const values = (v as { values?: number[] }).values;
      if (values && values.length === 1) return values[0] !== 0;
      this.noteProblem(this.site(file, test), `${what} was not followed: its condition depends on tensor values`);
      return false;
    }
    if (v.kind !== 'unknown') return this.truthy(v);
    this.noteProblem(this.site(file, test), `${what} was not followed: its condition is unknown (${v.reason})`);
    return false;
  }

  private bindTargetsUnknown(stmt: ast.Stmt, scope: Scope, reason: string): void {
    const value = unknown(reason, this.site(scope.file, stmt));
    const bind = (t: ast.Expr): void => {
      try {
        if (t.kind === 'Name') this.setName(t.id, value, scope);
        else if (t.kind === 'Tuple' || t.kind === 'List') t.elts.forEach(bind);
        else if (t.kind === 'Starred') bind(t.value);
        else if (t.kind === 'Attribute') {
          const obj = this.eval(t.obj, scope);
          if (obj.kind === 'instance') this.setAttr(obj, t.attr, value, null);
        }
      } catch {
        // Binding an Unknown is best effort.
      }
    };
    if (stmt.kind === 'Assign') stmt.targets.forEach(bind);
    else if (stmt.kind === 'AnnAssign' || stmt.kind === 'AugAssign') bind(stmt.target);
    else if (stmt.kind === 'FunctionDef' || stmt.kind === 'ClassDef') this.setName(stmt.name, value, scope);
    else if (stmt.kind === 'Import') for (const n of stmt.names) this.setName(n.asname ?? n.name.split('.')[0]!, value, scope);
    else if (stmt.kind === 'ImportFrom' && stmt.names !== '*') for (const n of stmt.names) this.setName(n.asname ?? n.name, value, scope);
  }

  exec(stmt: ast.Stmt, scope: Scope): Completion {
    this.tick(stmt, scope.file);
    switch (stmt.kind) {
      case 'Expr':
        if (stmt.expr.kind === 'Call') this.evalCall(stmt.expr, scope, true);
        else this.eval(stmt.expr, scope);
        return undefined;
      case 'Assign': {
        const value = this.eval(stmt.value, scope);
        for (const target of stmt.targets) this.assign(target, value, scope);
        if (this.lib.onAssign && stmt.targets.length === 1) this.noteAssign(stmt.targets[0]!, value, scope);
        return undefined;
      }
      case 'AnnAssign': {
        if (scope.isClassBody) {
          const ann = scope.vars.get('__annotations__');
          if (ann && ann.kind === 'dict' && stmt.target.kind === 'Name') dictSet(ann, str(stmt.target.id), NONE);
        }
        if (stmt.value) {
          const value = this.eval(stmt.value, scope);
          this.assign(stmt.target, value, scope);
          if (this.lib.onAssign) this.noteAssign(stmt.target, value, scope);
        }
        return undefined;
      }
      case 'AugAssign': {
        const t = stmt.target;
        let current: Value;
        let obj: Value | null = null;
        let index: Value | null = null;
        if (t.kind === 'Name') current = this.lookup(t.id, scope, t);
        else if (t.kind === 'Attribute') {
          obj = this.eval(t.obj, scope);
          current = this.getAttr(obj, t.attr, this.site(scope.file, t));
        } else if (t.kind === 'Subscript') {
          obj = this.eval(t.obj, scope);
          index = this.eval(t.index, scope);
          current = this.getItem(obj, index, this.site(scope.file, t));
        } else this.raise('SyntaxError', 'illegal expression for augmented assignment', this.site(scope.file, t));
        const value = this.eval(stmt.value, scope);
        let stored: Value;
        if (current.kind === 'list' && stmt.op === '+') {
          this.noteWrite(current);
          // list += iterable extends in place (and must not copy: loops build long lists this way).
          const extra = value.kind === 'unknown' ? [value] : this.toArray(value, this.site(scope.file, stmt));
          if (current.items.length + extra.length > MAX_SEQUENCE) this.raise('MemoryError', 'list too long to analyse', this.site(scope.file, stmt));
          for (const x of extra) current.items.push(x);
          stored = current;
        } else {
          stored = this.binary(stmt.op, current, value, this.site(scope.file, stmt), true);
        }
        if (t.kind === 'Name') this.setName(t.id, stored, scope);
        else if (t.kind === 'Attribute') this.setAttr(obj!, t.attr, stored, this.site(scope.file, t));
        else this.setItem(obj!, index!, stored, this.site(scope.file, t));
        if (this.lib.onAssign) this.noteAssign(t, stored, scope);
        return undefined;
      }
      case 'If': {
        const test = this.condition(this.eval(stmt.test, scope), scope.file, stmt.test, 'this branch');
        return this.execBlock(test ? stmt.body : stmt.orelse, scope);
      }
      case 'For':
        return this.execFor(stmt, scope);
      case 'While': {
        for (;;) {
          this.tick(stmt, scope.file);
          if (!this.condition(this.eval(stmt.test, scope), scope.file, stmt.test, 'this loop')) break;
          const c = this.execBlock(stmt.body, scope);
          if (c === BREAK) return undefined;
          if (c && c.type === 'return') return c;
        }
        return this.execBlock(stmt.orelse, scope);
      }
      case 'Return':
        return { type: 'return', value: stmt.value ? this.eval(stmt.value, scope) : NONE };
      case 'Pass':
        return undefined;
      case 'Break':
        return BREAK;
      case 'Continue':
        return CONTINUE;
      case 'FunctionDef': {
        let fn: Value = this.makeFunction(stmt, scope);
        for (let i = stmt.decorators.length - 1; i >= 0; i--) fn = this.applyDecorator(stmt.decorators[i]!, fn, scope);
        this.setName(stmt.name, fn, scope);
        return undefined;
      }
      case 'ClassDef': {
        let cls: Value = this.makeClass(stmt, scope);
        for (let i = stmt.decorators.length - 1; i >= 0; i--) cls = this.applyDecorator(stmt.decorators[i]!, cls, scope);
        this.setName(stmt.name, cls, scope);
        return undefined;
      }
      case 'Import': {
        for (const alias of stmt.names) {
          const site = this.site(scope.file, alias);
          const mod = this.importModule(alias.name, 0, scope.file, site, true);
          if (!mod) {
            this.missingModule(alias.name, 0, scope.file, site);
            this.bindMissingModule(alias, scope);
            continue;
          }
          this.afterImport(mod, scope.file, site);
          if (alias.asname) this.setName(alias.asname, mod, scope);
          else {
            const top = alias.name.split('.')[0]!;
            const topMod = top === alias.name ? mod : this.importModule(top, 0, scope.file, null, true) ?? mod;
            this.setName(top, topMod, scope);
          }
        }
        return undefined;
      }
      case 'ImportFrom':
        this.execImportFrom(stmt, scope);
        return undefined;
      case 'Try':
        return this.execTry(stmt, scope);
      case 'With':
        return this.execWith(stmt, 0, scope);
      case 'Raise': {
        const site = this.site(scope.file, stmt);
        if (!stmt.exc) this.raiseValue(unknown('re-raised exception'), site, true);
        this.raiseValue(this.eval(stmt.exc, scope), site, true);
        return undefined;
      }
      case 'Assert': {
        const test = this.eval(stmt.test, scope);
        if (test.kind !== 'unknown' && test.kind !== 'tensor' && !this.truthy(test)) {
          const msg = stmt.msg ? toStr(this.eval(stmt.msg, scope)) : 'assertion failed';
          throw new PyError('AssertionError', msg, str(msg), this.site(scope.file, stmt), true);
        }
        return undefined;
      }
      case 'Global':
        scope.globalNames ??= new Set();
        for (const n of stmt.names) scope.globalNames.add(n);
        return undefined;
      case 'Nonlocal':
        scope.nonlocalNames ??= new Set();
        for (const n of stmt.names) scope.nonlocalNames.add(n);
        return undefined;
      case 'Del':
        for (const t of stmt.targets) {
          if (t.kind === 'Name') scope.vars.delete(t.id);
          else if (t.kind === 'Subscript') {
            const obj = this.eval(t.obj, scope);
            const idx = this.eval(t.index, scope);
            this.noteWrite(obj);
            if (obj.kind === 'dict') obj.entries.delete(hashKey(idx));
            else if (obj.kind === 'list' && idx.kind === 'int') obj.items.splice(idx.value < 0 ? obj.items.length + idx.value : idx.value, 1);
            else if (obj.kind === 'instance' && obj.module && idx.kind !== 'unknown') this.callMethod(obj, '__delitem__', [idx], null);
          } else if (t.kind === 'Attribute') {
            const obj = this.eval(t.obj, scope);
            this.noteWrite(obj);
            if (obj.kind === 'instance') {
              obj.attrs.delete(t.attr);
              obj.module?.modules.delete(t.attr);
              obj.module?.parameters.delete(t.attr);
            }
          }
        }
        return undefined;
      case 'ErrorStmt':
        return undefined;
    }
  }

  /** `with a as x, b as y:` is `with a as x: with b as y:`. */
  private execWith(stmt: ast.WithStmt, i: number, scope: Scope): Completion {
    if (i === stmt.items.length) return this.execBlock(stmt.body, scope);
    const item = stmt.items[i]!;
    const ctx = this.eval(item.expr, scope);
    const gen = ctx.kind === 'instance' ? this.generatorContexts.get(ctx) : undefined;
    if (gen) {
      return this.withGenerator(gen, (v) => {
        if (item.target) this.assign(item.target, v, scope);
        return this.execWith(stmt, i + 1, scope);
      }, this.site(scope.file, item.expr));
    }
    let entered: Value = ctx;
    if (ctx.kind === 'instance') {
      const enter = this.lookupClassAttr(ctx.cls, '__enter__');
      if (enter) entered = this.call(this.bindIfMethod(enter, ctx), { positional: [], keywords: NO_KEYWORDS }, null);
    }
    if (item.target) this.assign(item.target, entered, scope);
    return this.execWith(stmt, i + 1, scope);
  }

  /** Inside `try`, Python's ModuleNotFoundError (an `except ImportError:` fallback handles it);
   *  elsewhere a diagnostic, and the names it binds are unknown. */
  private missingModule(name: string, level: number, fromFile: SourceFile, site: Site): void {
    if (this.tryDepth > 0) this.raise('ModuleNotFoundError', `No module named '${'.'.repeat(level)}${name}'`, site);
    this.reportMissingImport(name, level, fromFile, site);
  }

  private bindMissingModule(alias: ast.ImportAlias, scope: Scope): void {
    const name = alias.asname ?? alias.name.split('.')[0]!;
    this.setName(name, this.opaqueModule(alias.name, `module '${alias.name}' is not available to the analysis`), scope);
  }

  private execImportFrom(stmt: ast.ImportFromStmt, scope: Scope): void {
    const site = this.site(scope.file, stmt);
    const mod = this.importModule(stmt.module ?? '', stmt.level, scope.file, site, true);
    const label = '.'.repeat(stmt.level) + (stmt.module ?? '');
    if (!mod) this.missingModule(stmt.module ?? '', stmt.level, scope.file, site);
    if (stmt.names === '*') {
      if (!mod) return;
      this.force(mod);
      const all = mod.attrs.get('__all__');
      const names = all && (all.kind === 'list' || all.kind === 'tuple')
        ? all.items.filter((i) => i.kind === 'str').map((i) => (i as { value: string }).value)
        : [...mod.attrs.keys()].filter((k) => !k.startsWith('_'));
      for (const n of names) {
        const v = mod.attrs.get(n);
        if (v) this.setName(n, v, scope);
      }
      return;
    }
    for (const alias of stmt.names) {
      const target = alias.asname ?? alias.name;
      if (!mod) {
        this.setName(target, unknown(`module '${label}' is not available to the analysis`, site), scope);
        continue;
      }
      // Python runs the package's `__init__`, then takes the name, else the submodule of that name.
      this.force(mod);
      let value: Value | undefined = moduleMember(mod, alias.name);
      if (value === undefined) {
        const sub = this.submodule(mod, alias.name) ?? (mod.file === null ? this.lib.nativeModule(`${mod.name}.${alias.name}`) : null);
        if (sub) value = sub;
      }
      if (value === undefined && ((mod.file === null && !mod.packagePath) || mod.attrs.has('__opaque__'))) {
        // A part of torch (or another library) the analysis does not model.
        value = unknown(`${mod.name}.${alias.name} is not modelled`, site);
      }
      if (value === undefined && this.initialising.has(mod)) {
        this.raise('ImportError', `cannot import name '${alias.name}' from partially initialized module '${mod.name}' (most likely due to a circular import) (${mod.file?.path ?? label})`, site, 'circularImport');
      }
      if (value === undefined) {
        this.options.diagnostics('hint', 'unknown', `cannot import name '${alias.name}' from '${label}'`, site);
        value = unknown(`cannot import name '${alias.name}' from '${label}'`, site);
      }
      this.setName(target, value, scope);
      if (value.kind === 'pymodule') this.afterImport(value, scope.file, site);
    }
    this.afterImport(mod, scope.file, site);
  }

  private execFor(stmt: ast.ForStmt, scope: Scope): Completion {
    const iterable = this.eval(stmt.iter, scope);
    if (iterable.kind === 'unknown') {
      // The body did not run: what it would have built or computed is missing, never zero.
      this.assign(stmt.target, unknown(`iterating ${iterable.reason}`), scope);
      this.noteProblem(this.site(scope.file, stmt.iter), `this loop was not followed: what it iterates is unknown (${iterable.reason})`);
      return undefined;
    }
    for (const item of this.iterate(iterable, this.site(scope.file, stmt.iter))) {
      this.tick(stmt, scope.file);
      this.assign(stmt.target, item, scope);
      const c = this.execBlock(stmt.body, scope);
      if (c === BREAK) return undefined;
      if (c && c.type === 'return') return c;
    }
    return this.execBlock(stmt.orelse, scope);
  }

  private execTry(stmt: ast.TryStmt, scope: Scope): Completion {
    let completion: Completion;
    this.tryDepth++;
    try {
      completion = this.execBlock(stmt.body, scope);
    } catch (e) {
      this.tryDepth--;
      if (!(e instanceof PyError)) throw e;
      const handler = stmt.handlers.find((h) => !h.type || this.exceptionMatches(e, this.eval(h.type, scope)));
      if (!handler) {
        if (stmt.finalbody.length) this.execBlock(stmt.finalbody, scope);
        throw e;
      }
      // The handler runs, as it would in Python, but what led here may not happen there.
      if (e.limitation) this.noteProblem(e.site ?? this.site(scope.file, stmt), `${e.excType}: ${e.pyMessage} (ConvLens does not model it), so this except clause ran where PyTorch may run the try body`);
      if (handler.name) this.setName(handler.name, e.exc, scope);
      const c = this.execBlock(handler.body, scope);
      const f = this.execBlock(stmt.finalbody, scope);
      return f ?? c;
    }
    this.tryDepth--;
    if (!completion) completion = this.execBlock(stmt.orelse, scope);
    const f = this.execBlock(stmt.finalbody, scope);
    return f ?? completion;
  }

  private exceptionMatches(e: PyError, type: Value): boolean {
    if (type.kind === 'tuple') return type.items.some((t) => this.exceptionMatches(e, t));
    if (type.kind !== 'class') return type.kind === 'unknown';
    if (e.exc.kind === 'instance') return e.exc.cls.mro.includes(type);
    return type.name === e.excType || type.name === 'Exception' || type.name === 'BaseException';
  }

  raiseValue(v: Value, site: Site | null, explicit: boolean): never {
    if (v.kind === 'class') {
      v = this.call(v, { positional: [], keywords: NO_KEYWORDS }, site);
    }
    if (v.kind === 'instance') {
      const args = v.attrs.get('args');
      const msg = args && args.kind === 'tuple' && args.items.length ? args.items.map(toStr).join(', ') : '';
      throw new PyError(v.cls.name, msg, v, site, explicit);
    }
    throw new PyError('Exception', v.kind === 'unknown' ? v.reason : toStr(v), v, site, explicit);
  }

  private noteAssign(target: ast.Expr, value: Value, scope: Scope): void {
    if (target.kind === 'Name' || target.kind === 'Attribute') {
      // An attribute target's text is made once per AST node: `self.x = ...` runs for every module built.
      const name = target.kind === 'Name' ? target.id : ((target as AssignNameCarrier).$name ??= `${exprText(target.obj)}.${target.attr}`);
      this.lib.onAssign!(this.site(scope.file, target), name, value);
    } else if (target.kind === 'Tuple' && value.kind === 'tuple' && value.items.length === target.elts.length) {
      // A loop: a callback here would make every call allocate a context (it reads the parameters).
      for (let i = 0; i < target.elts.length; i++) this.noteAssign(target.elts[i]!, value.items[i]!, scope);
    }
  }

  // ---------- names ----------

  lookup(name: string, scope: Scope, node: ast.Span): Value {
    let s: Scope | null = scope;
    let first = true;
    while (s) {
      if (first || !s.isClassBody) {
        const v = s.vars.get(name);
        if (v !== undefined) return v;
      }
      first = false;
      s = s.parent;
    }
    const g = scope.globals.vars.get(name);
    if (g !== undefined) return g;
    const b = this.builtins.get(name);
    if (b !== undefined) return b;
    this.raise('NameError', `name '${name}' is not defined`, this.site(scope.file, node));
  }

  setName(name: string, value: Value, scope: Scope): void {
    if (scope.globalNames?.has(name)) {
      if (this.libraryLoadDepth === 0 && this.isLibraryFile(scope.file.path)) this.sharedStateChanged = true;
      scope.globals.vars.set(name, value);
      return;
    }
    if (scope.nonlocalNames?.has(name)) {
      if (this.libraryLoadDepth === 0 && this.isLibraryFile(scope.file.path)) this.sharedStateChanged = true;
      let s = scope.parent;
      while (s && s !== s.globals) {
        if (s.vars.has(name)) {
          s.vars.set(name, value);
          return;
        }
        s = s.parent;
      }
    }
    scope.vars.set(name, value);
  }

  assign(target: ast.Expr, value: Value, scope: Scope): void {
    switch (target.kind) {
      case 'Name':
        this.setName(target.id, value, scope);
        return;
      case 'Tuple':
      case 'List': {
        // Loops, not callbacks: a closure that reads `scope` would make every call of assign
        // allocate a context for it (V8 allocates it on entry), whatever the target.
        let starIndex = -1;
        for (let i = 0; i < target.elts.length; i++) {
          if (target.elts[i]!.kind === 'Starred') {
            starIndex = i;
            break;
          }
        }
        if (value.kind === 'unknown' || value.kind === 'tensor' && value.shape.length === 0) {
          for (const e of target.elts) this.assign(e.kind === 'Starred' ? e.value : e, value.kind === 'unknown' ? value : unknown('unpacking a scalar tensor'), scope);
          return;
        }
        const items = [...this.iterate(value, this.site(scope.file, target))];
        if (starIndex < 0) {
          if (items.length !== target.elts.length) {
            this.raise('ValueError', `expected ${target.elts.length} values to unpack, got ${items.length}`, this.site(scope.file, target));
          }
          for (let i = 0; i < target.elts.length; i++) this.assign(target.elts[i]!, items[i]!, scope);
          return;
        }
        const after = target.elts.length - starIndex - 1;
        if (items.length < target.elts.length - 1) this.raise('ValueError', `not enough values to unpack`, this.site(scope.file, target));
        for (let i = 0; i < starIndex; i++) this.assign(target.elts[i]!, items[i]!, scope);
        this.assign((target.elts[starIndex] as ast.StarredExpr).value, list(items.slice(starIndex, items.length - after)), scope);
        for (let i = 0; i < after; i++) this.assign(target.elts[starIndex + 1 + i]!, items[items.length - after + i]!, scope);
        return;
      }
      case 'Attribute':
        this.setAttr(this.eval(target.obj, scope), target.attr, value, this.site(scope.file, target));
        return;
      case 'Subscript':
        this.setItem(this.eval(target.obj, scope), this.eval(target.index, scope), value, this.site(scope.file, target));
        return;
      case 'Starred':
        this.assign(target.value, value, scope);
        return;
      default:
        this.raise('SyntaxError', `cannot assign to ${target.kind}`, this.site(scope.file, target));
    }
  }

  // ---------- functions and classes ----------

  makeFunction(node: ast.FunctionDef | ast.LambdaExpr, scope: Scope): FunctionValue {
    const defaults = new Map<string, Value>();
    for (const p of node.params) if (p.default) defaults.set(p.name, this.defaultValue(p.default, scope));
    let closure = scope;
    while (closure.isClassBody && closure.parent) closure = closure.parent;
    const name = node.kind === 'FunctionDef' ? node.name : '<lambda>';
    const owner = scope.isClassBody ? scope.vars.get('__qualname__') : undefined;
    return {
      kind: 'function',
      id: newId(),
      name,
      qualname: owner && owner.kind === 'str' ? `${owner.value}.${name}` : name,
      node,
      params: node.params,
      defaults,
      closure,
      file: scope.file,
      attrs: new Map(),
    };
  }

  /** A parameter's default, evaluated once where the function is defined. One that fails (an
   *  object the analysis does not model, `criterion=nn.SomeLoss()`) is Unknown where it is used,
   *  instead of losing the function, and with it the class. */
  private defaultValue(expr: ast.Expr, scope: Scope): Value {
    try {
      return this.eval(expr, scope);
    } catch (e) {
      if (!(e instanceof PyError) || e.explicit) throw e;
      const site = e.site ?? this.site(scope.file, expr);
      this.options.diagnostics('hint', 'unknown', `${e.excType}: ${e.pyMessage} (a default argument; it is unknown where used)`, site);
      return unknown(`the default argument failed: ${e.excType}: ${e.pyMessage}`, site);
    }
  }

  private applyDecorator(expr: ast.Expr, target: Value, scope: Scope): Value {
    let decorator: Value;
    try {
      decorator = this.eval(expr, scope);
    } catch (e) {
      if (e instanceof PyError) return target;
      throw e;
    }
    if (decorator.kind === 'unknown' || decorator.kind === 'pymodule') return target;
    try {
      const result = this.call(decorator, { positional: [target], keywords: NO_KEYWORDS }, this.site(scope.file, expr));
      // Decorators the analysis cannot follow are transparent.
      return result.kind === 'unknown' || result.kind === 'none' ? target : result;
    } catch (e) {
      // A decorator that fails under analysis (signature introspection, registries) is
      // treated as transparent: the function itself is what the model code calls.
      if (e instanceof PyError) return target;
      throw e;
    }
  }

  private makeClass(node: ast.ClassDef, scope: Scope): ClassValue {
    const bases: ClassValue[] = [];
    const classKeywords = new Map<string, Value>();
    for (const b of node.bases) {
      if (b.kind === 'kw' && b.name) classKeywords.set(b.name, this.eval(b.value, scope));
      if (b.kind !== 'pos') continue;
      const v = this.eval(b.value, scope);
      if (v.kind === 'class') bases.push(v);
      // Unknown bases are dropped: the class still works as far as its own body goes.
    }
    const outerQual = scope.isClassBody ? scope.vars.get('__qualname__') : undefined;
    const qualname = outerQual && outerQual.kind === 'str' ? `${outerQual.value}.${node.name}` : node.name;
    const modName = scope.globals.vars.get('__name__');
    const classScope: Scope = {
      vars: new Map<string, Value>([
        ['__qualname__', str(qualname)],
        ['__module__', modName ?? str('__main__')],
        ['__annotations__', dict()],
      ]),
      parent: scope,
      globals: scope.globals,
      file: scope.file,
      isClassBody: true,
    };
    this.execTolerant(node.body, classScope);
    const cls: ClassValue = {
      kind: 'class',
      id: newId(),
      name: node.name,
      qualname,
      bases: bases.length ? bases : [this.objectClass],
      mro: [],
      attrs: classScope.vars,
      moduleName: modName && modName.kind === 'str' ? modName.value : '__main__',
      site: this.site(scope.file, node),
    };
    cls.mro = computeMro(cls);
    for (const v of cls.attrs.values()) {
      const f = v.kind === 'function' ? v : (v.kind === 'staticmethod' || v.kind === 'classmethod') ? v.func
        : v.kind === 'property' ? v.getter : null;
      if (f && f.kind === 'function' && !f.ownerClass) f.ownerClass = cls;
      if (v.kind === 'property' && v.setter?.kind === 'function' && !v.setter.ownerClass) v.setter.ownerClass = cls;
    }
    const inherited = cls.mro.find((c) => c !== cls && (c.construct || c.isException || c.instanceCheck));
    if (inherited?.isException) cls.isException = true;
    this.classCreated(cls, classKeywords, this.site(scope.file, node));
    return cls;
  }

  /** After a class statement: `metaclass=` is remembered (inherited through `__metaclass__`), the
   *  metaclass's `__init__` runs on the new class (EnumMeta makes the members there), then the
   *  parent's `__init_subclass__` with the class keywords. */
  private classCreated(cls: ClassValue, keywords: Map<string, Value>, site: Site): void {
    const meta = keywords.get('metaclass');
    keywords.delete('metaclass');
    if (meta?.kind === 'class') cls.attrs.set('__metaclass__', meta);
    const metaclass = this.metaclassOf(cls);
    const metaInit = metaclass ? this.lookupClassAttr(metaclass, '__init__') : undefined;
    if (metaclass && metaInit && metaInit !== this.objectClass.attrs.get('__init__')) {
      const ns = dict([...cls.attrs].map(([k, v]) => [str(k), v]));
      this.call(this.bindIfMethod(metaInit, cls), { positional: [str(cls.name), tuple(cls.bases), ns], keywords: NO_KEYWORDS }, site);
    }
    const hook = cls.mro.slice(1).map((c) => c.attrs.get('__init_subclass__')).find((v) => v !== undefined);
    if (hook) {
      const func = hook.kind === 'classmethod' ? hook.func : hook;
      this.call(func, { positional: [cls], keywords }, site);
    }
  }

  /** The class's metaclass when it is not `type`. */
  metaclassOf(cls: ClassValue): ClassValue | null {
    const meta = this.lookupClassAttr(cls, '__metaclass__');
    return meta?.kind === 'class' ? meta : null;
  }

  /** An attribute of a class found on its metaclass (`Enum.__getitem__`, `StrEnumMeta.from_str`), bound to the class. */
  metaclassAttr(cls: ClassValue, name: string, site: Site | null): Value | undefined {
    const meta = this.metaclassOf(cls);
    const v = meta ? this.lookupClassAttr(meta, name) : undefined;
    if (v === undefined) return undefined;
    if (v.kind === 'property') return this.call(v.getter, { positional: [cls], keywords: NO_KEYWORDS }, site);
    if (v.kind === 'staticmethod') return v.func;
    if (v.kind === 'classmethod') return { kind: 'method', self: meta!, func: v.func };
    return this.bindIfMethod(v, cls);
  }

  lookupClassAttr(cls: ClassValue, name: string): Value | undefined {
    for (const c of cls.mro) {
      const v = c.attrs.get(name);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  private bindIfMethod(v: Value, self: Value): Value {
    if (v.kind === 'function' || (v.kind === 'native' && v.bindsSelf)) return { kind: 'method', self, func: v };
    return v;
  }

  /** Call `obj.name(*args)` if the class defines it. */
  callMethod(obj: Value, name: string, args: Value[], site: Site | null): Value {
    return this.call(this.getAttr(obj, name, site), { positional: args, keywords: NO_KEYWORDS }, site);
  }

  call(fn: Value, args: CallArgs, site: Site | null): Value {
    // Calls cost more than statements (module construction, ops): they count several steps.
    this.steps += 4;
    this.tick(null, null, site);
    switch (fn.kind) {
      case 'function':
        return this.callFunction(fn, args, site);
      case 'native': {
        const built = fn.call(args, site);
        this.noteBuilt(built, site);
        return built;
      }
      case 'method':
        return this.callWithSelf(fn.func, fn.self, args, site);
      case 'class': {
        // A native metaclass `__call__` (EnumMeta: `Color(1)` is a lookup, not a new object).
        const metaCall = this.metaclassOf(fn) ? this.metaclassAttr(fn, '__call__', site) : undefined;
        if (metaCall && metaCall.kind === 'method' && metaCall.func.kind === 'native') return this.call(metaCall, args, site);
        return this.instantiate(fn, args, site);
      }
      case 'instance': {
        const callMethod = this.lookupClassAttr(fn.cls, '__call__');
        if (!callMethod) this.raise('TypeError', `'${fn.cls.name}' object is not callable`, site);
        return this.callMethodOf(callMethod, fn, args, site);
      }
      case 'staticmethod':
        return this.call(fn.func, args, site);
      case 'classmethod':
        return this.call(fn.func, args, site);
      case 'unknown':
        return unknown(fn.reason, fn.site ?? site);
      default:
        this.raise('TypeError', `'${typeName(fn)}' object is not callable`, site);
    }
  }

  /** Calls `func` with `self` before `args` (a bound method's function), charged as `call` charges
   *  it; a native that takes `self` apart gets it so, without a new argument array. */
  private callWithSelf(func: Value, self: Value, args: CallArgs, site: Site | null): Value {
    if (func.kind === 'native' && func.callWithSelf) {
      this.steps += 4;
      this.tick(null, null, site);
      const built = func.callWithSelf(self, args, site);
      this.noteBuilt(built, site);
      return built;
    }
    return this.call(func, { positional: [self, ...args.positional], keywords: args.keywords }, site);
  }

  /** `self.name(*args)` where `method` is what the class holds for `name`: as `call` of the bound
   *  method, without making one. */
  callMethodOf(method: Value, self: Value, args: CallArgs, site: Site | null): Value {
    if (method.kind === 'function' || (method.kind === 'native' && method.bindsSelf)) return this.callAsMethod(method, self, args, site);
    return this.call(method, args, site);
  }

  /** `call({ kind: 'method', self, func }, args, site)`, without making the method. */
  callAsMethod(func: Value, self: Value, args: CallArgs, site: Site | null): Value {
    this.steps += 4;
    this.tick(null, null, site);
    return this.callWithSelf(func, self, args, site);
  }

  instantiate(cls: ClassValue, args: CallArgs, site: Site | null): Value {
    const ctor = cls.mro.find((c) => c.construct);
    const userInit = cls.mro.find((c) => c.attrs.has('__init__'));
    const userNew = cls.mro.find((c) => c.attrs.has('__new__') && !c.construct);
    const ownNew = userNew && userNew.attrs.get('__new__')!.kind !== 'native' && (!ctor || cls.mro.indexOf(userNew) < cls.mro.indexOf(ctor));
    if (ctor && !ownNew && (!userInit || cls.mro.indexOf(ctor) <= cls.mro.indexOf(userInit))) {
      // Builtin types (int, list, tuple, namedtuple classes ...) build the value themselves.
      const built = ctor.construct!({ positional: args.positional, keywords: args.keywords, cls } as CallArgs & { cls: ClassValue }, site);
      this.noteBuilt(built, site);
      return built;
    }
    if (ownNew) {
      const made = this.call(userNew.attrs.get('__new__')!, { positional: [cls, ...args.positional], keywords: args.keywords }, site);
      if (made.kind !== 'instance' || made.cls !== cls) return made;
      // `__new__` made the object (`super().__new__(cls)`): `__init__` runs on that one.
      const init = this.lookupClassAttr(cls, '__init__');
      if (init) this.call(this.bindIfMethod(init, made), args, site);
      return made;
    }
    if (ctor && userInit) {
      // A subclass of list or dict with its own `__init__` (`class Info(list)`): the object is a
      // list/dict carrying the class; `super().__init__(...)` fills it (list.__init__, dict.__init__).
      const container = this.builtinContainerOf(ctor);
      if (container) {
        const self: Value = container === 'list' ? { kind: 'list', id: newId(), items: [], cls } : dict([], cls);
        this.call(this.bindIfMethod(userInit.attrs.get('__init__')!, self), args, site);
        return self;
      }
    }
    const instance: InstanceValue = { kind: 'instance', id: newId(), cls, attrs: new Map() };
    const init = this.lookupClassAttr(cls, '__init__');
    const before = this.problems.length;
    if (init) this.callMethodOf(init, instance, args, site);
    if (this.problems.length > before) instance.problemsWhileBuilt = [before, this.problems.length];
    return instance;
  }

  /** `object.__new__(cls)`: an instance whose `__init__` has not run. */
  instantiateBare(cls: ClassValue, site: Site | null): Value {
    const ctor = cls.mro.find((c) => c.construct);
    if (ctor) return ctor.construct!({ positional: [], keywords: NO_KEYWORDS, cls } as CallArgs & { cls: ClassValue }, site);
    return { kind: 'instance', id: newId(), cls, attrs: new Map() };
  }

  /** Which builtin container a builtin class makes ('list' for list, 'dict' for dict, OrderedDict ...). */
  private builtinContainerOf(ctor: ClassValue): 'list' | 'dict' | null {
    if (ctor.mro.includes(this.builtins.get('list') as ClassValue)) return 'list';
    if (ctor.mro.includes(this.builtins.get('dict') as ClassValue)) return 'dict';
    return null;
  }

  /** An attribute found on the class of a value of a builtin-subclass type, bound to the value. */
  private classAttrFor(v: Value, obj: Value, site: Site | null): Value {
    if (v.kind === 'classmethod') return { kind: 'method', self: this.typeOf(obj), func: v.func };
    if (v.kind === 'staticmethod') return v.func;
    if (v.kind === 'property') return this.call(v.getter, { positional: [obj], keywords: NO_KEYWORDS }, site);
    return this.bindIfMethod(v, obj);
  }

  callFunction(fn: FunctionValue, args: CallArgs, site: Site | null, yieldHook?: (v: Value) => Value): Value {
    if (this.depth >= this.maxDepth) {
      throw new AnalysisAborted(`recursion deeper than ${this.maxDepth} calls in ${fn.qualname}`, site);
    }
    const vars = this.bindArguments(fn.name, fn.params, fn.defaults, args, site);
    const scope: Scope = { vars, parent: fn.closure, globals: fn.closure.globals, file: fn.file };
    this.depth++;
    this.callSites.push(site);
    this.frames.push({ fn, vars });
    try {
      if (fn.node.kind === 'Lambda') return this.eval(fn.node.body, scope);
      if (isGenerator(fn.node, fn.file.text)) return this.runGenerator(fn, scope, yieldHook);
      const c = this.execBlock(fn.node.body, scope);
      return c && c.type === 'return' ? c.value : NONE;
    } finally {
      this.depth--;
      this.callSites.pop();
      this.frames.pop();
    }
  }

  private readonly frames: { fn: FunctionValue; vars: Map<string, Value> }[] = [];

  /** What the generators now running have yielded, innermost last; `hook` is set for a
   *  generator that a `with` statement drives (@contextmanager). */
  private readonly yielded: { items: Value[]; hook?: (v: Value) => Value }[] = [];

  /** A generator runs to its end when called, its yields collected: the iterator over them is what
   *  the caller gets. Model code consumes its generators whole (`for w in widths(n)`, `list(...)`);
   *  a value sent back into `yield` is None, and one that never ends meets the step budget.
   *  With a hook (a @contextmanager in a `with`), each `yield` calls it: the `with` body runs at
   *  the yield, and the code after the yield runs after the body, as in Python. */
  private runGenerator(fn: FunctionValue, scope: Scope, hook?: (v: Value) => Value): Value {
    const items: Value[] = [];
    this.yielded.push({ items, hook });
    try {
      this.execBlock(fn.node.kind === 'Lambda' ? [] : fn.node.body, scope);
    } finally {
      this.yielded.pop();
    }
    return iterator(items);
  }

  private evalYield(e: ast.YieldExpr, scope: Scope): Value {
    const top = this.yielded[this.yielded.length - 1];
    const site = this.site(scope.file, e);
    if (!top) this.raise('SyntaxError', "'yield' outside function", site);
    const into = top.items;
    const value = e.value ? this.eval(e.value, scope) : NONE;
    if (!e.delegates) {
      if (top.hook) return top.hook(value);
      into.push(value);
    } else if (value.kind === 'unknown') {
      this.raise('TypeError', `yield from ${value.reason}`, site);
    } else {
      for (const item of this.iterate(value, site)) {
        if (top.hook) top.hook(item);
        else into.push(item);
      }
    }
    if (into.length > MAX_SEQUENCE) this.raise('MemoryError', `a generator yielded more than ${MAX_SEQUENCE.toLocaleString('en-US')} values`, site);
    return NONE;
  }

  /** The generator functions behind the objects `@contextmanager` functions return. */
  readonly generatorContexts = new WeakMap<Value, { fn: Value; args: CallArgs }>();

  /** `with cm(...) as x:` for a @contextmanager `cm`: the generator runs until its first yield, the
   *  body runs there with the yielded value, then the rest of the generator (its `finally`). The
   *  body runs with the caller's frames, as if the generator were suspended. */
  private withGenerator(gen: { fn: Value; args: CallArgs }, body: (v: Value) => Completion, site: Site | null): Completion {
    const base = { frames: this.frames.length, yielded: this.yielded.length, callSites: this.callSites.length, tryDepth: this.tryDepth };
    let entered = false;
    let completion: Completion;
    const hook = (v: Value): Value => {
      if (entered) this.raise('RuntimeError', "generator didn't stop", site);
      entered = true;
      const frames = this.frames.splice(base.frames);
      const yielded = this.yielded.splice(base.yielded);
      const callSites = this.callSites.splice(base.callSites);
      const tryDepth = this.tryDepth;
      this.tryDepth = base.tryDepth;
      try {
        completion = body(v);
      } finally {
        this.frames.push(...frames);
        this.yielded.push(...yielded);
        this.callSites.push(...callSites);
        this.tryDepth = tryDepth;
      }
      return NONE;
    };
    let fn = gen.fn;
    let positional = gen.args.positional;
    if (fn.kind === 'method') {
      positional = [fn.self, ...positional];
      fn = fn.func;
    }
    if (fn.kind === 'function' && fn.node.kind === 'FunctionDef' && isGenerator(fn.node, fn.file.text)) {
      this.callFunction(fn, { positional, keywords: gen.args.keywords }, site, hook);
    } else {
      const first = this.toArray(this.call(fn, { positional, keywords: gen.args.keywords }, site), site)[0];
      if (first) hook(first);
    }
    if (!entered) this.raise('RuntimeError', "generator didn't yield", site);
    return completion;
  }

  /** For zero-argument `super()`: the defining class of the running method and its first argument. */
  currentFrame(): { cls: ClassValue; self: Value } | null {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (!f.fn.ownerClass) continue;
      const first = f.fn.params[0];
      const self = first ? f.vars.get(first.name) : undefined;
      return self ? { cls: f.fn.ownerClass, self } : null;
    }
    return null;
  }

  /** Python's argument binding: positional, keywords, defaults, *args, **kwargs, kw-only. */
  bindArguments(fname: string, params: ast.Param[], defaults: Map<string, Value>, args: CallArgs, site: Site | null): Map<string, Value> {
    // Runs for every call: plain loops, no closures, and the keyword pass only when there are
    // keywords. Insertion order is Python's (positional, *args, keywords, defaults): op arguments
    // and layer attributes are read back in it.
    const vars = new Map<string, Value>();
    let pi = 0;
    const positional = args.positional;
    let varargs: ast.Param | null = null;
    let varkw: ast.Param | null = null;
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (p.kind === 'varargs') varargs = p;
      else if (p.kind === 'varkw') varkw = p;
      else if ((p.kind === 'posonly' || p.kind === 'normal') && pi < positional.length) vars.set(p.name, positional[pi++]!);
    }
    if (pi < positional.length) {
      if (!varargs) {
        const n = params.filter((p) => p.kind === 'posonly' || p.kind === 'normal').length;
        this.raise('TypeError', `${fname}() takes ${n} positional argument${n === 1 ? '' : 's'} but ${positional.length} were given`, site);
      }
    }
    if (varargs) vars.set(varargs.name, tuple(positional.slice(pi)));
    if (args.keywords.size > 0) {
      let extra: [Value, Value][] | null = null;
      for (const [k, v] of args.keywords) {
        if (keywordParam(params, k)) {
          if (vars.has(k)) this.raise('TypeError', `${fname}() got multiple values for argument '${k}'`, site);
          vars.set(k, v);
        } else if (varkw) {
          (extra ??= []).push([str(k), v]);
        } else {
          this.raise('TypeError', `${fname}() got an unexpected keyword argument '${k}'`, site);
        }
      }
      if (varkw) vars.set(varkw.name, dict(extra ?? []));
    } else if (varkw) vars.set(varkw.name, dict([]));
    for (let i = 0; i < params.length; i++) {
      const p = params[i]!;
      if (p.kind === 'varargs' || p.kind === 'varkw' || vars.has(p.name)) continue;
      const d = defaults.get(p.name);
      if (d === undefined) this.raise('TypeError', `${fname}() missing required argument '${p.name}'`, site);
      vars.set(p.name, d);
    }
    return vars;
  }

  // ---------- attributes ----------

  getAttr(obj: Value, name: string, site: Site | null): Value {
    switch (obj.kind) {
      case 'instance':
        return this.instanceAttr(obj, name, site);
      case 'class': {
        if (name === '__name__') return str(obj.name);
        if (name === '__qualname__') return str(obj.qualname);
        if (name === '__mro__') return tuple(obj.mro);
        if (name === '__bases__') return tuple(obj.bases);
        if (name === '__class__') return this.builtins.get('type')!;
        const v = this.lookupClassAttr(obj, name);
        if (v === undefined) {
          const meta = this.metaclassAttr(obj, name, site);
          if (meta !== undefined) return meta;
          this.raise('AttributeError', `type object '${obj.name}' has no attribute '${name}'`, site);
        }
        if (v.kind === 'classmethod') return { kind: 'method', self: obj, func: v.func };
        if (v.kind === 'staticmethod') return v.func;
        return v;
      }
      case 'pymodule': {
        let v = moduleMember(obj, name);
        if (v !== undefined) return v;
        if (this.lazy.has(obj)) {
          this.force(obj);
          v = obj.attrs.get(name);
          if (v !== undefined) return v;
        }
        const sub = this.submodule(obj, name);
        if (sub) return sub;
        const opaque = obj.attrs.get('__opaque__');
        if (opaque) return unknown(`${obj.name}.${name} is not modelled`, site);
        if (this.initialising.has(obj)) {
          this.raise('AttributeError', `partially initialized module '${obj.name}' has no attribute '${name}' (most likely due to a circular import)`, site, 'circularImport');
        }
        // A module ConvLens models (torch, math, …) may lack a member the real one has.
        this.raise('AttributeError', `module '${obj.name}' has no attribute '${name}'`, site, obj.file === null ? 'limitation' : 'python');
      }
      // falls through never
      case 'tensor':
        return this.lib.tensorAttribute(obj, name, site);
      case 'unknown':
        return obj;
      case 'super': {
        const self = obj.self;
        const mro = self.kind === 'instance' ? self.cls.mro : self.kind === 'class' ? self.mro
          : (self.kind === 'list' || self.kind === 'dict' || self.kind === 'tuple') && self.cls ? self.cls.mro : [];
        const start = mro.indexOf(obj.cls);
        for (const c of mro.slice(start + 1)) {
          const v = c.attrs.get(name);
          if (v === undefined) continue;
          if (v.kind === 'classmethod') return { kind: 'method', self: obj.self.kind === 'instance' ? obj.self.cls : obj.self, func: v.func };
          if (v.kind === 'staticmethod') return v.func;
          if (v.kind === 'property') return this.call(v.getter, { positional: [obj.self], keywords: NO_KEYWORDS }, site);
          return obj.self.kind === 'class' ? v : this.bindIfMethod(v, obj.self);
        }
        this.raise('AttributeError', `'super' object has no attribute '${name}'`, site);
      }
      // falls through never
      case 'function':
        if (name === '__name__') return str(obj.name);
        if (name === '__qualname__') return str(obj.qualname);
        if (name === '__module__') return obj.closure.globals.vars.get('__name__') ?? str('__main__');
        if (name === '__doc__') return NONE;
        if (name === '__class__') {
          const types = this.lib.nativeModule('types');
          const functionType = types && moduleMember(types, 'FunctionType');
          if (functionType) return functionType;
        }
        return obj.attrs.get(name) ?? this.raise('AttributeError', `'function' object has no attribute '${name}'`, site);
      case 'native':
        if (name === '__name__') return str(obj.name.split('.').pop()!);
        return unknown(`${obj.name}.${name} is not modelled`, site);
      case 'method':
        if (name === '__self__') return obj.self;
        if (name === '__func__') return obj.func;
        return this.getAttr(obj.func, name, site);
      default: {
        const method = this.builtinMethod(obj, name, site);
        if (method) return method;
        this.raise('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`, site);
      }
    }
  }

  /** Methods of builtin values (str.join, list.append, dict.items ...), installed by builtins.ts:
   *  each kind's table is made when first looked at. */
  private readonly builtinMethods = new Map<string, Map<string, BuiltinMethod>>();
  private readonly builtinMethodMakers = new Map<string, () => Record<string, BuiltinMethod>>();

  defineBuiltinMethods(kind: string, make: () => Record<string, BuiltinMethod>): void {
    this.builtinMethods.delete(kind);
    this.builtinMethodMakers.set(kind, make);
  }

  builtinMethodTable(kind: string): ReadonlyMap<string, BuiltinMethod> | undefined {
    let table = this.builtinMethods.get(kind);
    if (table === undefined) {
      const make = this.builtinMethodMakers.get(kind);
      if (!make) return undefined;
      table = new Map(Object.entries(make()));
      this.builtinMethods.set(kind, table);
    }
    return table;
  }

  private builtinMethod(obj: Value, name: string, site: Site | null): Value | null {
    if (name === '__class__') return this.typeOf(obj);
    if (MUTATING_METHODS.has(name)) this.noteWrite(obj);
    const subclass = subclassOf(obj);
    if (subclass) {
      // Instances of subclasses of builtin types: their own attributes, then what the user-written
      // classes of the MRO define, before the builtin methods.
      const own = (obj as { attrs?: Map<string, Value> }).attrs?.get(name);
      if (own !== undefined) return own;
      for (const c of subclass.mro) {
        if (c.construct || c.instanceCheck) break;
        const v = c.attrs.get(name);
        if (v !== undefined) return this.classAttrFor(v, obj, site);
      }
    }
    const key = obj.kind === 'dict' ? 'dict' : obj.kind;
    const m = this.builtinMethodTable(key)?.get(name);
    if (m) return native(`${key}.${name}`, (args, s) => m(obj, args, s ?? site));
    if ((obj.kind === 'int' || obj.kind === 'float' || obj.kind === 'bool') && (name === 'real' || name === 'numerator')) return obj;
    if (obj.kind === 'tuple' && obj.cls) {
      const fields = obj.cls.attrs.get('_fields');
      if (fields && fields.kind === 'tuple') {
        const i = fields.items.findIndex((f) => f.kind === 'str' && f.value === name);
        if (i >= 0) return obj.items[i]!;
      }
      const v = this.lookupClassAttr(obj.cls, name);
      if (v) return this.bindIfMethod(v, obj);
    }
    if ((obj.kind === 'dict' || obj.kind === 'list' || obj.kind === 'str' || obj.kind === 'int') && obj.cls) {
      const v = this.lookupClassAttr(obj.cls, name);
      if (v) return this.classAttrFor(v, obj, site);
    }
    return null;
  }

  /** `sys.modules[name]`: a module this analysis has loaded, or a native one. */
  moduleNamed(name: string): ModuleObjectValue | null {
    const nativeMod = this.lib.nativeModule(name);
    if (nativeMod) return nativeMod;
    for (const m of this.fileModules.values()) if (m.name === name) return m;
    return null;
  }

  typeOf(v: Value): Value {
    switch (v.kind) {
      case 'instance': return v.cls;
      case 'class': return this.metaclassOf(v) ?? this.builtins.get('type')!;
      case 'tuple': return v.cls ?? this.builtins.get('tuple')!;
      case 'list': return v.cls ?? this.builtins.get('list')!;
      case 'str': case 'int': return v.cls ?? this.builtins.get(v.kind)!;
      case 'pymodule': {
        const types = this.lib.nativeModule('types');
        return (types && moduleMember(types, 'ModuleType')) ?? unknown('module');
      }
      case 'dict': return v.cls ?? this.builtins.get('dict')!;
      case 'none': return unknown('NoneType');
      case 'tensor': return this.lib.nativeModule('torch')!.attrs.get('Tensor') ?? unknown('Tensor');
      default: return this.builtins.get(v.kind === 'function' || v.kind === 'native' ? 'callable' : v.kind) ?? unknown(typeName(v));
    }
  }

  private instanceAttr(obj: InstanceValue, name: string, site: Site | null): Value {
    const classValue = this.lookupClassAttr(obj.cls, name);
    if (classValue && classValue.kind === 'property') {
      return this.call(classValue.getter, { positional: [obj], keywords: NO_KEYWORDS }, site);
    }
    const own = obj.attrs.get(name);
    if (own !== undefined) return own;
    if (obj.module) {
      const m = this.lib.moduleGetAttr(obj, name);
      if (m !== undefined) return m;
    }
    if (classValue !== undefined) {
      if (classValue.kind === 'classmethod') return { kind: 'method', self: obj.cls, func: classValue.func };
      if (classValue.kind === 'staticmethod') return classValue.func;
      return this.bindIfMethod(classValue, obj);
    }
    if (name === '__class__') return obj.cls;
    if (name === '__dict__') return dict([...obj.attrs].map(([k, v]) => [str(k), v]));
    const getattr = this.lookupClassAttr(obj.cls, '__getattr__');
    if (getattr && getattr.kind === 'function') return this.call(this.bindIfMethod(getattr, obj), { positional: [str(name)], keywords: NO_KEYWORDS }, site);
    this.raise('AttributeError', `'${obj.cls.name}' object has no attribute '${name}'`, site);
  }

  /** `direct`: the class's own `__setattr__` is not looked for (it is the caller). */
  setAttr(obj: Value, name: string, value: Value, site: Site | null, direct = false): void {
    this.noteWrite(obj);
    switch (obj.kind) {
      case 'instance': {
        // A class's own `__setattr__` (Python code) decides; torch's and object's are below.
        const own = direct ? undefined : this.lookupClassAttr(obj.cls, '__setattr__');
        if (own && own.kind === 'function') {
          this.call(this.bindIfMethod(own, obj), { positional: [str(name), value], keywords: NO_KEYWORDS }, site);
          return;
        }
        const prop = this.lookupClassAttr(obj.cls, name);
        if (prop && prop.kind === 'property') {
          if (prop.setter) this.call(prop.setter, { positional: [obj, value], keywords: NO_KEYWORDS }, site);
          return;
        }
        if (obj.module) {
          // An unknown value kept on a module may be a submodule or a parameter the model lacks.
          // (site null: bindTargetsUnknown, after a failed statement that already counted.)
          if (value.kind === 'unknown' && !value.numeric && site) this.noteProblem(site, `${obj.cls.name}.${name} is unknown (${value.reason}): if it is a submodule or a parameter, the model lacks it`);
          this.lib.moduleSetAttr(obj, name, value, site);
        } else obj.attrs.set(name, value);
        return;
      }
      case 'class':
        obj.attrs.set(name, value);
        return;
      case 'function':
        obj.attrs.set(name, value);
        return;
      case 'pymodule':
        obj.attrs.set(name, value);
        return;
      case 'tensor':
        if (name === 'requires_grad') {
          setRequiresGrad(obj, value, site, this.truthyOf);
          return;
        }
        // `p.data = t` of another shape changes the parameter's shape, which a shape (a value
        // shared by whatever holds it) cannot follow: a problem on this line, never ignored.
        if (name === 'data' && value.kind === 'tensor' && !sameShape(obj.shape, value.shape)) {
          this.noteProblem(site);
          this.options.diagnostics('warning', 'unknown', `assigning .data of shape [${value.shape.join(', ')}] to a tensor of shape [${obj.shape.join(', ')}] changes its shape, which ConvLens does not follow`, site);
        }
        return;
      case 'unknown':
        return;
      case 'list':
      case 'dict':
      case 'tuple':
      case 'str':
      case 'int':
        if (obj.cls && (obj.kind !== 'tuple' || !obj.cls.attrs.has('_fields'))) {
          (obj.attrs ??= new Map()).set(name, value);
          return;
        }
        this.raise('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`, site);
      // falls through never
      default:
        this.raise('AttributeError', `'${typeName(obj)}' object has no attribute '${name}'`, site);
    }
  }

  // ---------- items ----------

  getItem(obj: Value, index: Value, site: Site | null): Value {
    if (obj.kind === 'unknown') return obj;
    if (index.kind === 'unknown' && obj.kind !== 'dict' && obj.kind !== 'tensor') return unknown(`index ${index.reason}`, site);
    switch (obj.kind) {
      case 'list':
      case 'tuple':
      case 'str': {
        const length = obj.kind === 'str' ? obj.value.length : obj.items.length;
        if (index.kind === 'slice') {
          const [start, stop, step] = this.sliceIndices(index, length, site);
          const picked: number[] = [];
          if (step > 0) for (let i = start; i < stop; i += step) picked.push(i);
          else for (let i = start; i > stop; i += step) picked.push(i);
          const sliced = pickItems(obj, picked);
          this.noteBuilt(sliced, site);
          return sliced;
        }
        if (!isNumber(index)) this.raise('TypeError', `${obj.kind} indices must be integers, not ${typeName(index)}`, site);
        let i = numberOf(index);
        if (i < 0) i += length;
        if (i < 0 || i >= length || !Number.isInteger(i)) this.raise('IndexError', `${obj.kind} index out of range`, site);
        return obj.kind === 'str' ? str(obj.value[i]!) : obj.items[i]!;
      }
      case 'range': {
        const n = rangeLength(obj);
        if (index.kind === 'slice') {
          const [start, stop, step] = this.sliceIndices(index, n, site);
          return { kind: 'range', start: obj.start + start * obj.step, stop: obj.start + stop * obj.step, step: obj.step * step };
        }
        if (!isNumber(index)) this.raise('TypeError', 'range indices must be integers', site);
        let i = numberOf(index);
        if (i < 0) i += n;
        if (i < 0 || i >= n) this.raise('IndexError', 'range object index out of range', site);
        return int(obj.start + i * obj.step);
      }
      case 'dict': {
        if (index.kind === 'unknown') return unknown(`key ${index.reason}`, site);
        const v = dictGet(obj, index);
        if (v !== undefined) return v;
        if (obj.cls) {
          const missing = this.lookupClassAttr(obj.cls, '__missing__');
          if (missing) return this.call(this.bindIfMethod(missing, obj), { positional: [index], keywords: NO_KEYWORDS }, site);
        }
        this.raise('KeyError', repr(index), site);
      }
      // falls through never
      case 'tensor':
        return this.lib.tensorGetItem(obj, index, site);
      case 'instance': {
        const m = this.lookupClassAttr(obj.cls, '__getitem__');
        if (!m) this.raise('TypeError', `'${obj.cls.name}' object is not subscriptable`, site);
        return this.call(this.bindIfMethod(m, obj), { positional: [index], keywords: NO_KEYWORDS }, site);
      }
      case 'class': {
        const getitem = this.metaclassAttr(obj, '__getitem__', site);
        if (getitem) return this.call(getitem, { positional: [index], keywords: NO_KEYWORDS }, site);
        const m = this.lookupClassAttr(obj, '__class_getitem__');
        if (m) return this.call(m.kind === 'classmethod' ? { kind: 'method', self: obj, func: m.func } : m, { positional: [index], keywords: NO_KEYWORDS }, site);
        return obj; // typing generics: List[int] is List for the analysis
      }
      default:
        this.raise('TypeError', `'${typeName(obj)}' object is not subscriptable`, site);
    }
  }

  sliceIndices(s: Value & { kind: 'slice' }, length: number, site: Site | null): [number, number, number] {
    const num = (v: Value, what: string): number | null => {
      if (v.kind === 'none') return null;
      if (!isNumber(v)) this.raise('TypeError', `slice ${what} must be an integer or None`, site);
      return numberOf(v);
    };
    const step = num(s.step, 'step') ?? 1;
    if (step === 0) this.raise('ValueError', 'slice step cannot be zero', site);
    let start = num(s.start, 'start');
    let stop = num(s.stop, 'stop');
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    if (step > 0) {
      start = start === null ? 0 : clamp(start < 0 ? start + length : start, 0, length);
      stop = stop === null ? length : clamp(stop < 0 ? stop + length : stop, 0, length);
    } else {
      start = start === null ? length - 1 : clamp(start < 0 ? start + length : start, -1, length - 1);
      stop = stop === null ? -1 : clamp(stop < 0 ? stop + length : stop, -1, length - 1);
    }
    return [start, stop, step];
  }

  setItem(obj: Value, index: Value, value: Value, site: Site | null): void {
    this.noteWrite(obj);
    switch (obj.kind) {
      case 'list': {
        if (index.kind === 'slice') {
          const [start, stop] = this.sliceIndices(index, obj.items.length, site);
          obj.items.splice(start, Math.max(0, stop - start), ...this.iterate(value, site));
          return;
        }
        if (!isNumber(index)) this.raise('TypeError', 'list indices must be integers', site);
        let i = numberOf(index);
        if (i < 0) i += obj.items.length;
        if (i < 0 || i >= obj.items.length) this.raise('IndexError', 'list assignment index out of range', site);
        obj.items[i] = value;
        return;
      }
      case 'dict':
        dictSet(obj, index, value);
        return;
      case 'instance': {
        const m = this.lookupClassAttr(obj.cls, '__setitem__');
        if (!m) this.raise('TypeError', `'${obj.cls.name}' object does not support item assignment`, site);
        this.call(this.bindIfMethod(m, obj), { positional: [index, value], keywords: NO_KEYWORDS }, site);
        return;
      }
      case 'tensor':
        // In-place writes keep the shape; the numbers the analysis knew (ops/smallValues.ts) are
        // updated where one element gets a number, and gone otherwise.
        writeElement(obj, index.kind === 'int' ? index.value : null, value.kind === 'int' || value.kind === 'float' || value.kind === 'bool' ? numberOf(value) : null);
        return;
      case 'unknown':
        return; // in-place writes keep the shape
      default:
        this.raise('TypeError', `'${typeName(obj)}' object does not support item assignment`, site);
    }
  }

  // ---------- iteration ----------

  *iterate(v: Value, site: Site | null): Generator<Value> {
    switch (v.kind) {
      case 'list':
        for (let i = 0; i < v.items.length; i++) yield v.items[i]!;
        return;
      case 'tuple':
        yield* v.items;
        return;
      case 'str':
        for (const ch of v.value) yield str(ch);
        return;
      case 'dict':
        for (const e of [...v.entries.values()]) yield e.key;
        return;
      case 'set':
        yield* [...v.entries.values()];
        return;
      case 'range':
        if (v.step > 0) for (let i = v.start; i < v.stop; i += v.step) yield int(i);
        else for (let i = v.start; i > v.stop; i += v.step) yield int(i);
        return;
      case 'iterator':
        while (v.index < v.items.length) yield v.items[v.index++]!;
        return;
      case 'tensor':
        yield* this.lib.tensorIterate(v);
        return;
      case 'instance': {
        const it = this.lookupClassAttr(v.cls, '__iter__');
        if (it) {
          const result = this.call(this.bindIfMethod(it, v), { positional: [], keywords: NO_KEYWORDS }, site);
          if (result.kind === 'instance' && result.id === v.id) this.raise('TypeError', 'iterator protocol is not modelled', site);
          yield* this.iterate(result, site);
          return;
        }
        const getitem = this.lookupClassAttr(v.cls, '__getitem__');
        const len = this.lookupClassAttr(v.cls, '__len__');
        if (getitem && len) {
          const n = this.call(this.bindIfMethod(len, v), { positional: [], keywords: NO_KEYWORDS }, site);
          if (n.kind !== 'int') this.raise('TypeError', `cannot iterate: the length of a ${v.cls.name} is unknown`, site);
          for (let i = 0; i < n.value; i++) yield this.getItem(v, int(i), site);
          return;
        }
        this.raise('TypeError', `'${v.cls.name}' object is not iterable`, site);
      }
      // falls through never
      case 'class': {
        const it = this.metaclassAttr(v, '__iter__', site);
        if (!it) this.raise('TypeError', `'type' object is not iterable`, site);
        yield* this.iterate(this.call(it, { positional: [], keywords: NO_KEYWORDS }, site), site);
        return;
      }
      case 'unknown':
        this.raise('TypeError', `cannot iterate: ${v.reason}`, site);
      // falls through never
      default:
        this.raise('TypeError', `'${typeName(v)}' object is not iterable`, site);
    }
  }

  toArray(v: Value, site: Site | null): Value[] {
    const out: Value[] = [];
    for (const item of this.iterate(v, site)) {
      if (out.length >= MAX_SEQUENCE) this.raise('MemoryError', 'sequence too long to analyse', site);
      out.push(item);
      this.tick(null, null, site);
    }
    return out;
  }

  // ---------- truth and comparison ----------

  /** `truthy` as a function value, made once: an arrow written inside a method that reads `this`
   *  makes every call of that method allocate a context (V8 allocates it on entry). */
  private readonly truthyOf = (v: Value): boolean => this.truthy(v);

  truthy(v: Value): boolean {
    switch (v.kind) {
      case 'none': return false;
      case 'bool': return v.value;
      case 'int':
      case 'float': return v.value !== 0;
      case 'str': return v.value.length > 0;
      case 'list':
      case 'tuple': return v.items.length > 0;
      case 'dict': return v.entries.size > 0;
      case 'set': return v.entries.size > 0;
      case 'range': return rangeLength(v) > 0;
      // An unknown condition takes the `else` path; the tensor case is a data-dependent branch.
      case 'unknown':
      case 'tensor':
        this.undecidedConditions++;
        return false;
      case 'instance': {
        const b = this.lookupClassAttr(v.cls, '__bool__') ?? this.lookupClassAttr(v.cls, '__len__');
        if (b) {
          const r = this.call(this.bindIfMethod(b, v), { positional: [], keywords: NO_KEYWORDS }, null);
          return this.truthy(r);
        }
        return true;
      }
      default:
        return true;
    }
  }

  compare(op: ast.CompareOperator, a: Value, b: Value, site: Site | null): Value {
    switch (op) {
      case 'is':
      case 'is not': {
        if (a.kind === 'unknown' || b.kind === 'unknown') return unknown('identity of an unknown value', site);
        const same = identical(a, b);
        return bool(op === 'is' ? same : !same);
      }
      case 'in':
      case 'not in': {
        const r = this.contains(b, a, site);
        if (r === null) return unknown('membership of an unknown value', site);
        return bool(op === 'in' ? r : !r);
      }
      case '==':
      case '!=': {
        if (a.kind === 'tensor' || b.kind === 'tensor') return this.lib.tensorBinary(op === '==' ? '==' as never : '!=' as never, a, b, site, false);
        if (a.kind === 'instance' || b.kind === 'instance') {
          const inst = a.kind === 'instance' ? a : (b as InstanceValue);
          const eq = this.lookupClassAttr(inst.cls, '__eq__');
          if (eq && (eq.kind === 'function' || (eq.kind === 'native' && eq.bindsSelf))) {
            const r = this.call(this.bindIfMethod(eq, inst), { positional: [inst === a ? b : a], keywords: NO_KEYWORDS }, site);
            return op === '==' ? r : r.kind === 'bool' ? bool(!r.value) : r;
          }
        }
        const eq = valuesEqual(a, b);
        if (eq === null) return unknown('comparison of unknown values', site);
        return bool(op === '==' ? eq : !eq);
      }
      default: {
        if (a.kind === 'tensor' || b.kind === 'tensor') return this.lib.tensorBinary(op as never, a, b, site, false);
        if (a.kind === 'unknown' || b.kind === 'unknown') return unknown('comparison of unknown values', site);
        const order = orderValues(a, b);
        if (order === null) {
          this.raise('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`, site);
        }
        switch (op) {
          case '<': return bool(order < 0);
          case '<=': return bool(order <= 0);
          case '>': return bool(order > 0);
          default: return bool(order >= 0);
        }
      }
    }
  }

  contains(container: Value, item: Value, site: Site | null): boolean | null {
    if (container.kind === 'unknown' || item.kind === 'unknown') return null;
    switch (container.kind) {
      case 'str':
        return item.kind === 'str' ? container.value.includes(item.value) : null;
      case 'dict':
        return container.entries.has(hashKey(item));
      case 'set':
        return container.entries.has(hashKey(item));
      case 'list':
      case 'tuple':
        for (const x of container.items) if (valuesEqual(x, item) === true) return true;
        return false;
      case 'range':
        if (!isNumber(item)) return false;
        // A loop, not a callback reading `item` (that would allocate a context on every call).
        for (const x of this.iterate(container, site)) if (valuesEqual(x, item)) return true;
        return false;
      case 'instance': {
        const m = this.lookupClassAttr(container.cls, '__contains__');
        if (m) return this.truthy(this.call(this.bindIfMethod(m, container), { positional: [item], keywords: NO_KEYWORDS }, site));
        for (const x of this.iterate(container, site)) if (valuesEqual(x, item) === true) return true;
        return false;
      }
      case 'class': {
        const m = this.metaclassAttr(container, '__contains__', site);
        return m ? this.truthy(this.call(m, { positional: [item], keywords: NO_KEYWORDS }, site)) : null;
      }
      default:
        return null;
    }
  }

  binary(op: ast.BinaryOperator, a: Value, b: Value, site: Site | null, inplace = false): Value {
    if (a.kind === 'tensor' || b.kind === 'tensor') return this.lib.tensorBinary(op, a, b, site, inplace);
    if (a.kind === 'unknown') return a;
    if (b.kind === 'unknown') return b;
    if (a.kind === 'instance' || b.kind === 'instance') {
      const names = DUNDER[op];
      if (a.kind === 'instance') {
        const m = (inplace && this.lookupClassAttr(a.cls, names[2])) || this.lookupClassAttr(a.cls, names[0]);
        if (m) return this.call(this.bindIfMethod(m, a), { positional: [b], keywords: NO_KEYWORDS }, site);
      }
      if (b.kind === 'instance') {
        const m = this.lookupClassAttr(b.cls, names[1]);
        if (m) return this.call(this.bindIfMethod(m, b), { positional: [a], keywords: NO_KEYWORDS }, site);
      }
    }
    try {
      // Charged before it is built: one repetition can be a million elements.
      this.noteBuilding(builtSize(op, a, b), site);
      const r = binaryOnValues(op, a, b);
      if (r) return r;
    } catch (e) {
      if (e instanceof PyTypeError) this.raise(e.pyType, e.message, site);
      throw e;
    }
    this.raise('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`, site);
  }

  // ---------- expressions ----------

  eval(e: ast.Expr, scope: Scope): Value {
    switch (e.kind) {
      case 'Name':
        return this.lookup(e.id, scope, e);
      case 'Number':
      case 'String':
        return literalValue(e);
      case 'Const':
        return e.value === null ? NONE : e.value ? TRUE : FALSE;
      case 'Ellipsis':
        return ELLIPSIS;
      case 'FString':
        return str(this.fstring(e.parts, scope));
      case 'Tuple':
        return tuple(this.evalElements(e.elts, scope));
      case 'List':
        return list(this.evalElements(e.elts, scope));
      case 'Set':
        return makeSet(this.evalElements(e.elts, scope));
      case 'Dict': {
        const d = dict();
        for (const item of e.items) {
          if (item.key === null) {
            const m = this.eval(item.value, scope);
            if (m.kind === 'dict') for (const entry of m.entries.values()) dictSet(d, entry.key, entry.value);
          } else dictSet(d, this.eval(item.key, scope), this.eval(item.value, scope));
        }
        return d;
      }
      case 'Attribute':
        return this.getAttr(this.eval(e.obj, scope), e.attr, this.site(scope.file, e.attrSpan));
      case 'Subscript':
        return this.getItem(this.eval(e.obj, scope), this.eval(e.index, scope), this.site(scope.file, e));
      case 'Slice':
        return {
          kind: 'slice',
          start: e.lower ? this.eval(e.lower, scope) : NONE,
          stop: e.upper ? this.eval(e.upper, scope) : NONE,
          step: e.step ? this.eval(e.step, scope) : NONE,
        };
      case 'Call':
        return this.evalCall(e, scope);
      case 'BinOp': {
        const left = this.eval(e.left, scope);
        const right = this.eval(e.right, scope);
        return this.binary(e.op, left, right, this.site(scope.file, e));
      }
      case 'UnaryOp': {
        const v = this.eval(e.operand, scope);
        if (e.op === 'not') return v.kind === 'unknown' ? v : bool(!this.truthy(v));
        if (v.kind === 'tensor') return this.lib.tensorUnary(e.op, v, this.site(scope.file, e));
        if (v.kind === 'unknown') return v;
        if (isNumber(v)) {
          // Past 2^53 (and for ~ past 32 bits) the exact bigint path.
          if (v.kind === 'int' && (v.big !== undefined || (e.op === '~' && Math.abs(v.value) >= 2 ** 31))) return intFromBig(e.op === '-' ? -bigOf(v) : e.op === '+' ? bigOf(v) : ~bigOf(v));
          const x = numberOf(v);
          if (e.op === '-') return v.kind === 'float' ? float(-x) : int(-x);
          if (e.op === '+') return v.kind === 'float' ? v : int(x);
          return int(~x);
        }
        if (v.kind === 'instance') {
          const m = this.lookupClassAttr(v.cls, e.op === '-' ? '__neg__' : e.op === '+' ? '__pos__' : '__invert__');
          if (m) return this.call(this.bindIfMethod(m, v), { positional: [], keywords: NO_KEYWORDS }, this.site(scope.file, e));
        }
        this.raise('TypeError', `bad operand type for unary ${e.op}: '${typeName(v)}'`, this.site(scope.file, e));
      }
      // falls through never
      case 'BoolOp': {
        let last: Value = NONE;
        for (const operand of e.values) {
          last = this.eval(operand, scope);
          if (last.kind === 'unknown') return last;
          const t = this.truthy(last);
          if (e.op === 'and' ? !t : t) return last;
        }
        return last;
      }
      case 'Compare': {
        let left = this.eval(e.left, scope);
        let result: Value = TRUE;
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.comparators[i]!, scope);
          result = this.compare(e.ops[i]!, left, right, this.site(scope.file, e));
          if (result.kind === 'unknown' || result.kind === 'tensor') return result;
          if (!this.truthy(result)) return result;
          left = right;
        }
        return result;
      }
      case 'IfExp': {
        const test = this.eval(e.test, scope);
        // Neither side is known to be the one Python takes.
        if (test.kind === 'unknown') return unknown(`the condition is unknown (${test.reason})`, test.site ?? this.site(scope.file, e.test));
        return this.truthy(test) ? this.eval(e.body, scope) : this.eval(e.orelse, scope);
      }
      case 'Lambda':
        return this.makeFunction(e, scope);
      case 'Comprehension':
        return this.comprehension(e, scope);
      case 'DictComp':
        // A method of its own: its callback reads `e`, and a closure over a parameter of eval
        // would make every evaluation of every expression allocate a context.
        return this.dictComprehension(e, scope);
      case 'Starred':
        return this.eval(e.value, scope);
      case 'Named': {
        const v = this.eval(e.value, scope);
        let s = scope;
        while (s.isClassBody && s.parent) s = s.parent;
        this.setName(e.target.id, v, s);
        return v;
      }
      case 'Yield':
        return this.evalYield(e, scope);
      case 'ErrorExpr':
        return unknown(e.message || 'incomplete code', this.site(scope.file, e));
    }
  }

  private dictComprehension(e: ast.DictCompExpr, scope: Scope): Value {
    const d = dict();
    const inner: Scope = { vars: new Map(), parent: scope, globals: scope.globals, file: scope.file };
    const stopped = this.runGenerators(e.generators, 0, inner, () => dictSet(d, this.eval(e.key, inner), this.eval(e.value, inner)));
    return stopped ?? d;
  }

  private evalElements(elts: ast.Expr[], scope: Scope): Value[] {
    const out: Value[] = [];
    for (const el of elts) {
      if (el.kind === 'Starred') {
        const v = this.eval(el.value, scope);
        if (v.kind === 'unknown') out.push(v);
        else out.push(...this.toArray(v, this.site(scope.file, el)));
      } else out.push(this.eval(el, scope));
    }
    return out;
  }

  private comprehension(e: ast.ComprehensionExpr, scope: Scope): Value {
    const items: Value[] = [];
    const inner: Scope = { vars: new Map(), parent: scope, globals: scope.globals, file: scope.file };
    const stopped = this.runGenerators(e.generators, 0, inner, () => {
      if (items.length >= MAX_SEQUENCE) this.raise('MemoryError', 'comprehension too long to analyse', this.site(scope.file, e));
      items.push(this.eval(e.elt, inner));
    });
    if (stopped) return stopped;
    if (e.type === 'list') return list(items);
    if (e.type === 'set') return makeSet(items);
    return iterator(items);
  }

  /** Runs the comprehension's loops; an unknown iterable or condition stops them and is returned
   *  (the comprehension is then unknown, never shorter than Python's). */
  private runGenerators(gens: ast.Comprehension[], i: number, scope: Scope, emit: () => void): UnknownValue | null {
    if (i === gens.length) {
      emit();
      return null;
    }
    const g = gens[i]!;
    // The first iterable is evaluated in the enclosing scope, as Python does.
    const iterable = this.eval(g.iter, i === 0 && scope.parent ? scope.parent : scope);
    if (iterable.kind === 'unknown') return unknown(`iterating ${iterable.reason}`, iterable.site ?? this.site(scope.file, g.iter));
    for (const item of this.iterate(iterable, this.site(scope.file, g.iter))) {
      this.tick(g.iter, scope.file);
      this.assign(g.target, item, scope);
      let pass = true;
      for (const cond of g.ifs) {
        const c = this.eval(cond, scope);
        if (c.kind === 'unknown') return unknown(`a condition is unknown (${c.reason})`, c.site ?? this.site(scope.file, cond));
        if (!this.truthy(c)) {
          pass = false;
          break;
        }
      }
      if (!pass) continue;
      const stopped = this.runGenerators(gens, i + 1, scope, emit);
      if (stopped) return stopped;
    }
    return null;
  }


  private fstring(parts: (string | ast.FStringField)[], scope: Scope): string {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      let v = this.eval(p.expr, scope);
      if (p.conversion === 'r') v = str(repr(v));
      else if (p.conversion === 's' || p.conversion === 'a') v = str(toStr(v));
      const spec = p.formatSpec ? this.fstring(p.formatSpec, scope) : '';
      if (v.kind === 'unknown') out += '?';
      else if (v.kind === 'instance') out += this.strOf(v);
      else out += formatSpec(v, spec);
    }
    return out;
  }

  /** `str(instance)` honouring `__str__`/`__repr__`. */
  strOf(v: Value): string {
    if (v.kind === 'instance') {
      const m = this.lookupClassAttr(v.cls, '__str__') ?? this.lookupClassAttr(v.cls, '__repr__');
      if (m && m.kind === 'function') {
        const r = this.call(this.bindIfMethod(m, v), { positional: [], keywords: NO_KEYWORDS }, null);
        if (r.kind === 'str') return r.value;
      }
    }
    return toStr(v);
  }

  /** `statement`: the call is a statement of its own, run for its effects. */
  evalCall(e: ast.CallExpr, scope: Scope, statement = false): Value {
    const fn = this.eval(e.func, scope);
    const simple = onlyPositional(e.args);
    // Most calls pass a few plain positional arguments: an array of exactly their number (an
    // empty array grown by push gets room for 16), packed as the other argument arrays are.
    const positional: Value[] = simple ? this.positionalArguments(e.args, scope) : [];
    const keywords = hasKeywordArguments(e.args) ? new Map<string, Value>() : (NO_KEYWORDS as Map<string, Value>);
    if (!simple) for (const a of e.args) {
      switch (a.kind) {
        case 'pos':
          positional.push(this.eval(a.value, scope));
          break;
        case 'star': {
          const v = this.eval(a.value, scope);
          if (v.kind === 'unknown') return unknown(`*args ${v.reason}`, this.site(scope.file, a));
          positional.push(...this.toArray(v, this.site(scope.file, a)));
          break;
        }
        case 'kw':
          keywords.set(a.name!, this.eval(a.value, scope));
          break;
        case 'dstar': {
          const v = this.eval(a.value, scope);
          if (v.kind === 'dict') {
            for (const entry of v.entries.values()) if (entry.key.kind === 'str') keywords.set(entry.key.value, entry.value);
          } else if (v.kind === 'unknown') return unknown(`**kwargs ${v.reason}`, this.site(scope.file, a));
          break;
        }
      }
    }
    const site = this.site(scope.file, e);
    let result: Value;
    const problemsBefore = this.problems.length;
    if (fn.kind === 'native' && fn.withScope) {
      this.steps += 4;
      this.tick(null, null, site);
      result = fn.withScope({ positional, keywords }, scope, site);
    } else result = this.call(fn, { positional, keywords }, site);
    if (statement && result.kind === 'unknown' && this.problems.length === problemsBefore && this.givesModule(fn, positional, keywords)) {
      this.noteProblem(site, `this call was not followed (${result.reason}), and it is given a module it could change`);
    }
    return result;
  }

  /** The values of a call's arguments, all plain positional ones, in order. */
  private positionalArguments(args: ast.CallExpr['args'], scope: Scope): Value[] {
    switch (args.length) {
      case 0:
        return [];
      case 1:
        return [this.eval(args[0]!.value, scope)];
      case 2: {
        const a = this.eval(args[0]!.value, scope);
        return [a, this.eval(args[1]!.value, scope)];
      }
      case 3: {
        const a = this.eval(args[0]!.value, scope);
        const b = this.eval(args[1]!.value, scope);
        return [a, b, this.eval(args[2]!.value, scope)];
      }
      default: {
        const out: Value[] = [];
        for (const a of args) out.push(this.eval(a.value, scope));
        return out;
      }
    }
  }

  /** Whether a call hands a module to the callee (its `self`, or an argument). */
  private givesModule(fn: Value, positional: Value[], keywords: ReadonlyMap<string, Value>): boolean {
    if (fn.kind === 'method' && fn.self.kind === 'instance' && fn.self.module) return true;
    for (const v of positional) if (v.kind === 'instance' && v.module) return true;
    for (const v of keywords.values()) if (v.kind === 'instance' && v.module) return true;
    return false;
  }
}

/** Methods of builtin containers that change them (a shared library value read for one of these
 *  may be written: see Interpreter.noteWrite). */
const MUTATING_METHODS = new Set([
  'append', 'extend', 'insert', 'pop', 'remove', 'clear', 'sort', 'reverse', 'add', 'discard', 'update',
  'setdefault', 'popitem', 'difference_update', 'intersection_update', 'symmetric_difference_update',
  'appendleft', 'extendleft', 'popleft', 'move_to_end', '__setitem__', '__delitem__', '__iadd__', '__ior__',
]);

type BuiltinMethod = (self: Value, args: CallArgs, site: Site | null) => Value;

/** A call's keywords when it has none; never mutated. */
export const NO_KEYWORDS: ReadonlyMap<string, Value> = new Map();

type SiteCarrier = ast.Span & { $site?: Site };
type AssignNameCarrier = ast.AttributeExpr & { $name?: string };

/** The items of a str, list or tuple at these indices, as the same kind of value. */
function pickItems(obj: Value & { kind: 'str' | 'list' | 'tuple' }, picked: number[]): Value {
  if (obj.kind === 'str') {
    let s = '';
    for (const i of picked) s += obj.value[i];
    return str(s);
  }
  const items = new Array<Value>(picked.length);
  for (let k = 0; k < picked.length; k++) items[k] = obj.items[picked[k]!]!;
  return obj.kind === 'list' ? list(items) : tuple(items);
}

/** A number or string literal's value, made once per AST node: these values are never mutated (only
 *  int and str values that carry an enum class take attributes, and literals carry none), and
 *  `is` compares ints and strs by value, so every evaluation may share one object. */
type LiteralCarrier = (ast.NumberExpr | ast.StringExpr) & { $value?: Value };
function literalValue(e: ast.NumberExpr | ast.StringExpr): Value {
  const cached = (e as LiteralCarrier).$value;
  if (cached) return cached;
  const value = e.kind === 'String' ? str(e.value) : e.isInt ? (e.digits === undefined ? int(e.value) : intFromBig(BigInt(e.digits))) : float(e.value);
  (e as LiteralCarrier).$value = value;
  return value;
}

const PARSED_FILES_KEPT = 1024;
const parsedFiles = new Map<string, { text: string; module: ast.PyModule; file: SourceFile; tree: Tree | null; statements: StatementTable | null }>();

/** The AST and line index of a file's text, from a small cache keyed by path; a new version of a
 *  file is parsed incrementally from the previous one (the editor's keystroke path). A library
 *  file not in that cache is looked for in `astCache` (kept between processes) before parsing. */
export function parsedFile(path: string, text: string, astCache?: AstCache): { module: ast.PyModule; file: SourceFile } {
  const hit = parsedFiles.get(path);
  if (hit && hit.text === text) {
    parsedFiles.delete(path);
    parsedFiles.set(path, hit);
    return hit;
  }
  const previous = hit?.tree ? { text: hit.text, tree: hit.tree, statements: hit.statements ?? undefined } : null;
  let stored: ast.PyModule | null = null;
  try {
    stored = astCache?.get(path, text) ?? null;
  } catch {
    // a failing cache is a miss
  }
  const { module, tree, statements } = stored ? { module: stored, tree: null, statements: null } : parsePythonIncremental(text, previous);
  if (astCache && !stored) {
    try {
      astCache.set(path, text, module);
    } catch {
      // a failing cache stores nothing
    }
  }
  parsedFiles.delete(path);
  const entry = { text, module, tree, statements, file: { path, text, lines: new LineIndex(text) } };
  parsedFiles.set(path, entry);
  if (parsedFiles.size > PARSED_FILES_KEPT) parsedFiles.delete(parsedFiles.keys().next().value!);
  return entry;
}

/** Drops a file's parse from the cache: its next reading starts afresh (tests compare the two). */
export function forgetParsedFile(path: string): void {
  parsedFiles.delete(path);
}

const DUNDER: Record<ast.BinaryOperator, [string, string, string]> = {
  '+': ['__add__', '__radd__', '__iadd__'],
  '-': ['__sub__', '__rsub__', '__isub__'],
  '*': ['__mul__', '__rmul__', '__imul__'],
  '/': ['__truediv__', '__rtruediv__', '__itruediv__'],
  '//': ['__floordiv__', '__rfloordiv__', '__ifloordiv__'],
  '%': ['__mod__', '__rmod__', '__imod__'],
  '**': ['__pow__', '__rpow__', '__ipow__'],
  '@': ['__matmul__', '__rmatmul__', '__imatmul__'],
  '<<': ['__lshift__', '__rlshift__', '__ilshift__'],
  '>>': ['__rshift__', '__rrshift__', '__irshift__'],
  '&': ['__and__', '__rand__', '__iand__'],
  '|': ['__or__', '__ror__', '__ior__'],
  '^': ['__xor__', '__rxor__', '__ixor__'],
};

export function identical(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'none': case 'ellipsis': return true;
    case 'bool': return a.value === (b as typeof a).value;
    case 'int': case 'float': return a.value === (b as typeof a).value;
    case 'str': return a.value === (b as typeof a).value;
    default: return 'id' in a && 'id' in b && (a as { id: number }).id === (b as { id: number }).id;
  }
}

export function rangeLength(r: { start: number; stop: number; step: number }): number {
  return Math.max(0, Math.ceil((r.stop - r.start) / r.step));
}

/** C3 linearisation; falls back to depth-first order when the hierarchy is inconsistent. */
export function computeMro(cls: ClassValue): ClassValue[] {
  // One base with its MRO made (nearly every class): C3 gives the class, then the base's MRO.
  const only = cls.bases.length === 1 ? cls.bases[0]! : null;
  if (only && only.mro[0] === only) return [cls, ...only.mro];
  const seqs = [...cls.bases.map((b) => [...b.mro]), [...cls.bases]];
  const out: ClassValue[] = [cls];
  for (;;) {
    const nonEmpty = seqs.filter((s) => s.length);
    if (!nonEmpty.length) return out;
    const head = nonEmpty.map((s) => s[0]!).find((c) => !nonEmpty.some((s) => s.indexOf(c) > 0));
    if (!head) {
      const seen = new Set(out);
      for (const b of cls.bases) for (const c of b.mro) if (!seen.has(c)) { seen.add(c); out.push(c); }
      return out;
    }
    out.push(head);
    for (const s of nonEmpty) if (s[0] === head) s.shift();
  }
}

function onlyPositional(args: ast.CallExpr['args']): boolean {
  for (let i = 0; i < args.length; i++) if (args[i]!.kind !== 'pos') return false;
  return true;
}

function hasKeywordArguments(args: ast.CallExpr['args']): boolean {
  for (let i = 0; i < args.length; i++) {
    const kind = args[i]!.kind;
    if (kind === 'kw' || kind === 'dstar') return true;
  }
  return false;
}

/** Whether keyword `name` names a parameter that can be passed by keyword. */
function keywordParam(params: ast.Param[], name: string): boolean {
  for (let i = 0; i < params.length; i++) {
    const q = params[i]!;
    if (q.name === name && q.kind !== 'varargs' && q.kind !== 'varkw' && q.kind !== 'posonly') return true;
  }
  return false;
}

/** Whether a function is a generator is a property of its syntax, so it is kept on the AST node
 *  (shared by every call and every analysis that reads the same tree), like a node's Site. */
type GeneratorCarrier = ast.FunctionDef & { $generator?: boolean };

function isGenerator(fn: ast.FunctionDef, text: string): boolean {
  const known = (fn as GeneratorCarrier).$generator;
  if (known !== undefined) return known;
  // Most functions have no `yield` anywhere in their text: no need to walk their bodies.
  const at = text.indexOf('yield', fn.from);
  const generator = at >= 0 && at < fn.to && containsYield(fn.body, fn);
  (fn as GeneratorCarrier).$generator = generator;
  return generator;
}

/** Whether the function's own body has a `yield` (nested functions and lambdas have their own). */
function containsYield(v: unknown, fn: ast.FunctionDef): boolean {
  if (!v || typeof v !== 'object') return false;
  const node = v as { kind?: string };
  if (node.kind === 'FunctionDef' && v !== fn) return false;
  if (node.kind === 'Lambda') return false;
  if (node.kind === 'Yield') return true;
  for (const key in v) {
    // `$site` and other `$` keys are caches the interpreter keeps on nodes, not syntax.
    if (key.charCodeAt(0) === 36) continue;
    const child = (v as Record<string, unknown>)[key];
    if (child && typeof child === 'object' && containsYield(child, fn)) return true;
  }
  return false;
}

/** A compact text of simple expressions (`self.conv1`), for value names. */
export function exprText(e: ast.Expr): string {
  if (e.kind === 'Name') return e.id;
  if (e.kind === 'Attribute') return `${exprText(e.obj)}.${e.attr}`;
  return '…';
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? (i === 0 ? '/' : '.') : p.slice(0, i);
}

export function joinPath(...parts: string[]): string {
  return parts.join('/').replace(/\/+/g, '/');
}

export type { UnknownValue };

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
