// When a file does not say which model to build: the calls that build a class elsewhere in the
// project (a training script, a `__main__` block, another module), and the files that import a
// file of parts. Pure: the project's files come through the caller's readFile / listDirectory,
// as imports do; nothing here runs code (the analysis evaluates a chosen call afterwards).

import type * as ast from './python/ast';
import { dirname, joinPath } from './python/moduleResolver';
import { parsedFile } from './python/interpreter';
import type { ClassValue, FunctionValue } from './python/values';
import type { ProjectCall, ReadFile } from './report';

/** Bounds on the scan: a project folder of a few hundred files is read, not a whole disk. */
const MAX_FILES = 400;
const MAX_CALLS_PER_CLASS = 8;

export interface ProjectAccess {
  file: string;
  readFile: ReadFile;
  listDirectory?: (path: string) => string[] | null;
  /** Project roots of the search path (the user's own code). */
  roots: readonly string[];
}

/**
 * The Python files a call to the analysed file's classes may be in: the file's own folder, its
 * parent (a `train.py` next to a `models/` package) and the project roots, not recursively. The
 * analysed file comes first; the rest in name order, so that the choice is stable.
 */
export function projectFiles(access: ProjectAccess): string[] {
  const folders = [dirname(access.file), dirname(dirname(access.file)), ...access.roots];
  const out = [access.file];
  const seen = new Set(out);
  for (const folder of folders) {
    const names = access.listDirectory?.(folder);
    if (!names) continue;
    for (const name of [...names].sort()) {
      if (!name.endsWith('.py')) continue;
      // `models/networks.py` given relative: its parent's files are `train.py`, not `./train.py`.
      const path = folder === '.' ? name : joinPath(folder, name);
      if (seen.has(path)) continue;
      seen.add(path);
      out.push(path);
      if (out.length >= MAX_FILES) return out;
    }
  }
  return out;
}

/** `import a.b.networks`, `from .networks import X`, `from models import networks` name `networks`. */
export function importsModule(text: string, moduleName: string): boolean {
  const escaped = moduleName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^[ \\t]*(from|import)[ \\t][^\\n]*\\b${escaped}\\b`, 'm').test(text);
}

/**
 * Calls `Name(...)` / `x.Name(...)` of classes in the project's files: in the analysed file, and in
 * files that import its module. `literal` when every argument is a constant (numbers, strings,
 * True/False/None, tuples and lists of them) or a dotted name whose root is a module the class's
 * own module imports (`nn.InstanceNorm2d`; not `args.width`): such a call evaluates there. A call inside a class body (`Down(64, 128)` in a
 * U-Net's `__init__`) builds a part of that class's model: `insideClass` names it. Each file is
 * read, scanned and parsed once for all the classes.
 */
export function findProjectCallsOf(classNames: readonly string[], moduleName: string, definingFile: string, files: readonly string[], readFile: ReadFile,
  isModuleName: (name: string) => boolean): Map<string, ProjectCall[]> {
  const out = new Map<string, ProjectCall[]>(classNames.map((n) => [n, []]));
  if (!classNames.length) return out;
  for (const path of files) {
    const text = readFile(path);
    if (!text) continue;
    // The analysed file is parsed already (and changes with every keystroke): its calls are read
    // from its tree, for the classes asked about only; other files are scanned before parsing.
    const own = path === definingFile;
    const called = own ? null : calledNames(text);
    const wanted = classNames.filter((n) => (called === null || called.has(n)) && out.get(n)!.length < MAX_CALLS_PER_CLASS);
    if (!wanted.length) continue;
    if (!own && !importsModule(text, moduleName)) continue;
    const { module, file } = parsedFile(path, text);
    const index = own ? callsOfNames(module, new Set(wanted)) : callsByName(module);
    for (const className of wanted) {
      const calls = out.get(className)!;
      for (const { call, insideClass } of index.get(className) ?? []) {
        if (calls.length >= MAX_CALLS_PER_CLASS) break;
        const args = call.args.map((a) => `${a.kind === 'kw' ? `${a.name}=` : a.kind === 'star' ? '*' : a.kind === 'dstar' ? '**' : ''}${text.slice(a.value.from, a.value.to)}`);
        const literal = call.args.every((a) => (a.kind === 'pos' || a.kind === 'kw') && isLiteral(a.value, isModuleName));
        calls.push({
          expression: `${className}(${args.join(', ')})`, file: path, line: file.lines.position(call.from).line + 1, literal,
          ...(insideClass ? { insideClass } : {}),
        });
      }
    }
  }
  return out;
}

/** The same for one class. */
export function findProjectCalls(className: string, moduleName: string, definingFile: string, files: readonly string[], readFile: ReadFile,
  isModuleName: (name: string) => boolean): ProjectCall[] {
  return findProjectCallsOf([className], moduleName, definingFile, files, readFile, isModuleName).get(className)!;
}

/** Every name written before a `(` in a text (calls, and definitions too): which files may call a
 *  class, without parsing them. The last few texts are kept: a keystroke asks again for the same files. */
const calledNamesKept = new Map<string, Set<string>>();
const CALLED_NAMES_KEPT = 32;

function calledNames(text: string): Set<string> {
  let names = calledNamesKept.get(text);
  if (names) return names;
  names = new Set<string>();
  for (const m of text.matchAll(/([A-Za-z_][A-Za-z0-9_]*)\s*\(/g)) names.add(m[1]!);
  calledNamesKept.set(text, names);
  if (calledNamesKept.size > CALLED_NAMES_KEPT) calledNamesKept.delete(calledNamesKept.keys().next().value!);
  return names;
}

interface CallSite {
  call: ast.CallExpr;
  insideClass: string | null;
  /** What it calls: `Name` of `Name(...)` and of `x.Name(...)`; null for other callees. Read
   *  from the node once, so that a keystroke's lookup of every call reads no AST node. */
  name: string | null;
}

/** Every call of a parsed file by the name it calls (`Name(...)`, `x.Name(...)`), in source
 *  order: one pass however many classes are looked up (a keystroke re-analyses a file with
 *  dozens). Keyed weakly on the tree, which the parse cache keeps while the text is current. */
const callIndex = new WeakMap<ast.PyModule, Map<string, CallSite[]>>();
/** The calls of one top-level statement: an edit re-parses the statements it touches, and the
 *  others keep their nodes, so a keystroke walks only what it changed. */
const statementCalls = new WeakMap<ast.Stmt, CallSite[]>();

function callsByName(module: ast.PyModule): Map<string, CallSite[]> {
  let index = callIndex.get(module);
  if (index) return index;
  index = callsOfNames(module, null);
  callIndex.set(module, index);
  return index;
}

/** The calls of a parsed file by name, for these names only (null: every name), in source order. */
function callsOfNames(module: ast.PyModule, names: ReadonlySet<string> | null): Map<string, CallSite[]> {
  const index = new Map<string, CallSite[]>();
  for (const stmt of module.body) {
    let calls = statementCalls.get(stmt);
    if (!calls) {
      const found: CallSite[] = [];
      walk(stmt, null, (call, insideClass) => {
        const f = call.func;
        found.push({ call, insideClass, name: f.kind === 'Name' ? f.id : f.kind === 'Attribute' ? f.attr : null });
      });
      statementCalls.set(stmt, found);
      calls = found;
    }
    for (const site of calls) {
      const name = site.name;
      if (name === null || (names !== null && !names.has(name))) continue;
      const list = index.get(name);
      if (list) list.push(site);
      else index.set(name, [site]);
    }
  }
  return index;
}

function isLiteral(e: ast.Expr, isModuleName: (name: string) => boolean): boolean {
  switch (e.kind) {
    case 'Number':
    case 'String':
    case 'Const':
      return true;
    case 'UnaryOp':
      return (e.op === '-' || e.op === '+') && e.operand.kind === 'Number';
    case 'Tuple':
    case 'List':
      return e.elts.every((x) => isLiteral(x, isModuleName));
    case 'Attribute':
      return dottedRoot(e) !== null && isModuleName(dottedRoot(e)!);
    default:
      return false;
  }
}

/** `nn` of `nn.InstanceNorm2d`; null unless the expression is a dotted name. */
function dottedRoot(e: ast.Expr): string | null {
  if (e.kind === 'Name') return e.id;
  return e.kind === 'Attribute' ? dottedRoot(e.obj) : null;
}

/** Every call in a tree, with the class whose body holds it (the `$` keys are caches on the
 *  nodes, never children). */
function walk(node: unknown, insideClass: string | null, visit: (call: ast.CallExpr, insideClass: string | null) => void): void {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, insideClass, visit);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  if (record.kind === 'Call') visit(node as ast.CallExpr, insideClass);
  const inner = record.kind === 'ClassDef' ? (record as unknown as ast.ClassDef).name : insideClass;
  for (const key in record) {
    if (key.charCodeAt(0) === 36 /* $ */) continue;
    const v = record[key];
    if (v && typeof v === 'object') walk(v, inner, visit);
  }
}

/** `ResnetGenerator(input_nc, output_nc, ngf=64, n_blocks=6)`: `__init__`'s parameters as written. */
export function constructorSignature(cls: ClassValue, init: FunctionValue): string {
  const text = init.file.text;
  const params: string[] = [];
  for (const p of init.node.params.slice(init.node.kind === 'FunctionDef' ? 1 : 0)) {
    // A bare `*` is no parameter of the tree: it goes before the first keyword-only one.
    if (p.kind === 'kwonly' && !params.some((q) => q.startsWith('*'))) params.push('*');
    params.push(text.slice(p.from, p.to).replace(/\s+/g, ' '));
  }
  return `${cls.name}(${params.join(', ')})`;
}

/** A directive to fill in: the required parameters with `...` for their values. */
export function templateCall(cls: ClassValue, init: FunctionValue): string {
  const required = init.node.params
    .slice(init.node.kind === 'FunctionDef' ? 1 : 0)
    .filter((p) => (p.kind === 'normal' || p.kind === 'posonly' || p.kind === 'kwonly') && !p.default);
  return `${cls.name}(${required.map((p) => `${p.name}=...`).join(', ')})`;
}
