// The TensorFlow.js front end's entry point: text of a .ts/.js model file → FileReport. Runs the
// file in the interpreter, finds its models (those the top level makes, and those argument-free
// factory functions return), picks each model's input, and reports it. Never throws.
//
// Which models: every model the top level makes that no other model contains (named by the
// variable that holds it, or the function that made it), then the functions the top level never
// calls that need no arguments and return a model (`buildModel()`). A model that another reported
// model contains (an encoder inside an autoencoder) is shown there, not on its own.
//
// Which input, first that applies: `--input` (options.inputs); a `// convlens: input=1,64,64,3`
// comment on or above the model's line, or one above no model (the whole file); what the code
// declares (`inputShape`, `tf.input({shape})`, with the batch as N); the editor's default input;
// the declared shape with open dimensions (null) set to the default image size.

import { freshGeometry } from '../geometry';
import type { AnalyzeOptions, Diagnostic, DiagnosticCode, FileReport, ModelReport, Severity } from '../report';
import { splitLines } from '../python/lineIndex';
import { parseShapeText } from '../shapeText';
import { AnalysisAborted, Interpreter, ThrowSignal, clip, parseSource, skipOuter, syntaxErrors, type ModuleRecord } from './interpreter';
import { locationOf, runModelReport, type AddDiagnostic, type ModelRun } from './modelReport';
import { TF_PACKAGES, TfRuntime, type RunTensor } from './tfRuntime';
import * as ts from 'typescript';
import { construct } from './classes';
import { JsClass, JsFunction, JsObject, ModelValue, Scope, Unknown, typeName, type Site, type SourceInfo, type Value } from './values';

const DEFAULT_BUDGET = 300_000;
const MAX_FACTORIES = 8;

export { TYPESCRIPT_FILE } from './fileKinds';

interface Candidate {
  name: string;
  model: ModelValue;
  classLocation: Site | null;
  /** 0-based lines a `// convlens: input=` comment may sit on or above to mean this model. */
  anchorLines: number[];
  constructionProblems: number;
  directiveInputs?: number[][] | null;
}

interface Directive {
  /** 0-based line of the comment. */
  line: number;
  shapes: number[][] | null;
  model: string | null;
}

export function analyzeTypeScriptFile(options: AnalyzeOptions): FileReport {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  let currentModel: string | undefined;
  let file: SourceInfo | null = null;
  const addDiagnostic: AddDiagnostic = (severity, code, message, site, extra = {}) => {
    const loc = site ? locationOf(site) : { file: options.file, line: 1, column: 0, endLine: 1, endColumn: 0 };
    const key = `${code}|${message}|${loc.file}|${loc.line}|${loc.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push({ severity, code, message, ...loc, ...(currentModel ? { model: currentModel } : {}), ...extra });
  };
  const report: FileReport = { file: options.file, models: [], diagnostics };
  // The editor opens every TypeScript and JavaScript file: only model code is worth running.
  if (!mayHoldModels(options)) return report;
  try {
    file = parseSource(options.file, options.text);
    analyzeInto(options, file, report, addDiagnostic, (m) => (currentModel = m));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    addDiagnostic('error', 'unknown', `ConvLens could not analyse this file: ${message}`, null);
  }
  return report;
}

/** Mentions TensorFlow.js (an import, `tf.layers`, a directive) or is asked about a model. */
function mayHoldModels(options: AnalyzeOptions): boolean {
  return options.model !== undefined || /@tensorflow\/tfjs|\btf\.(layers|sequential|model|input)\b|convlens:/.test(options.text);
}

function analyzeInto(options: AnalyzeOptions, file: SourceInfo, report: FileReport, addDiagnostic: AddDiagnostic, setModel: (m: string | undefined) => void): void {
  for (const err of syntaxErrors(file).slice(0, 20)) addDiagnostic('hint', 'syntax', `Syntax: ${err.message}`, { file, from: err.from, to: err.to });

  let runtime: TfRuntime | null = null;
  const interp = new Interpreter({
    stepBudget: options.stepBudget ?? DEFAULT_BUDGET,
    timeLimitMs: options.timeLimitMs,
    isCancelled: options.isCancelled,
    readFile: (p) => (p === options.file ? options.text : options.readFile(p)),
    whyNotRead: options.whyNotRead,
    diagnostic: (severity: Severity, code: DiagnosticCode, message: string, site: Site | null) => addDiagnostic(severity, code, message, site),
    importPackage: (spec) => (TF_PACKAGES.has(spec) ? runtime!.namespace : spec === '@tensorflow/tfjs-core' ? new JsObject('tf') : null),
  });
  runtime = new TfRuntime(interp, options.defaultImageSize ?? 224);
  // A browser script loaded after TF.js's <script> tag uses the global `tf` (a file that imports
  // or requires it binds its own).
  interp.globals.declare('tf', runtime.namespace, true);

  let record: ModuleRecord;
  try {
    record = interp.runModule(file);
  } catch (e) {
    reportAbort(e, addDiagnostic);
    record = interp.modules.get(file.path)!;
    if (!record) return;
  }
  const directives = parseDirectives(file.text);
  const candidates: Candidate[] = [];
  const modelDirectives = directives.filter((d) => d.model);
  if (options.model) {
    const c = evaluateModelExpression(interp, options.model, record.scope, addDiagnostic, null);
    if (c) candidates.push(c);
  } else if (modelDirectives.length) {
    for (const d of modelDirectives) {
      const where = lineSite(file, d.line);
      const c = evaluateModelExpression(interp, d.model!, record.scope, addDiagnostic, where);
      if (c) candidates.push({ ...c, directiveInputs: d.shapes, anchorLines: [...c.anchorLines, d.line] });
    }
  } else {
    candidates.push(...defaultModels(interp, runtime, record, addDiagnostic));
  }

  const anchored = new Set(candidates.flatMap((c) => c.anchorLines));
  for (const c of candidates) {
    setModel(c.name);
    const choice = chooseInputs(c, options, directives, anchored, runtime, file, addDiagnostic);
    if (choice === 'invalid') {
      report.models.push(emptyModel(c));
      continue;
    }
    if (!choice) {
      addDiagnostic('info', 'unknown',
        `${c.name}: no input shape — give the first layer an \`inputShape\`, or add a "// convlens: input=1,224,224,3" comment above the model`,
        c.classLocation);
      report.models.push(emptyModel(c));
      continue;
    }
    try {
      report.models.push(runModelReport(runtime, { ...c, className: classNameOf(c.model), inputs: choice.inputs, inputSource: choice.source }, interp.values, addDiagnostic));
    } catch (e) {
      reportAbort(e, addDiagnostic);
      report.models.push(emptyModel(c));
    }
  }
  setModel(undefined);
}

function reportAbort(e: unknown, addDiagnostic: AddDiagnostic): void {
  if (e instanceof AnalysisAborted) addDiagnostic('warning', 'unknown', e.message, e.site);
  else if (e instanceof ThrowSignal) addDiagnostic('error', 'raise', 'uncaught exception', e.site);
  else throw e;
}

const classNameOf = (m: ModelValue): string => (m.kind === 'sequential' ? 'Sequential' : 'LayersModel');

function emptyModel(c: Candidate): ModelReport {
  return {
    name: c.name,
    className: classNameOf(c.model),
    classLocation: c.classLocation ? locationOf(c.classLocation) : null,
    inputs: [],
    inputSource: 'inferred',
    outputs: [],
    params: 0,
    macs: 0,
    layers: [],
    values: [],
    incomplete: true,
  };
}

function lineOf(site: Site): number {
  return site.file.sf.getLineAndCharacterOfPosition(site.from).line;
}

function lineSite(file: SourceInfo, line: number): Site {
  const starts = file.sf.getLineStarts();
  return { file, from: starts[line] ?? 0, to: starts[line + 1] ?? file.text.length };
}

// ---------- which models ----------

/** The models a model contains (nested models used as layers), itself included. */
function containedModels(m: ModelValue, runtime: TfRuntime, out = new Set<ModelValue>()): Set<ModelValue> {
  if (out.has(m)) return out;
  out.add(m);
  if (m.kind === 'sequential') {
    for (const e of m.entries) if (e.layer instanceof ModelValue) containedModels(e.layer, runtime, out);
  } else {
    const graph = runtime.graphOf(m);
    if (typeof graph !== 'string') for (const n of graph) if (n.layer instanceof ModelValue) containedModels(n.layer, runtime, out);
  }
  return out;
}

/** A parameter the TF.js namespace is handed in through (`function createModel(tf) {…}`, a module
 *  shared by Node and the browser): named as TF.js's global is. */
function isTfParameter(p: ts.ParameterDeclaration): boolean {
  return ts.isIdentifier(p.name) && p.name.text === 'tf' && !p.initializer && !p.dotDotDotToken;
}

/** The arguments a function is tried with: none, or the namespace for `tf` parameters; null: it
 *  needs others. */
function trialArguments(fn: JsFunction | null, tf: Value): Value[] | null {
  if (!fn) return [];
  const args: Value[] = [];
  for (const p of fn.node.parameters) {
    if (isTfParameter(p)) args.push(tf);
    else if (p.initializer || p.questionToken || p.dotDotDotToken || (ts.isIdentifier(p.name) && p.name.text === 'this')) args.push(undefined);
    else return null;
  }
  while (args.length && args[args.length - 1] === undefined) args.pop();
  return args;
}

const argumentText = (args: Value[]): string => args.map((a) => (a === undefined ? 'undefined' : 'tf')).join(', ');

function defaultModels(interp: Interpreter, runtime: TfRuntime, record: ModuleRecord, addDiagnostic: AddDiagnostic): Candidate[] {
  const file = record.file;
  const inFile = (s: Site | null | undefined): s is Site => !!s && s.file.path === file.path;
  const found: Candidate[] = [];
  const functionSite = new Map<JsFunction, Site>(record.functions.map((f) => [f.fn, f.nameSite]));
  const factories: { name: string; fn: JsFunction; nameSite: Site }[] = [...record.functions];
  for (const v of record.variables) {
    const value = record.scope.vars.get(v.name)?.value;
    if (value instanceof JsFunction) {
      factories.push({ name: v.name, fn: value, nameSite: v.nameSite });
      functionSite.set(value, v.nameSite);
    }
  }
  const anchors = (m: ModelValue, ...extra: (Site | null | undefined)[]): number[] =>
    [...extra, m.created.find(inFile), m.madeIn ? functionSite.get(m.madeIn) : undefined].filter(inFile).map(lineOf);

  // Models the top level made.
  const topModels = [...runtime.models];
  const calledAtTop = new Set(factories.filter((f) => f.fn.calls > 0).map((f) => f.fn));
  const boundName = new Map<ModelValue, { name: string; site: Site }>();
  for (const v of record.variables) {
    const value = record.scope.vars.get(v.name)?.value;
    if (value instanceof ModelValue && !boundName.has(value)) boundName.set(value, { name: v.name, site: v.nameSite });
    // A model an object holds: `const net = new Net()` with `this.model = tf.sequential()`.
    if (value instanceof JsObject) {
      for (const [key, field] of value.props) if (field instanceof ModelValue && !boundName.has(field)) boundName.set(field, { name: `${v.name}.${key}`, site: v.nameSite });
    }
  }
  const exported = record.exports.get('default');
  for (const m of topModels) {
    const bound = boundName.get(m);
    // Models an imported file makes belong to that file (unless this one keeps them in a variable).
    if (!bound && !m.created.some(inFile)) continue;
    const maker = m.madeIn ? functionSite.get(m.madeIn) : undefined;
    const name = bound?.name ?? (m === exported ? 'default' : m.madeIn ? `${m.madeIn.name}()` : `${m.kind === 'sequential' ? 'tf.sequential' : 'tf.model'}@${lineOf(m.created[0]!) + 1}`);
    const classLocation = bound?.site ?? maker ?? m.created.find(inFile) ?? null;
    // Problems met at the top level are not charged to its models: the hints show them.
    found.push({ name, model: m, classLocation, anchorLines: anchors(m, bound?.site, maker), constructionProblems: 0 });
  }

  // Factories the top level never called.
  let called = 0;
  for (const f of factories) {
    if (called >= MAX_FACTORIES) break;
    const args = trialArguments(f.fn, runtime.namespace);
    if (calledAtTop.has(f.fn) || !args || f.name.startsWith('_')) continue;
    called++;
    const before = interp.problems;
    const modelsBefore = runtime.models.length;
    let value: Value;
    try {
      value = interp.invoke(f.fn, args, undefined, f.nameSite, true);
    } catch (e) {
      if (e instanceof ThrowSignal) continue;
      reportAbort(e, addDiagnostic);
      break;
    }
    const made = runtime.models.slice(modelsBefore);
    if (value instanceof ModelValue && made.includes(value)) {
      found.push({ name: `${f.name}(${argumentText(args)})`, model: value, classLocation: f.nameSite, anchorLines: anchors(value, f.nameSite), constructionProblems: interp.problems - before });
    }
  }

  // Classes the top level never built: `new LeNet()` (a model subclass), `new Net().model` (a
  // model it holds), `new Builder().build()` (a method that needs no arguments and returns one).
  for (const c of record.classes) {
    const cls = record.scope.vars.get(c.name)?.value;
    if (called >= MAX_FACTORIES) break;
    const ctorArgs = cls instanceof JsClass ? trialArguments(cls.ctor, runtime.namespace) : null;
    if (!(cls instanceof JsClass) || cls.constructed > 0 || c.name.startsWith('_') || !ctorArgs) continue;
    called++;
    const before = interp.problems;
    const modelsBefore = runtime.models.length;
    let instance: Value;
    try {
      instance = construct(interp, cls, ctorArgs, c.nameSite);
    } catch (e) {
      if (e instanceof ThrowSignal) continue;
      reportAbort(e, addDiagnostic);
      break;
    }
    const made = (): ModelValue[] => runtime.models.slice(modelsBefore);
    const candidate = (name: string, model: ModelValue): void => {
      found.push({ name, model, classLocation: c.nameSite, anchorLines: anchors(model, c.nameSite), constructionProblems: interp.problems - before });
    };
    if (instance instanceof ModelValue && made().includes(instance)) {
      candidate(`new ${c.name}(${argumentText(ctorArgs)})`, instance);
      continue;
    }
    if (!(instance instanceof JsObject)) continue;
    let any = false;
    for (const [key, field] of instance.props) {
      if (field instanceof ModelValue && made().includes(field)) {
        candidate(`new ${c.name}(${argumentText(ctorArgs)}).${key}`, field);
        any = true;
      }
    }
    if (any) continue;
    for (const [key, method] of cls.methods) {
      if (called >= MAX_FACTORIES) break;
      const methodArgs = trialArguments(method, runtime.namespace);
      if (key.startsWith('_') || !methodArgs) continue;
      called++;
      const count = runtime.models.length;
      let value: Value;
      try {
        value = interp.invoke(method, methodArgs, instance, c.nameSite, true);
      } catch (e) {
        if (e instanceof ThrowSignal) continue;
        reportAbort(e, addDiagnostic);
        break;
      }
      if (value instanceof ModelValue && runtime.models.slice(count).includes(value)) candidate(`new ${c.name}(${argumentText(ctorArgs)}).${key}(${argumentText(methodArgs)})`, value);
    }
  }

  // A model inside another reported model (or made by the same function as one inside it) is
  // shown there.
  const inside = new Set<ModelValue>();
  const makersInside = new Set<JsFunction>();
  for (const c of found) {
    for (const sub of containedModels(c.model, runtime)) {
      if (sub === c.model) continue;
      inside.add(sub);
      if (sub.madeIn) makersInside.add(sub.madeIn);
    }
  }
  const kept = found.filter((c) => !inside.has(c.model) && !(c.model.madeIn && makersInside.has(c.model.madeIn)));
  // Two candidates for one model (a factory's result also bound at the top): keep the first.
  const unique = kept.filter((c, i) => kept.findIndex((o) => o.model === c.model) === i);
  return unique.sort((a, b) => (a.classLocation?.from ?? 0) - (b.classLocation?.from ?? 0));
}

function evaluateModelExpression(interp: Interpreter, expr: string, scope: Scope, addDiagnostic: AddDiagnostic, where: Site | null): Candidate | null {
  const fail = (message: string): null => {
    addDiagnostic('error', 'invalid-argument', message, where);
    return null;
  };
  const source = parseSource('<model>.ts', expr);
  const stmt = source.sf.statements[0];
  if (source.sf.statements.length !== 1 || !stmt || !ts.isExpressionStatement(stmt) || syntaxErrors(source).length) {
    return fail(`model expression \`${expr}\` is not a TypeScript expression`);
  }
  const before = interp.problems;
  let value: Value;
  try {
    value = interp.evalIn(source, stmt.expression, new Scope(scope));
  } catch (e) {
    if (e instanceof AnalysisAborted) return fail(`model expression \`${expr}\` did not evaluate: ${e.message}`);
    if (e instanceof ThrowSignal) return fail(`model expression \`${expr}\` threw an exception`);
    throw e;
  }
  if (!(value instanceof ModelValue)) {
    return fail(`model expression \`${expr}\` did not give a TF.js model (got ${value instanceof Unknown ? value.reason : typeName(value)})`);
  }
  const callee = skipOuter(stmt.expression);
  const fnName = ts.isCallExpression(callee) && ts.isIdentifier(callee.expression) ? callee.expression.text : null;
  const fnBinding = fnName ? scope.lookup(fnName)?.value : undefined;
  const fnSite = fnBinding instanceof JsFunction && ts.isFunctionDeclaration(fnBinding.node) && fnBinding.node.name ? interp.site(fnBinding.node.name, fnBinding.file) : null;
  const classLocation = fnSite ?? value.created.find((s) => s.file !== source) ?? null;
  return {
    name: clip(expr, 200),
    model: value,
    classLocation,
    anchorLines: classLocation ? [lineOf(classLocation)] : [],
    constructionProblems: interp.problems - before,
  };
}

// ---------- which input ----------

const DIRECTIVE = /\/\/\s*convlens:\s*(.*)$/;

/** `// convlens: input=1,64,64,3`, `// convlens: model=buildModel(32) input=1,32,32,3`. */
function parseDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  if (!text.includes('convlens:')) return out;
  splitLines(text).forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const body = m[1]!;
    const keys = [...body.matchAll(/\b(input|model)\s*=/g)];
    let shapes: number[][] | null = null;
    let model: string | null = null;
    keys.forEach((k, j) => {
      const value = body.slice(k.index! + k[0].length, keys[j + 1]?.index ?? body.length).trim();
      if (k[1] === 'input') shapes = parseShapeText(value);
      else model = value || null;
    });
    if (shapes || model) out.push({ line: i, shapes, model });
  });
  return out;
}

/** The code line a comment belongs to: its own (a trailing comment) or the next one that is code. */
function attachedLine(lines: string[], line: number): number {
  const own = lines[line]!.replace(DIRECTIVE, '').trim();
  if (own) return line;
  for (let l = line + 1; l < lines.length; l++) {
    const s = lines[l]!.trim();
    if (s === '' || s.startsWith('//') || s.startsWith('/*') || s.startsWith('*') || s.startsWith('@')) continue;
    return l;
  }
  return -1;
}

/** The model's input and where it came from; null: there is none; 'invalid': --input does not fit
 *  the model (an error says so). */
function chooseInputs(c: Candidate, options: AnalyzeOptions, directives: Directive[], anchored: Set<number>, runtime: TfRuntime, file: SourceInfo, addDiagnostic: AddDiagnostic): { inputs: RunTensor[]; source: ModelReport['inputSource'] } | null | 'invalid' {
  const declared = runtime.declaredInputs(c.model);
  const arity = declared?.length ?? 1;
  const given = (shapes: number[][], source: ModelReport['inputSource'], where: Site | null): { inputs: RunTensor[]; source: ModelReport['inputSource'] } | null => {
    if (shapes.length !== arity) {
      addDiagnostic('error', 'invalid-argument', `${c.name} has ${arity} input${arity === 1 ? '' : 's'}, ${shapes.length} shape${shapes.length === 1 ? ' was' : 's were'} given`, where);
      return null;
    }
    return { inputs: shapes.map((s) => ({ shape: [...s], geometry: s.length >= 3 ? freshGeometry(s.length - 2) : null, batchSymbolic: false })), source };
  };
  if (options.inputs?.length) return given(options.inputs, 'argument', null) ?? 'invalid';
  if (c.directiveInputs) {
    const r = given(c.directiveInputs, 'directive', c.classLocation);
    if (r) return r;
  }
  const lines = splitLines(file.text);
  const inputDirectives = directives.filter((d) => d.shapes && !d.model);
  const own = inputDirectives.find((d) => c.anchorLines.includes(attachedLine(lines, d.line)));
  if (own) {
    const r = given(own.shapes!, 'directive', lineSite(file, own.line));
    if (r) return r;
  }
  // Above no model at all: for the whole file.
  const fileWide = inputDirectives.find((d) => !anchored.has(attachedLine(lines, d.line)));
  if (fileWide) {
    const r = given(fileWide.shapes!, 'directive', lineSite(file, fileWide.line));
    if (r) return r;
  }
  const open = declared?.some((t) => t.declared?.slice(1).some((d) => d === null)) ?? false;
  if (declared && !open) return { inputs: declared.map((t) => runtime.tensorInput(t)), source: 'code' };
  if (options.defaultInputs?.length) {
    const r = given(options.defaultInputs, 'argument', null);
    if (r) return r;
  }
  if (declared) return { inputs: declared.map((t) => runtime.tensorInput(t)), source: 'inferred' };
  return null;
}
