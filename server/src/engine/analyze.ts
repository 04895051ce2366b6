// The engine's entry point: text of a model file → FileReport. Runs the file in the abstract
// interpreter, picks the models and their inputs, runs forward with shapes, and turns what the
// recorder saw into layers, totals and diagnostics. Never throws.

import { footprintHoles, footprintPatterns, type Footprint } from './footprint';
import { freshGeometry, isUneven, stackOverlapPattern, type OverlapStackLayer } from './geometry';
import type { AxisGeometry, Tensor } from './ops/types';
import { flagInexactCounts } from './exactRange';
import { containerReports, fillLayerMemory, fillUncalledMemory, modelMemory } from './memory';
import * as R from './rational';
import { parseShapeText } from './shapeText';
import { constructorSignature, findProjectCalls, findProjectCallsOf, importsModule, projectFiles, templateCall, type ProjectAccess } from './projectModels';
import type { AnalyzeOptions, Diagnostic, DiagnosticCode, FootprintAxis, ModelCandidate, ProjectCall, FileReport, LayerReport, ModelReport, Severity, SizeSet, SourceLocation, ValueReport } from './report';
import { installBuiltins } from './python/builtins';
import { AnalysisAborted, DEFAULT_TIME_LIMIT_MS, Interpreter, parsedFile, PyError, type InterpreterOptions } from './python/interpreter';
import type * as ast from './python/ast';
import { splitLines } from './python/lineIndex';
import { Recorder, tensorsIn, type LayerRecord } from './python/recorder';
import { installTorch, type TorchEnvironment } from './python/torchLib';
import { TYPESCRIPT_FILE } from './typescript/fileKinds';
import { axisNames, MAX_CHECKED_SIZE, stopsProbe, validInputSizes, type SizeScanOptions } from './inputSizes';
import { firstLayersApplied, guessInputs, type InputNeed } from './inputGuess';
import { callerInputs } from './callerInputs';
import { chooseSize, nearestSizes } from './sizeSets';
import type { ClassValue, InstanceValue, ModuleObjectValue, Scope, Site, SourceFile, TensorValue, UnknownValue, Value } from './python/values';

const DEFAULT_BUDGET = 1_000_000;
const MAX_FACTORY_ATTEMPTS = 3;

interface Candidate {
  name: string;
  instance: InstanceValue;
  /** Inputs seen in the `__main__` block, if the model was called there. */
  mainInputs: number[][] | null;
  /** Statements that failed while the model was built: layers may be missing. */
  constructionProblems: number;
  /** Where the first of them is (Interpreter.problems). */
  firstProblem?: Site | null;
  /** `input=` given on the `# convlens: model=...` comment that named this model. */
  directiveInputs?: number[][] | null;
  /** Not from the analysed file: a call found in the project, or another file's model. */
  source?: ModelReport['modelSource'];
  /** The file whose `input=` directives apply (another file's model: that file's). */
  inputFile?: { file: SourceFile; directives: Directive[] };
}

export function analyzeFile(options: AnalyzeOptions): FileReport {
  // TensorFlow.js models in TypeScript/JavaScript have their own front end.
  if (TYPESCRIPT_FILE.test(options.file)) return typeScriptFrontEnd().analyzeTypeScriptFile(options);
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  let currentModel: string | undefined;
  // Where a diagnostic without a site of its own goes while a model runs: its class.
  let modelSite: Site | null = null;
  const addDiagnostic = (severity: Severity, code: DiagnosticCode, message: string, site: Site | null, extra: Partial<Diagnostic> = {}): void => {
    const at = site ?? modelSite;
    const loc = at ? locationOf(at) : { file: options.file, line: 1, column: 0, endLine: 1, endColumn: 0 };
    const key = `${code}|${message}|${loc.file}|${loc.line}|${loc.column}`;
    if (seen.has(key)) return;
    seen.add(key);
    diagnostics.push({ severity, code, message, ...loc, ...(currentModel ? { model: currentModel } : {}), ...extra });
  };
  const report: FileReport = { file: options.file, models: [], diagnostics };
  // Python exceptions are JS errors here and may be many; their JS stacks are never shown.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    analyzeInto(options, report, addDiagnostic, (m, where) => {
      currentModel = m;
      modelSite = where ?? null;
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    addDiagnostic('error', 'unknown', `ConvLens could not analyse this file: ${message}`, null);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return report;
}

/** The TypeScript compiler is large: it is loaded with the first TS/JS file, never for Python. */
function typeScriptFrontEnd(): typeof import('./typescript/analyzeTs') {
  return require('./typescript/analyzeTs') as typeof import('./typescript/analyzeTs');
}

type AddDiagnostic = (severity: Severity, code: DiagnosticCode, message: string, site: Site | null, extra?: Partial<Diagnostic>) => void;

function analyzeInto(options: AnalyzeOptions, report: FileReport, addDiagnostic: AddDiagnostic, setModel: (m: string | undefined, where?: Site | null) => void): void {
  // Parsed first: the interpreter's clock covers interpretation, not reading the file.
  const { module: tree, file } = parsedFile(options.file, options.text);
  // While a model runs on a guessed input, its errors are warnings that say the input was a guess.
  let guessNote: string | null = null;
  // Errors raised while a model runs (before a guess turns them into warnings): none, and the
  // input runs, so a lazy size scan may wait.
  let errorsRaised = 0;
  // A keystroke's run at a first guess, until it is known to be the guess's own run (below): its
  // diagnostics are held back, and dropped with it when it is not.
  let held: Parameters<AddDiagnostic>[] | null = null;
  const emit: AddDiagnostic = (...d) => {
    if (held) held.push(d);
    else addDiagnostic(...d);
  };
  const { interp, torch } = interpreterFor(options, {
    readFile: (p) => (p === options.file ? options.text : options.readFile(p)),
    whyNotRead: options.whyNotRead,
    diagnostics: (severity, code, message, site) => {
      if (severity === 'error') errorsRaised++;
      if (guessNote && severity === 'error') emit('warning', code as DiagnosticCode, `${message} (${guessNote})`, site);
      else emit(severity, code as DiagnosticCode, message, site);
    },
    stepBudget: options.stepBudget ?? DEFAULT_BUDGET,
    timeLimitMs: options.timeLimitMs,
    isCancelled: options.isCancelled,
    searchPaths: options.searchPaths,
    isDirectory: options.isDirectory,
    listDirectory: options.listDirectory,
    analysedFile: options.file,
    astCache: options.astCache,
  });

  for (const err of tree.errors.slice(0, 20)) {
    addDiagnostic('hint', 'syntax', `Syntax: ${err.message}`, { file, from: err.from, to: err.to });
  }

  let module: ModuleObjectValue;
  try {
    module = interp.runFile(options.file, options.text, moduleNameOf(options.file), false, tree);
  } catch (e) {
    reportAbort(e, addDiagnostic);
    report.libraries = interp.resolver.listLibraries();
    return;
  }
  const scope = moduleScope(module, file);

  const mainCalls = runMainBlocks(interp, torch, tree, scope, addDiagnostic);
  const candidates: Candidate[] = [];
  const directives = parseDirectives(options.text);
  const modelDirectives = directives.filter((d) => d.model);
  if (options.model) {
    const c = evaluateModelExpression(interp, torch, options.model, scope, addDiagnostic);
    if (c) candidates.push(c);
  } else if (options.through) {
    const access: ProjectAccess = { file: options.file, readFile: options.readFile, listDirectory: options.listDirectory, roots: projectRoots(options) };
    let c: Candidate | null = null;
    try {
      c = modelThroughImporter(interp, torch, file, moduleNameOf(options.file), [options.through], projectFiles(access), options, false);
      if (!c) addDiagnostic('error', 'invalid-argument', `no model of ${options.through} could be built that uses the classes of this file (see the hints)`, null);
    } catch (e) {
      reportAbort(e, addDiagnostic);
    }
    if (c) candidates.push(c);
  } else if (modelDirectives.length) {
    for (const d of modelDirectives) {
      const c = evaluateModelExpression(interp, torch, d.model!, scope, addDiagnostic, { file, line: d.line });
      if (c) candidates.push({ ...c, directiveInputs: d.shapes });
    }
    // The other classes that need arguments keep their ▶ Analyse (a listing only: a directive
    // decides which models are analysed).
    if (candidates.length) {
      try {
        const choice = modelsFromProject(interp, torch, module, scope, options, candidates);
        if (choice.listing.length) report.modelCandidates = choice.listing;
      } catch (e) {
        reportAbort(e, addDiagnostic);
      }
    }
  } else {
    candidates.push(...defaultModels(interp, torch, module, options.file, mainCalls, addDiagnostic));
    try {
      const choice = modelsFromProject(interp, torch, module, scope, options, candidates);
      candidates.push(...choice.models);
      if (choice.listing.length) report.modelCandidates = choice.listing;
    } catch (e) {
      reportAbort(e, addDiagnostic);
    }
  }

  for (const candidate of candidates) {
    setModel(candidate.name, candidate.instance.cls.site);
    const inputChoice = chooseInputs(candidate, options, candidate.inputFile?.directives ?? directives, candidate.inputFile?.file ?? file);
    if (!inputChoice) {
      addDiagnostic('info', 'unknown', `${candidate.name}: no input shape could be chosen; add a "# convlens: input=(1, 3, 224, 224)" comment above the class`, candidate.instance.cls.site);
      report.models.push(emptyModel(candidate));
      continue;
    }
    const sizeOptions = {
      max: MAX_CHECKED_SIZE, timeMs: options.validSizesTimeMs ?? sizeScanTimeMs(options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS), steps: options.validSizesSteps ?? DEFAULT_SIZES_STEPS,
    };
    const lazySizes = options.validSizes === 'whenInputFails';
    const imageSize = options.defaultImageSize ?? 224;
    const countErrors: AddDiagnostic = (severity, ...rest) => {
      if (severity === 'error') errorsRaised++;
      emit(severity, ...rest);
    };
    const guessRun = (shapes: number[][], seen?: RunSeen): ModelReport => {
      guessNote = `the input ${shapes.map((s) => s.join('×')).join(', ')} was a guess: the file gives no input`;
      try {
        return runModel(interp, torch, candidate, shapes, 'inferred', countErrors, seen);
      } finally {
        guessNote = null;
      }
    };
    let guess: GuessedInput | null = null;
    let model: ModelReport | null = null;
    const errorsBefore = errorsRaised;
    if (inputChoice.source === 'inferred') {
      // The numbers are those of inference (runModel runs forward in eval mode): so is the guess.
      torch.setTraining(candidate.instance, false);
      // A keystroke runs the model once where it can: the run at the first guess is the guess's
      // probe when the layers its inputs meet agree with it and it runs at the size asked for.
      if (lazySizes) {
        const problemsBefore = interp.problems.length;
        const undecidedBefore = interp.undecidedConditions;
        // What forward itself raised decides, as in the probe (not the warnings the report adds after
        // it, such as a statement of __init__ that could not be analysed).
        let fromForward = 0;
        const seen: RunSeen = { recorder: new Recorder(), inputs: inputChoice.shapes.map(inputTensor), forwardEnded: () => (fromForward = held?.length ?? 0) };
        held = [];
        let run: ModelReport;
        let kept: Parameters<AddDiagnostic>[];
        try {
          run = guessRun(inputChoice.shapes, seen);
        } finally {
          kept = held;
          held = null;
        }
        const needs = firstLayersApplied(seen.recorder, seen.inputs, imageSize);
        const agreed = inputChoice.shapes.every((s, i) => sameShape(needs[i]?.shape ?? s, s));
        const asAsked = inputChoice.shapes.every((s) => s.length !== inputChoice.shapes[0]!.length || s.slice(2).every((d) => d === imageSize));
        const ranClean = errorsRaised === errorsBefore && interp.problems.length === problemsBefore && interp.undecidedConditions === undecidedBefore &&
          !kept.slice(0, fromForward).some(([severity, code]) => severity === 'error' || severity === 'hint' || code === 'unknown');
        if (agreed && asAsked && ranClean) {
          for (const d of kept) addDiagnostic(...d);
          guess = { shapes: inputChoice.shapes, reason: needsReason(candidate, needs), square: null };
          model = run;
        } else {
          // Not the guess's run: the guess is solved as the complete report solves it.
          errorsRaised = errorsBefore;
          interp.problems.length = problemsBefore;
        }
      }
      guess ??= solveGuessedInput(interp, torch, candidate, inputChoice.shapes, imageSize, sizeOptions,
        { stepBudget: options.stepBudget ?? DEFAULT_BUDGET, timeLimitMs: options.timeLimitMs ?? DEFAULT_TIME_LIMIT_MS }, lazySizes);
    }
    const shapes = guess?.shapes ?? inputChoice.shapes;
    model ??= guess ? guessRun(shapes) : runModel(interp, torch, candidate, shapes, inputChoice.source, countErrors);
    if (guess) model.inputReason = guess.reason;
    if (sizeOptions.timeMs > 0 && sizeOptions.steps > 0) {
      // A guess that scanned sizes to choose one reports them (its square set) as the CLI would.
      if (lazySizes && errorsRaised === errorsBefore && !guess?.square) model.validSizesDeferred = true;
      else validSizesOf(interp, torch, candidate, model, guess, sizeOptions, addDiagnostic);
    }
    if (candidate.source) model.modelSource = candidate.source;
    report.models.push(model);
  }
  setModel(undefined);
  // An import of the user's code that found no file: whatever the model took from it is unknown.
  if (interp.missingImports.length) for (const m of report.models) m.incomplete = true;
  // An import that fails in Python (a circular import): the file does not run past it there.
  if (interp.failedImports.length) for (const m of report.models) m.incomplete = true;
  report.libraries = interp.resolver.listLibraries();
  libraryEffectsNotFollowed(interp, report, addDiagnostic);
  // Last: what those functions import or fail on is no part of the report.
  noteCallerInputs(interp, torch, module, options.file, candidates, report.models);
  keepLibraryWorld(options, interp, torch);
}

/** Models analysed on a guess: the input the file's own argument-free functions (a `test()`) call
 *  their class with. Run after every model, so nothing those functions change reaches a report. */
function noteCallerInputs(interp: Interpreter, torch: TorchEnvironment, module: ModuleObjectValue, path: string,
  candidates: Candidate[], models: ModelReport[]): void {
  const guessed = new Map<ClassValue, ModelReport[]>();
  for (const m of models) {
    // A keystroke's model that runs on its guess waits, with its sizes, for the completed report:
    // running the file's functions is not for every keystroke.
    if (m.inputSource !== 'inferred' || !m.inputs.length || m.validSizesDeferred) continue;
    const c = candidates.find((k) => k.name === m.name);
    if (c) guessed.set(c.instance.cls, [...(guessed.get(c.instance.cls) ?? []), m]);
  }
  if (!guessed.size) return;
  for (const [cls, input] of callerInputs(interp, torch, module, path, new Set(guessed.keys()))) {
    for (const m of guessed.get(cls) ?? []) {
      if (JSON.stringify(input.shapes) !== JSON.stringify(m.inputs)) m.callerInput = input;
    }
  }
}

/** A library the analysis read has a top-level statement that failed and did more than bind names
 *  (a registry it fills, a setting it changes): what the models got from it may differ. */
function libraryEffectsNotFollowed(interp: Interpreter, report: FileReport, addDiagnostic: AddDiagnostic): void {
  const libraries = report.libraries ?? [];
  const failed = [...interp.libraryEffectFailures].filter(([path]) => libraries.some((l) => path === l.path || path.startsWith(`${l.path}/`)));
  if (!failed.length || !report.models.length) return;
  for (const m of report.models) m.incomplete = true;
  const [path, site] = failed[0]!;
  addDiagnostic('warning', 'unknown', `${failed.length} statement${failed.length === 1 ? '' : 's'} of installed libraries that do more than define names could not be analysed (first in ${path}), so the models may differ from what the library builds`, site);
}

// ---------- the library world shared between analyses ----------

/**
 * The interpreter of the last analysis, with the library modules it loaded (torchvision's hundred
 * files, parsed and run): the next analysis with the same search path starts from it instead of
 * running them again. It is used only while every library file it read is unchanged (read again
 * through the caller, which also learns them as dependencies) and while no model code has written
 * into a library's values; the user's own modules are always run afresh. Without libraries it
 * still saves installing the builtins and torch (written into, they are not reused either).
 */
interface LibraryWorld {
  key: string;
  interp: Interpreter;
  torch: TorchEnvironment;
}

let libraryWorld: LibraryWorld | null = null;

function worldKey(options: AnalyzeOptions): string {
  return JSON.stringify(options.searchPaths ?? []);
}

function interpreterFor(options: AnalyzeOptions, interpreterOptions: InterpreterOptions): { interp: Interpreter; torch: TorchEnvironment } {
  const world = libraryWorld;
  // Taken, not borrowed: an analysis that fails half-way never hands a half-used world on.
  libraryWorld = null;
  if (world && world.key === worldKey(options) && !world.interp.sharedStateChanged && libraryFilesUnchanged(world.interp, interpreterOptions.readFile)) {
    world.interp.beginAnalysis(interpreterOptions);
    return world;
  }
  const interp = new Interpreter(interpreterOptions);
  installBuiltins(interp);
  const torch = installTorch(interp);
  interp.worldInstalled();
  return { interp, torch };
}

function libraryFilesUnchanged(interp: Interpreter, readFile: (path: string) => string | null): boolean {
  for (const [path, text] of interp.loadedLibraryFiles()) if (readFile(path) !== text) return false;
  return true;
}

function keepLibraryWorld(options: AnalyzeOptions, interp: Interpreter, torch: TorchEnvironment): void {
  if (!interp.sharedStateChanged) {
    libraryWorld = { key: worldKey(options), interp, torch };
  }
}

/** Drops the shared library world (tests that need a first, cold analysis). */
export function forgetLibraryWorld(): void {
  libraryWorld = null;
}

function moduleNameOf(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base.replace(/\.py$/, '');
}

function moduleScope(module: ModuleObjectValue, file: SourceFile): Scope {
  const scope: Scope = { vars: module.attrs, parent: null, globals: undefined as unknown as Scope, file };
  (scope as { globals: Scope }).globals = scope;
  return scope;
}

/** The problems the interpreter noted since `before`: how many, and the first one's site. */
function problemsSince(interp: Interpreter, before: number): { constructionProblems: number; firstProblem: Site | null } {
  return { constructionProblems: interp.toleratedErrors - before, firstProblem: interp.problems[before] ?? null };
}

/** `fallback`: where to report an error that carries no site (raised by a native called from
 *  the analysis itself): the construct being run, never the top of the file. */
function reportAbort(e: unknown, addDiagnostic: AddDiagnostic, fallback: Site | null = null): void {
  if (e instanceof AnalysisAborted) addDiagnostic('warning', 'unknown', e.message, e.site ?? fallback);
  else if (e instanceof PyError) addDiagnostic(e.explicit ? 'error' : 'hint', e.explicit ? 'raise' : 'unknown', `${e.excType}: ${e.pyMessage}`, e.site ?? fallback);
  else throw e;
}

// ---------- which models ----------

/** `if __name__ == "__main__":` bodies run with module calls captured instead of executed. */
function runMainBlocks(interp: Interpreter, torch: TorchEnvironment, tree: ast.PyModule, scope: Scope, addDiagnostic: AddDiagnostic): Map<InstanceValue, number[][] | null> {
  const calls = new Map<InstanceValue, number[][] | null>();
  const mains = tree.body.filter((s): s is ast.IfStmt => s.kind === 'If' && isMainTest(s.test));
  if (!mains.length) return calls;
  const capture = interp.lookupClassAttr(torch.moduleClass, '__call__');
  // While the main block runs, calling a model records its inputs and yields Unknown.
  torch.moduleClass.attrs.set('__call__', {
    kind: 'native', id: -1, name: 'Module.__call__(main)', bindsSelf: true,
    call: (args) => {
      const self = args.positional[0];
      if (self && self.kind === 'instance') {
        const shapes = args.positional.slice(1).filter((a): a is TensorValue => a.kind === 'tensor').map((t) => [...t.shape]);
        if (!calls.get(self)) calls.set(self, shapes.length ? shapes : null);
      }
      return { kind: 'unknown', reason: 'model output in __main__ is not followed', site: null };
    },
  });
  try {
    for (const m of mains) {
      try {
        interp.execBlock(m.body, scope);
      } catch (e) {
        reportAbort(e, addDiagnostic, interp.site(scope.file, m));
      }
    }
    // Models built in main but not called.
    for (const v of scope.vars.values()) {
      if (v.kind === 'instance' && v.module && !calls.has(v) && v.cls.site?.file.path === scope.file.path) calls.set(v, null);
    }
  } finally {
    if (capture) torch.moduleClass.attrs.set('__call__', capture);
  }
  return calls;
}

function isMainTest(e: ast.Expr): boolean {
  if (e.kind !== 'Compare' || e.ops.length !== 1 || e.ops[0] !== '==') return false;
  const [a, b] = [e.left, e.comparators[0]!];
  const isName = (x: ast.Expr) => x.kind === 'Name' && x.id === '__name__';
  const isMain = (x: ast.Expr) => x.kind === 'String' && x.value === '__main__';
  return (isName(a) && isMain(b)) || (isName(b) && isMain(a));
}

function evaluateModelExpression(interp: Interpreter, torch: TorchEnvironment, expr: string, scope: Scope, addDiagnostic: AddDiagnostic | null,
  directive?: { file: SourceFile; line: number }): Candidate | null {
  const { module: parsed, file: exprFile } = parsedFile('<model>', expr);
  const stmt = parsed.body[0];
  const where: Site | null = directive
    ? { file: directive.file, from: directive.file.lines.offset(directive.line, 0), to: directive.file.lines.offset(directive.line + 1, 0) }
    : null;
  const fail = (message: string): null => {
    addDiagnostic?.('error', 'invalid-argument', message, where);
    return null;
  };
  if (parsed.errors.length || parsed.body.length !== 1 || !stmt || stmt.kind !== 'Expr') {
    return fail(`model expression \`${expr}\` is not a Python expression`);
  }
  const exprScope: Scope = { vars: new Map(), parent: scope, globals: scope, file: exprFile };
  let value: Value;
  const before = interp.toleratedErrors;
  try {
    value = interp.eval(stmt.expr, exprScope);
  } catch (e) {
    // Trying calls on its own (no diagnostics): a budget that ran out is still said, by the caller.
    if (e instanceof AnalysisAborted && !addDiagnostic) throw e;
    if (e instanceof AnalysisAborted) return fail(`model expression \`${expr}\` did not evaluate: ${e.message}`);
    const why = e instanceof PyError ? `${e.excType}: ${e.pyMessage}` : e instanceof Error ? e.message : String(e);
    return fail(`model expression \`${expr}\` did not evaluate: ${why}`);
  }
  if (value.kind !== 'instance' || !value.module || !value.cls.mro.includes(torch.moduleClass)) {
    const what = value.kind === 'unknown' ? value.reason : `a ${value.kind === 'instance' ? value.cls.name : value.kind}`;
    // `--model Net` names the class; the expression is a call that builds one.
    const callIt = value.kind === 'class' && value.mro.includes(torch.moduleClass)
      ? `: it names the class; write a call that builds the model, e.g. \`${expr}(${(requiredParams(value, '__init__') ?? []).join(', ')})\`` : '';
    return fail(`model expression \`${expr}\` did not give an nn.Module (got ${what})${callIt}`);
  }
  return { name: expr, instance: value, mainInputs: null, ...problemsSince(interp, before) };
}

/** No-argument nn.Module classes of the file that no other such model uses, plus main-block models. */
function defaultModels(interp: Interpreter, torch: TorchEnvironment, module: ModuleObjectValue, path: string,
  mainCalls: Map<InstanceValue, number[][] | null>, addDiagnostic: AddDiagnostic): Candidate[] {
  const built: Candidate[] = [];
  // A model used inside another analysed model is shown there, not on its own.
  const usedInside = new Set<ClassValue>();
  const noteTree = (instance: InstanceValue): void => {
    for (const sub of submodules(instance)) if (sub !== instance) usedInside.add(sub.cls);
  };
  for (const [instance, inputs] of mainCalls) {
    // Built in the main block: the problems its own construction met.
    const [from, to] = instance.problemsWhileBuilt ?? [0, 0];
    built.push({ name: `${instance.cls.name}()`, instance, mainInputs: inputs, constructionProblems: to - from, firstProblem: interp.problems[from] ?? null });
    noteTree(instance);
  }
  const mainClasses = new Set([...mainCalls.keys()].map((i) => i.cls));
  const classes = [...module.attrs].filter(([name, v]) => v.kind === 'class' && v.name === name && v.site?.file.path === path &&
    v.mro.includes(torch.moduleClass) && !v.moduleSpec && !mainClasses.has(v)) as [string, ClassValue][];
  // Models are usually defined after their parts: building the last classes first lets the parts
  // they use be skipped without being built on their own.
  const fromLast: Candidate[] = [];
  for (const [name, cls] of classes.reverse()) {
    if (usedInside.has(cls) || !constructibleWithoutArguments(interp, cls)) continue;
    const before = interp.toleratedErrors;
    try {
      const instance = interp.call(cls, { positional: [], keywords: new Map() }, null);
      if (instance.kind === 'instance' && instance.module) {
        fromLast.push({ name: `${name}()`, instance, mainInputs: null, ...problemsSince(interp, before) });
        noteTree(instance);
      }
    } catch (e) {
      reportAbort(e, addDiagnostic, cls.site);
    }
  }
  built.push(...fromLast.reverse());
  const chosen = built.filter((c) => !usedInside.has(c.instance.cls) || c.mainInputs !== null);
  return chosen.length ? chosen : factoryModels(interp, torch, module, path, addDiagnostic);
}

/** Files like torchvision's resnet.py build every model through functions (`resnet50()`): with no
 *  model class or `__main__` block, argument-free factories of the file stand in, as few as cover
 *  all the module classes they use. */
function factoryModels(interp: Interpreter, torch: TorchEnvironment, module: ModuleObjectValue, path: string, addDiagnostic: AddDiagnostic): Candidate[] {
  const out: Candidate[] = [];
  const covered = new Set<ClassValue>();
  // Building models costs: the first few factories stand in for the rest (resnet18, resnet34 and
  // resnet50 cover every class of a ResNet file).
  let attempts = 0;
  for (const [name, v] of module.attrs) {
    if (attempts >= MAX_FACTORY_ATTEMPTS) break;
    if (v.kind !== 'function' || v.name !== name || v.file.path !== path || name.startsWith('_')) continue;
    if (!v.params.every((p) => p.kind === 'varargs' || p.kind === 'varkw' || v.defaults.has(p.name))) continue;
    attempts++;
    const before = interp.toleratedErrors;
    let instance: Value;
    try {
      instance = interp.call(v, { positional: [], keywords: new Map() }, null);
    } catch (e) {
      if (e instanceof PyError) continue;
      reportAbort(e, addDiagnostic, interp.site(v.file, v.node));
      continue;
    }
    if (instance.kind !== 'instance' || !instance.module || !instance.cls.mro.includes(torch.moduleClass)) continue;
    const classes = submodules(instance).map((m) => m.cls).filter((c) => !c.moduleSpec);
    if (classes.every((c) => covered.has(c))) continue;
    for (const c of classes) covered.add(c);
    out.push({ name: `${name}()`, instance, mainInputs: null, ...problemsSince(interp, before) });
  }
  return out;
}

function constructibleWithoutArguments(interp: Interpreter, cls: ClassValue): boolean {
  const init = interp.lookupClassAttr(cls, '__init__');
  if (!init || init.kind !== 'function') return init?.kind === 'native';
  return init.params.slice(1).every((p) => p.kind === 'varargs' || p.kind === 'varkw' || init.defaults.has(p.name));
}

function submodules(root: InstanceValue): InstanceValue[] {
  const out: InstanceValue[] = [];
  visitSubmodules(root, new Set<number>(), out);
  return out;
}

// The walks are functions of their own, not closures: each model's report runs them.
function visitSubmodules(m: InstanceValue, seen: Set<number>, out: InstanceValue[]): void {
  if (seen.has(m.id)) return;
  seen.add(m.id);
  out.push(m);
  if (m.module) for (const c of m.module.modules.values()) if (c.kind === 'instance') visitSubmodules(c, seen, out);
}

/** `named_modules()` paths, first occurrence wins. */
function modulePaths(root: InstanceValue): Map<number, string> {
  const paths = new Map<number, string>();
  visitPaths(root, '', paths);
  return paths;
}

function visitPaths(m: InstanceValue, prefix: string, paths: Map<number, string>): void {
  if (paths.has(m.id)) return;
  paths.set(m.id, prefix);
  if (!m.module) return;
  const modules = m.module.modules;
  for (const name of modules.keys()) {
    const c = modules.get(name)!;
    if (c.kind === 'instance') visitPaths(c, prefix ? `${prefix}.${name}` : name, paths);
  }
}

// ---------- which input ----------

interface Directive {
  /** 0-based line of the comment. */
  line: number;
  shapes: number[][] | null;
  model: string | null;
}

const DIRECTIVE = /#\s*convlens:\s*(.*)$/;

/** `# convlens: input=(1, 3, 224, 224)`, `# convlens: model=resnet50() input=1,3,473,473`. */
function parseDirectives(text: string): Directive[] {
  const out: Directive[] = [];
  // Most files have none: no need to split a big file into lines on every keystroke.
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
      if (k[1] === 'input') shapes = parseShapes(value);
      else model = value || null;
    });
    if (shapes || model) out.push({ line: i, shapes, model });
  });
  return out;
}

/** One parser for shapes, shared with `--input` and the editor settings. */
export const parseShapes = parseShapeText;

const linesByFile = new WeakMap<SourceFile, string[]>();
const linesOf = (file: SourceFile): string[] => {
  let lines = linesByFile.get(file);
  if (!lines) linesByFile.set(file, (lines = splitLines(file.text)));
  return lines;
};

function chooseInputs(c: Candidate, options: AnalyzeOptions, directives: Directive[], file: SourceFile): { shapes: number[][]; source: ModelReport['inputSource'] } | null {
  if (options.inputs?.length) return { shapes: options.inputs, source: 'argument' };
  const cls = c.instance.cls;
  const classLine = cls.site && cls.site.file.path === file.path ? file.lines.position(cls.site.from).line : -1;
  const attached = (d: Directive): number | null => {
    const lines = linesOf(file);
    // On the class line, or in the comment/decorator block right above a class.
    for (let l = d.line; l < lines.length; l++) {
      const s = lines[l]!.trim();
      if (l > d.line && (s === '' || !(s.startsWith('#') || s.startsWith('@')))) {
        return /^class\s/.test(s) ? l : null;
      }
      if (l === d.line && /^class\s/.test(s)) return l;
    }
    return null;
  };
  if (c.directiveInputs) return { shapes: c.directiveInputs, source: 'directive' };
  const inputs = directives.filter((d) => d.shapes && !d.model);
  const own = inputs.find((d) => attached(d) === classLine && classLine >= 0);
  if (own) return { shapes: own.shapes!, source: 'directive' };
  const fileWide = inputs.find((d) => attached(d) === null);
  if (fileWide) return { shapes: fileWide.shapes!, source: 'directive' };
  if (c.mainInputs?.length) return { shapes: c.mainInputs, source: 'main' };
  if (options.defaultInputs?.length) return { shapes: options.defaultInputs, source: 'argument' };
  const inferred = inferInput(c.instance, options.defaultImageSize ?? 224);
  return inferred ? { shapes: inferred, source: 'inferred' } : null;
}

function inferInput(root: InstanceValue, size: number): number[][] | null {
  for (const m of submodules(root)) {
    const spec = m.cls.mro.find((c) => c.moduleSpec)?.moduleSpec;
    if (!spec) continue;
    const attr = (k: string): number | null => {
      const v = m.attrs.get(k);
      return v && v.kind === 'int' ? v.value : null;
    };
    const conv = /^(Conv|ConvTranspose|LazyConv)(\d)d$/.exec(spec.name);
    const nForward = forwardArity(root);
    if (conv) {
      const c = attr('in_channels');
      if (c === null) return null;
      return Array.from({ length: nForward }, () => [1, c, ...Array.from({ length: Number(conv[2]) }, () => size)]);
    }
    if (spec.name === 'Linear') {
      const f = attr('in_features');
      return f === null ? null : Array.from({ length: nForward }, () => [1, f]);
    }
    if (/^BatchNorm(\d)d$/.test(spec.name)) {
      const c = attr('num_features');
      const nd = Number(/^BatchNorm(\d)d$/.exec(spec.name)![1]);
      return c === null ? null : Array.from({ length: nForward }, () => [1, c, ...Array.from({ length: nd }, () => size)]);
    }
  }
  return null;
}

/** The parameters a class's `method` needs (positional, no default, `self` left out); null where no class of its MRO defines it in Python. */
function requiredParams(cls: ClassValue, method: string): string[] | null {
  for (const c of cls.mro) {
    const f = c.attrs.get(method);
    if (f && f.kind === 'function') return f.params.slice(1).filter((p) => (p.kind === 'normal' || p.kind === 'posonly') && !f.defaults.has(p.name)).map((p) => p.name);
  }
  return null;
}

function forwardArity(root: InstanceValue): number {
  return Math.max(1, requiredParams(root.cls, 'forward')?.length ?? 1);
}

// ---------- guessed inputs and valid sizes ----------

/** Steps for the valid sizes of one model in the editor (about 20 ms of a U-Net: a few sizes
 *  around the input's; the CLI allows every size). */
const DEFAULT_SIZES_STEPS = 10_000;
/** The scan's time bound, a safety net for runs whose steps are slow, in analysis time limits: the
 *  same count of forward runs fits the same multiple of the limit, whether the limit is the default
 *  (1 s at 200 ms) or one raised for a slow or busy machine. Without this a caller that raised the
 *  limit so that its results do not depend on the machine's load still had a fixed 1 s scan. */
export const SIZE_SCAN_TIME_LIMITS = 5;
/** However high the limit is set, a scan holds its caller at most as long as the CLI's --valid-sizes may run. */
export const SIZE_SCAN_MAX_MS = 20_000;

export function sizeScanTimeMs(timeLimitMs: number, timeLimits = SIZE_SCAN_TIME_LIMITS): number {
  return Math.min(SIZE_SCAN_MAX_MS, timeLimits * timeLimitMs);
}

interface GuessedInput {
  shapes: number[][];
  reason: string;
  /** The square sizes scanned to choose this one; null when none were. */
  square: SizeSet | null;
}

/** A guessed input: channels from the layers each input meets first, and a spatial size the model
 *  runs on, nearest to the image size asked for. */
function solveGuessedInput(interp: Interpreter, torch: TorchEnvironment, c: Candidate, initial: number[][], imageSize: number,
  sizeOptions: SizeScanOptions, options: { stepBudget: number; timeLimitMs: number }, lazy: boolean): GuessedInput {
  const limits = { steps: options.stepBudget, ms: options.timeLimitMs };
  const { shapes: guessed, needs, probe } = guessInputs(interp, torch, c.instance, initial, imageSize, limits);
  const fromLayers = needsReason(c, needs);
  const parts: string[] = fromLayers ? [fromLayers] : [];
  let shapes = guessed;
  let square: SizeSet | null = null;
  const rank = shapes[0]?.length ?? 0;
  // The guess runs at the size asked for: that size is the one chosen (the nearest valid size to
  // it), whatever the scan would find around it.
  const runsAsGuessed = lazy && probe?.kind === 'valid' && guessed.every((s) => s.length !== rank || s.slice(2).every((d) => d === imageSize));
  if (rank >= 3 && sizeOptions.timeMs > 0 && sizeOptions.steps > 0 && !runsAsGuessed) {
    const spatial = axisNames(rank - 2).join(', ');
    // Half the steps for choosing the size, half for the report's other sets (validSizesOf).
    square = validInputSizes(interp, torch, c.instance, shapes, { ...sizeOptions, steps: sizeOptions.steps / 2, onlySquare: true })?.square ?? null;
    const chosen = square?.valid ? chooseSize(square.valid, imageSize) : null;
    if (square?.valid && chosen !== null && chosen !== imageSize) {
      shapes = shapes.map((s) => (s.length === rank ? s.map((d, k) => (k >= 2 ? chosen : d)) : s));
      parts.push(`size ${chosen}: the model does not run at ${imageSize}; it runs on ${spatial}: ${setText(square)}, of which ${chosen} is ` +
        'in the run of sizes nearest to it and divisible by the highest power of 2');
    } else if (square?.valid && chosen === null) {
      parts.push(`size ${imageSize}: the model runs on no size of ${square.checked[0]}–${square.checked[1]}`);
    } else if (square?.valid) {
      parts.push(`size ${imageSize} (${spatial}: ${setText(square)})`);
    }
  }
  return { shapes, reason: parts.join('; '), square };
}

/** Where each input's channels come from: the first layer forward applies to it. */
function needsReason(c: Candidate, needs: readonly (InputNeed | null)[]): string {
  const paths = modulePaths(c.instance);
  const names = forwardParamNames(c.instance);
  const parts: string[] = [];
  needs.forEach((need, i) => {
    if (!need) return;
    const channels = need.shape[1]!;
    const what = need.shape.length === 2 ? `${channels} features` : `${channels} channel${channels === 1 ? '' : 's'}`;
    parts.push(`${names[i] ?? `input ${i + 1}`}: ${what} from ${paths.get(need.layer.id) || need.layer.cls.name}, the first layer forward applies to it`);
  });
  return parts.join('; ');
}

/** A set's text, with the sizes checked when they are not all of 1–512. */
function setText(set: SizeSet): string {
  return set.checked[0] === 1 && set.checked[1] >= MAX_CHECKED_SIZE ? set.text : `${set.text} (of sizes ${set.checked[0]}–${set.checked[1]})`;
}

function forwardParamNames(root: InstanceValue): string[] {
  for (const c of root.cls.mro) {
    const f = c.attrs.get('forward');
    if (f && f.kind === 'function') return f.params.slice(1).filter((p) => p.kind === 'normal' || p.kind === 'posonly').map((p) => p.name);
  }
  return [];
}

/** The sizes the model runs on, and an error (a warning for a guessed input) when its input is not one. */
function validSizesOf(interp: Interpreter, torch: TorchEnvironment, c: Candidate, model: ModelReport, guess: GuessedInput | null,
  sizeOptions: SizeScanOptions, addDiagnostic: AddDiagnostic): void {
  // The square set found for the guess is true over the sizes it checked (around the size asked
  // for): not checked again.
  const square = guess?.square ?? undefined;
  const sizes = validInputSizes(interp, torch, c.instance, model.inputs, {
    ...sizeOptions, square, steps: guess ? sizeOptions.steps / 2 : sizeOptions.steps, oneRunSteps: forwardStepsOf.get(model),
  });
  if (!sizes) return;
  const { invalidInput, ...reported } = sizes;
  model.validInputSizes = reported;
  if (!invalidInput) return;
  const input = model.inputs[0]!;
  const names = axisNames(input.length - 2);
  const isSquare = input.slice(2).every((d) => d === input[2]);
  let nearest = '';
  if (isSquare && reported.square.valid) {
    const near = nearestSizes(reported.square.valid, input[2]!);
    if (near.length) nearest = `; nearest valid size: ${near.map((n) => names.map(() => n).join('×')).join(' or ')}`;
  } else {
    const perAxis = reported.axes.filter((a) => a.valid).map((a) => {
      const near = nearestSizes(a.valid!, input[a.axis]!);
      return near.length ? `${a.name} ${near.join(' or ')}` : '';
    }).filter(Boolean);
    if (perAxis.length) nearest = `; nearest valid ${perAxis.join(', ')}`;
  }
  const shape = model.inputs.map((s) => s.join('×')).join(', ');
  const guessed = guess ? ' (the input was a guess: the file gives none; add a "# convlens: input=(...)" comment)' : '';
  addDiagnostic(guess ? 'warning' : 'error', 'shape-mismatch',
    `${c.name} does not run on the input ${shape} (${invalidInput.message}). Valid ${reported.summary}${nearest}${guessed}`,
    c.instance.cls.site);
}

// ---------- running a model ----------

export function inputTensor(shape: number[]): TensorValue {
  const spatial = shape.length >= 3 ? shape.length - 2 : 0;
  return { kind: 'tensor', shape, geometry: spatial ? freshGeometry(spatial) : null };
}

function emptyModel(c: Candidate): ModelReport {
  return {
    name: c.name, className: c.instance.cls.name, classLocation: c.instance.cls.site ? locationOf(c.instance.cls.site) : null,
    inputs: [], inputSource: 'inferred', outputs: [], params: countParams(submodules(c.instance)), macs: 0, layers: [], values: [], incomplete: true,
  };
}

/** A run the guess reads (inputGuess.firstLayersApplied): the recorder and input tensors it uses. */
interface RunSeen {
  recorder: Recorder;
  inputs: TensorValue[];
  /** Called when forward has returned or failed, before what the report adds after it. */
  forwardEnded?: () => void;
}

function runModel(interp: Interpreter, torch: TorchEnvironment, c: Candidate, shapes: number[][], source: ModelReport['inputSource'], addDiagnostic: AddDiagnostic,
  seen?: RunSeen): ModelReport {
  const recorder = seen?.recorder ?? new Recorder();
  const inputs = seen?.inputs ?? shapes.map(inputTensor);
  const problemsBefore = interp.toleratedErrors;
  const paths = modulePaths(c.instance);
  let incomplete = false;
  // One warning says why the run is incomplete, on the line of the first cause found.
  let warned = false;
  let outputs: Tensor[] = [];
  /** The steps forward took, when it returned with nothing a probe would stop at (probeForward). */
  let forwardSteps: number | undefined;
  const sink = interp.options;
  let probeWouldStop = false;
  interp.options = {
    ...sink,
    diagnostics: (severity, code, message, site) => {
      if (stopsProbe(severity, code)) probeWouldStop = true;
      sink.diagnostics(severity, code, message, site);
    },
  };
  torch.setRecorder(recorder);
  try {
    // Shapes are those of inference: forward runs in eval mode (`self.training` False), as the
    // golden traces run it; a model is built in training mode, as torch builds it.
    torch.setTraining(c.instance, false);
    const stepsBefore = interp.steps;
    const undecidedBefore = interp.undecidedConditions;
    const result = torch.callModule(c.instance, { positional: inputs, keywords: new Map() }, null);
    if (!probeWouldStop && result.kind !== 'unknown' && interp.toleratedErrors === problemsBefore && interp.undecidedConditions === undecidedBefore) {
      forwardSteps = interp.steps - stepsBefore;
    }
    outputs = tensorsIn(result);
    const lost = unknownIn(result, 4);
    if (lost) {
      incomplete = warned = true;
      const what = lost === result ? 'the output is unknown' : 'part of the output is unknown';
      addDiagnostic('warning', 'unknown', `${c.name}: ${what} (${lost.reason})`, lost.site ?? c.instance.cls.site);
    }
  } catch (e) {
    incomplete = warned = true;
    const at = (e instanceof PyError || e instanceof AnalysisAborted ? e.site : null) ?? c.instance.cls.site;
    // An analysis failure that ends forward (an error raised by `raise` is already an error).
    if (e instanceof PyError && !e.explicit) addDiagnostic('warning', 'unknown', `${c.name}: forward could not be followed: ${e.excType}: ${e.pyMessage}`, at);
    else reportAbort(e, addDiagnostic, at);
  } finally {
    interp.options = sink;
    torch.setRecorder(null);
    seen?.forwardEnded?.();
  }
  const firstCalls = new Set<number>();
  // Keyed by id: a number hashes without giving each module object an identity hash.
  const calledBefore = new Set<number>();
  recorder.layers.forEach((r, i) => {
    if (r.module && !calledBefore.has(r.module.id)) {
      calledBefore.add(r.module.id);
      firstCalls.add(i);
    }
  });
  const defined = new Map<number, SourceLocation[]>();
  const layers = recorder.layers.map((r, i) => layerReport(r, paths, firstCalls.has(i), defined));
  recorder.layers.forEach((r, i) => fillLayerMemory(layers[i]!, r, firstCalls.has(i)));
  // The model's modules once (named_modules() order): the counts, the uncalled rows and the
  // memory figures all walk them.
  const modules = submodules(c.instance);
  const uncalled = notCalledLayers(c.instance, modules, paths, calledBefore, defined);
  // A statement of forward that failed and was skipped (a loop over something unknown, say).
  const forwardProblems = interp.toleratedErrors - problemsBefore;
  if (forwardProblems > 0) {
    incomplete = true;
    if (!warned) {
      warned = true;
      addDiagnostic('warning', 'unknown', `${c.name}: ${forwardProblems} statement${forwardProblems === 1 ? '' : 's'} could not be followed while forward ran, so layers or numbers may be missing (see the hints)`, interp.problems[problemsBefore] ?? c.instance.cls.site);
    }
  }
  const unknownLayer = layers.findIndex((l) => l.out.length === 0);
  if (unknownLayer >= 0) {
    incomplete = true;
    if (!warned) {
      const l = layers[unknownLayer]!;
      addDiagnostic('warning', 'unknown', `${c.name}: the output of ${l.path} is unknown${l.unknown ? ` (${l.unknown})` : ''}`, recorder.layers[unknownLayer]!.called[0] ?? c.instance.cls.site);
    }
  }
  if (c.constructionProblems > 0) {
    incomplete = true;
    addDiagnostic('warning', 'unknown', `${c.name}: ${c.constructionProblems} statement${c.constructionProblems === 1 ? '' : 's'} could not be analysed while the model was built, so layers may be missing (see the hints)`, c.firstProblem ?? c.instance.cls.site);
  }
  overlapDiagnostics(recorder.layers, layers, addDiagnostic);
  griddingDiagnostics(recorder.layers, layers, outputs, addDiagnostic);
  const values: ValueReport[] = [...recorder.values.values()].map((v) => ({ name: v.name, location: locationOf(v.site), shapes: v.shapes }));
  const totals = { params: countParams(modules), macs: layers.reduce((s, l) => s + l.macs, 0) };
  const firstProblem = interp.problems[problemsBefore] ?? (c.constructionProblems > 0 ? c.firstProblem : null);
  const notFollowed = c.constructionProblems > 0 || forwardProblems > 0
    ? `statements of the model were not followed${firstProblem ? ` (the first at line ${locationOf(firstProblem).line})` : ''}`
    : null;
  const memory = modelMemory(modules, recorder.layers, notFollowed);
  const containers = containerReports(modules, paths);
  const warnAt = (message: string, layer: number | null) => addDiagnostic('warning', 'unknown', message, (layer === null ? null : recorder.layers[layer]?.called[0]) ?? c.instance.cls.site ?? null);
  if (flagInexactCounts(c.name, layers, totals, warnAt)) incomplete = true;
  // Only when forward ran to its end: otherwise a module may be "not called" only because the
  // analysis stopped before it.
  if (!incomplete) for (const l of uncalled) layers.push(l);
  const footprint = outputFootprint(outputs[0]);
  const report: ModelReport = {
    name: c.name,
    className: c.instance.cls.name,
    classLocation: c.instance.cls.site ? locationOf(c.instance.cls.site) : null,
    inputs: shapes,
    inputSource: source,
    outputs: outputs.map((t) => [...t.shape]),
    ...totals,
    ...memory,
    ...(containers.length ? { containers } : {}),
    layers,
    values,
    incomplete,
    ...(footprint ? { outputFootprint: footprint } : {}),
  };
  if (forwardSteps !== undefined) forwardStepsOf.set(report, forwardSteps);
  return report;
}

/** The steps each model's forward took in its run (runModel), for the size scan that follows it. */
const forwardStepsOf = new WeakMap<ModelReport, number>();

/** The first Unknown in what forward returned (through tuples, lists and dict values). */
function unknownIn(v: Value, depth: number): UnknownValue | null {
  if (v.kind === 'unknown') return v;
  if (depth === 0) return null;
  if (v.kind === 'tuple' || v.kind === 'list') {
    for (const x of v.items) {
      const u = unknownIn(x, depth - 1);
      if (u) return u;
    }
  } else if (v.kind === 'dict') {
    for (const e of v.entries.values()) {
      const u = unknownIn(e.value, depth - 1);
      if (u) return u;
    }
  }
  return null;
}

/** `modules`: the model's submodules (see submodules). */
function countParams(modules: readonly InstanceValue[]): number {
  const seen = new Set<unknown>();
  let total = 0;
  for (const m of modules) {
    for (const p of m.module?.parameters.values() ?? []) {
      if (p.kind !== 'tensor' || seen.has(p)) continue;
      seen.add(p);
      total += numel(p.shape);
    }
  }
  return total;
}

/** Rows for the leaf modules registered in the model (named_modules() order, each once) that
 *  forward never called, as torch lists them in `named_modules()` and counts them in
 *  `parameters()`. */
function notCalledLayers(root: InstanceValue, modules: readonly InstanceValue[], paths: Map<number, string>, called: Set<number>, defined: Map<number, SourceLocation[]>): LayerReport[] {
  const out: LayerReport[] = [];
  for (const m of modules) {
    if (m === root || called.has(m.id) || !m.module) continue;
    let leaf = true;
    for (const child of m.module.modules.values()) if (child.kind === 'instance') leaf = false;
    if (!leaf) continue;
    let params = 0;
    for (const p of m.module.parameters.values()) if (p.kind === 'tensor') params += numel(p.shape);
    const row: LayerReport = {
      path: paths.get(m.id) ?? `(${m.cls.name})`, op: m.cls.name, kind: 'module', args: m.module.native?.description ?? '',
      in: [], out: [], params, macs: 0, rf: [], jump: [], rfExact: [], jumpExact: [],
      defined: definedLocations(m, defined), called: [], notCalled: true,
    };
    fillUncalledMemory(row, m);
    out.push(row);
  }
  return out;
}

function layerReport(r: LayerRecord, paths: Map<number, string>, firstCall: boolean, defined: Map<number, SourceLocation[]>): LayerReport {
  const out = r.outputs[0];
  const geometry = out?.geometry ?? null;
  let path: string;
  let params = 0;
  if (r.module) {
    path = paths.get(r.module.id) ?? `(${r.module.cls.name})`;
    if (firstCall) for (const p of r.module.module!.parameters.values()) if (p.kind === 'tensor') params += numel(p.shape);
  } else {
    const owner = r.owner ? paths.get(r.owner.id) ?? '' : '';
    const line = r.called[0] ? locationOf(r.called[0]).line : 0;
    path = `${owner ? `${owner}.` : ''}${r.op}@${line}`;
  }
  const g = r.geometry;
  const report: LayerReport = {
    path,
    op: r.op,
    kind: r.kind,
    args: r.args,
    in: r.inputs.map(shapeOf),
    out: r.outputs.map(shapeOf),
    params,
    macs: r.macs,
    rf: geometry ? geometry.map(rfNumber) : [],
    jump: geometry ? geometry.map(jumpNumber) : [],
    rfExact: geometry ? geometry.map(rfText) : [],
    jumpExact: geometry ? geometry.map(jumpText) : [],
    defined: r.module ? definedLocations(r.module, defined) : [],
    called: r.called.map(locationOf),
  };
  if (g?.kernel) report.kernel = g.kernel;
  if (g?.stride) report.stride = g.stride;
  if (g?.padding) report.padding = g.padding;
  if (g?.dilation) report.dilation = g.dilation;
  if (g?.overlap) report.overlap = g.overlap;
  if (g?.resize) report.resize = g.resize;
  if (r.unknown) report.unknown = r.unknown;
  return report;
}


/** Where a module was made: the same for each of its calls, so computed once per model (in a Map
 *  the model's report owns: a global WeakMap of every module costs the garbage collector). */
function definedLocations(module: InstanceValue, known: Map<number, SourceLocation[]>): SourceLocation[] {
  let locs = known.get(module.id);
  if (!locs) known.set(module.id, (locs = module.module!.defined.map(locationOf)));
  return locs;
}

// What layerReport maps with, made once (not a closure per layer); map sizes its result exactly.
/** A copy of a tensor's shape: the report must not share arrays with the analysis. */
const shapeOf = (t: Tensor): number[] => [...t.shape];
const rfNumber = (a: AxisGeometry): number => R.toNumber(a.rf);
const jumpNumber = (a: AxisGeometry): number => R.toNumber(a.jump);
const rfText = (a: AxisGeometry): string => R.format(a.rf);
const jumpText = (a: AxisGeometry): string => R.format(a.jump);

function numel(shape: readonly number[]): number {
  let n = 1;
  for (const x of shape) n *= x;
  return n;
}

/** A Site with its location remembered on it (a property, not a WeakMap: ephemeron tables cost
 *  every garbage collection). */
type LocatedSite = Site & { $location?: SourceLocation };

/** Sites are shared (one per AST node), so their locations are computed once. */
export function locationOf(site: Site): SourceLocation {
  if (site.file.origin) return locationOf(site.file.origin);
  let loc = (site as LocatedSite).$location;
  if (!loc) {
    const a = site.file.lines.position(site.from);
    const b = site.file.lines.position(site.to);
    loc = { file: site.file.path, line: a.line + 1, column: a.character, endLine: b.line + 1, endColumn: b.character };
    (site as LocatedSite).$location = loc;
  }
  return loc;
}

// ---------- diagnostics from the layer sequence ----------

const isTransposed = (op: string) => /^ConvTranspose\dd$|^F\.conv_transpose\dd$/.test(op);
/** Layers that leave an overlap pattern as it is: same shape in and out, no window. */
const isNeutral = (r: LayerRecord) => !r.geometry?.kernel && r.inputs[0] && r.outputs[0] && sameShape(r.inputs[0].shape, r.outputs[0].shape);
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function overlapDiagnostics(records: LayerRecord[], layers: LayerReport[], addDiagnostic: AddDiagnostic): void {
  let stack: number[] = [];
  const flush = (): void => {
    const period = stack.reduce((p, i) => p * Math.max(1, ...(records[i]!.geometry?.stride ?? [1])), 1);
    if (stack.length >= 2 && period <= 4096) {
      const last = stack[stack.length - 1]!;
      const axes = layers[last]!.overlap?.length ?? 0;
      const combined: number[][] = [];
      for (let axis = 0; axis < axes; axis++) {
        const chain: OverlapStackLayer[] = stack.map((i) => {
          const g = records[i]!.geometry!;
          return { kind: 'convTranspose', kernel: g.kernel![axis]!, stride: g.stride![axis]!, dilation: g.dilation?.[axis] ?? 1 };
        });
        try {
          combined.push(stackOverlapPattern(chain));
        } catch {
          return;
        }
      }
      if (combined.some(isUneven)) {
        const r = records[last]!;
        const site = r.module?.module?.defined[0] ?? r.called[0] ?? null;
        addDiagnostic('warning', 'uneven-overlap',
          `The ${stack.length} stacked transposed convolutions ending at ${layers[last]!.path} compound their uneven overlap: ` +
          `taps per output position over one period ${describePattern(combined)} (max/min ${ratio(combined)}) — a checkerboard artifact.`,
          site, { path: layers[last]!.path, pattern: combined });
      }
    }
    stack = [];
  };
  records.forEach((r, i) => {
    if (isTransposed(r.family) && r.geometry?.overlap) {
      const pattern = r.geometry.overlap;
      if (pattern.some(isUneven)) {
        const g = r.geometry;
        const k = g.kernel ?? [];
        const s = g.stride ?? [];
        const fix = s.map((st, a) => suggestKernel(k[a] ?? 1, st));
        const site = r.module?.module?.defined[0] ?? r.called[0] ?? null;
        addDiagnostic('warning', 'uneven-overlap',
          `${r.op} ${layers[i]!.path} (kernel ${k.join('×')}, stride ${s.join('×')}) overlaps unevenly: ` +
          `taps per output position ${describePattern(pattern)} (max/min ${ratio(pattern)}) — a checkerboard artifact. ` +
          `Use a kernel divisible by the stride (kernel_size=${fix.join('×') === fix.map(String).join('×') && new Set(fix).size === 1 ? fix[0] : `(${fix.join(', ')})`}) or resize + convolution.`,
          site, { path: layers[i]!.path, pattern });
      }
      stack.push(i);
    } else if (!isNeutral(r)) {
      flush();
    }
  });
  flush();
}

function suggestKernel(k: number, s: number): number {
  if (s <= 1) return k;
  return Math.max(s, Math.ceil(k / s) * s);
}

function describePattern(pattern: number[][]): string {
  return pattern.map((p) => `[${p.join(', ')}]`).join(' × ');
}

function ratio(pattern: number[][]): string {
  const lo = pattern.reduce((a, p) => a * Math.min(...p), 1);
  const hi = pattern.reduce((a, p) => a * Math.max(...p), 1);
  if (lo === 0) return '∞';
  const g = gcd(hi, lo);
  return `${hi / g}:${lo / g}`;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Gridding, exactly (DESIGN.md): a footprint with holes that no later layer continues — the
 * model's output, or what a global pool or a flatten reads — after a dilated convolution. The
 * footprints travel with the tensors (footprint.ts), so branches, merges, strides and up-samplings
 * are followed as forward ran them; a degridding stack fills the holes and continues the footprint.
 */
function griddingDiagnostics(records: LayerRecord[], layers: LayerReport[], outputs: readonly Tensor[], addDiagnostic: AddDiagnostic): void {
  const madeBy = new Map<Footprint, number>();
  const sinks: { geometry: readonly AxisGeometry[]; record: number | null }[] = [];
  const consider = (t: Tensor, record: number | null): void => {
    const g = t.geometry;
    if (!g) return;
    let holey = false;
    for (const axis of g) {
      const fp = axis.footprint;
      if (!fp) continue;
      if (record !== null && !madeBy.has(fp)) madeBy.set(fp, record);
      if (fp.dilated && !fp.continued && fp.phases.some((p) => p.bits)) holey = true;
    }
    if (holey && !sinks.some((s) => s.geometry === g || s.geometry.every((a, i) => a.footprint === g[i]?.footprint))) sinks.push({ geometry: g, record });
  };
  records.forEach((r, i) => {
    for (const t of r.outputs) consider(t, i);
  });
  for (const t of outputs) consider(t, null);
  const names = spatialAxisNames;
  for (const sink of sinks) {
    const axisNames = names(sink.geometry.length);
    const holes: FootprintAxis[] = [];
    const dilatedLayers = new Set<number>();
    sink.geometry.forEach((axis, i) => {
      const fp = axis.footprint;
      if (!fp || !fp.dilated || fp.continued) return;
      const found = footprintAxis(fp, axisNames[i]!, true);
      if (!found.patterns.length) return;
      holes.push(found);
      for (const f of dilatedAncestors(fp)) {
        const r = madeBy.get(f);
        if (r !== undefined) dilatedLayers.add(r);
      }
    });
    if (!holes.length) continue;
    const dilated = [...dilatedLayers].sort((a, b) => a - b);
    const last = dilated.length ? dilated[dilated.length - 1]! : sink.record;
    const r = last === null ? null : records[last]!;
    const where = sink.record === null ? 'the model\'s output' : layers[sink.record]!.path;
    const byWhom = dilated.length
      ? `The dilated convolutions ${dilated.map((i) => `${layers[i]!.path} (dilation ${(records[i]!.geometry?.dilation ?? []).join('×')})`).join(', ')} leave these holes and no later layer fills them: `
      : 'No later layer fills these holes: ';
    addDiagnostic('warning', 'gridding',
      `Gridding: each position of ${where} reads a sparse grid of the input — ${describeHoles(holes)}. ${byWhom}` +
        'follow them with an undilated convolution, or use rates without a common factor (e.g. 1, 2, 3; Wang et al. 2018).',
      r ? r.module?.module?.defined[0] ?? r.called[0] ?? null : null, { ...(sink.record === null ? {} : { path: layers[sink.record]!.path }), holes });
  }
}

const MAX_LISTED_HOLES = 256;

function footprintAxis(fp: Footprint, axis: string, holesOnly: boolean): FootprintAxis {
  const patterns = holesOnly ? footprintHoles(fp) : footprintPatterns(fp);
  return { axis, period: fp.period, patterns: patterns.map((p) => ({ extent: p.extent, missing: p.missing.slice(0, MAX_LISTED_HOLES), missingCount: p.missing.length })) };
}

function outputFootprint(t: Tensor | undefined): (FootprintAxis | null)[] | undefined {
  const g = t?.geometry;
  if (!g) return undefined;
  const names = spatialAxisNames(g.length);
  return g.map((a, i) => (a.footprint && !a.footprint.global ? footprintAxis(a.footprint, names[i]!, false) : null));
}

function spatialAxisNames(n: number): string[] {
  if (n === 1) return ['L'];
  if (n === 2) return ['H', 'W'];
  if (n === 3) return ['D', 'H', 'W'];
  return Array.from({ length: n }, (_, i) => `axis ${i}`);
}

/** The footprints made by dilated layers that `fp` was made from (itself included). */
function dilatedAncestors(fp: Footprint): Footprint[] {
  const out: Footprint[] = [];
  const seen = new Set<Footprint>();
  const stack = [fp];
  while (stack.length) {
    const f = stack.pop()!;
    if (seen.has(f) || !f.dilated) continue;
    seen.add(f);
    if (f.dilation > 0) out.push(f);
    stack.push(...f.parents);
  }
  return out;
}

function describeHoles(holes: FootprintAxis[]): string {
  const parts: string[] = [];
  holes.forEach((h, i) => {
    const p = h.patterns[0]!;
    const same = i > 0 && JSON.stringify(holes[i - 1]!.patterns) === JSON.stringify(h.patterns);
    if (same) {
      parts[parts.length - 1] += ` and on ${h.axis}`;
      return;
    }
    const list = p.missing.slice(0, 12).join(', ') + (p.missingCount > 12 ? `, … (${p.missingCount} in all)` : '');
    const more = h.patterns.length > 1 ? ` (one of ${h.patterns.length} patterns over a period of ${h.period} outputs)` : '';
    parts.push(`offset${p.missingCount === 1 ? '' : 's'} ${list} of 0..${p.extent - 1} are never read on ${h.axis}${more}`);
  });
  return parts.join('; ');
}

// ---------- models from the project, when the file does not say ----------

/**
 * Classes of the file that need constructor arguments and that no analysed model contains are
 * listed with the calls that build them in the project. When the file gave no model at all, a
 * call with literal arguments is analysed (the first one found: the file itself, then its folder,
 * its parent and the project roots, in name order); and a file of parts with none is analysed
 * through the model of a file of its folder (or a project root) that imports it.
 */
function modelsFromProject(interp: Interpreter, torch: TorchEnvironment, module: ModuleObjectValue, scope: Scope, options: AnalyzeOptions,
  analysed: readonly Candidate[]): { models: Candidate[]; listing: ModelCandidate[] } {
  const path = options.file;
  const moduleName = moduleNameOf(path);
  const usedInside = new Set<ClassValue>();
  const note = (c: Candidate): void => {
    for (const m of submodules(c.instance)) usedInside.add(m.cls);
  };
  analysed.forEach(note);
  // A class the analysed models build (a block of the model) is neither listed nor searched for.
  const classes = [...module.attrs].filter(([name, v]) => v.kind === 'class' && v.name === name && v.site?.file.path === path &&
    !usedInside.has(v) && v.mro.includes(torch.moduleClass) && !v.moduleSpec && !constructibleWithoutArguments(interp, v)).map(([, v]) => v as ClassValue);
  const models: Candidate[] = [];
  if (!classes.length && analysed.length) return { models, listing: [] };
  const access: ProjectAccess = { file: path, readFile: options.readFile, listDirectory: options.listDirectory, roots: projectRoots(options) };
  const files = projectFiles(access);
  const calls = new Map<ClassValue, ProjectCall[]>();
  const isModule = (scopeVars: Map<string, Value>) => (name: string): boolean => scopeVars.get(name)?.kind === 'pymodule';
  const found = findProjectCallsOf(classes.map((c) => c.name), moduleName, path, files, options.readFile, isModule(module.attrs));
  for (const cls of classes) calls.set(cls, found.get(cls.name)!);
  if (!analysed.length) {
    // Models are defined after their parts: the last classes first, so parts they build are skipped.
    for (const cls of [...classes].reverse()) {
      if (usedInside.has(cls)) continue;
      const call = calls.get(cls)!.find((c) => c.literal && !c.insideClass);
      if (!call) continue;
      const c = evaluateModelExpression(interp, torch, call.expression, scope, null);
      // A module with no layer to take an input from (a loss built with arguments) stays listed.
      if (!c || c.instance.cls !== cls || !inferInput(c.instance, 224)) continue;
      c.source = { kind: 'call', file: call.file, line: call.line, expression: call.expression };
      models.unshift(c);
      note(c);
    }
    if (!models.length) {
      const through = modelThroughImporter(interp, torch, scope.file, moduleName, files, files, options, true);
      if (through) {
        models.push(through);
        note(through);
      }
    }
  }
  const listing: ModelCandidate[] = [];
  for (const cls of classes) {
    if (usedInside.has(cls)) continue;
    const init = interp.lookupClassAttr(cls, '__init__');
    if (!init || init.kind !== 'function') continue;
    const found = calls.get(cls)!;
    const ready = found.find((c) => c.literal && !c.insideClass);
    listing.push({
      className: cls.name,
      signature: constructorSignature(cls, init),
      location: cls.site ? locationOf(cls.site) : null,
      directive: `# convlens: model=${ready ? ready.expression : templateCall(cls, init)}`,
      calls: found,
    });
  }
  return { models, listing };
}

function projectRoots(options: AnalyzeOptions): string[] {
  return (options.searchPaths ?? []).filter((e) => e.kind === 'project').map((e) => e.path);
}

/** The first model of one of `importers` (those that import `moduleName`, when `mustImport`) that
 *  builds some of this file's classes; `files` are searched for the calls that build its classes. */
function modelThroughImporter(interp: Interpreter, torch: TorchEnvironment, file: SourceFile, moduleName: string, importers: readonly string[],
  files: readonly string[], options: AnalyzeOptions, mustImport: boolean): Candidate | null {
  const folder = file.path.slice(0, file.path.lastIndexOf('/'));
  const inPackage = options.readFile(`${folder}/__init__.py`) !== null;
  for (const other of importers) {
    if (other === file.path) continue;
    const text = options.readFile(other);
    if (!text || (mustImport && !importsModule(text, moduleName))) continue;
    const otherFolder = other.slice(0, other.lastIndexOf('/'));
    const name = moduleNameOf(other);
    let mod: ModuleObjectValue | null = null;
    const before = interp.toleratedErrors;
    try {
      mod = otherFolder === folder && inPackage ? interp.importModule(name, 1, file, null) : interp.importModule(name, 0, file, null);
    } catch (e) {
      if (!(e instanceof PyError)) throw e;
      mod = null;
    }
    if (!mod || !mod.file) continue;
    const otherScope = moduleScope(mod, mod.file);
    const otherDirectives = parseDirectives(text);
    const usesParts = (c: Candidate): boolean => submodules(c.instance).some((m) => m.cls.site?.file.path === file.path);
    const tries: { expression: string; call?: { file: string; line: number } }[] = [];
    for (const d of otherDirectives) if (d.model) tries.push({ expression: d.model, call: { file: other, line: d.line + 1 } });
    const otherClasses = [...mod.attrs].filter(([n, v]) => v.kind === 'class' && v.name === n && v.site?.file.path === other &&
      v.mro.includes(torch.moduleClass) && !v.moduleSpec) as [string, ClassValue][];
    for (const [n, cls] of otherClasses.reverse()) {
      if (constructibleWithoutArguments(interp, cls)) tries.push({ expression: `${n}()` });
      else {
        const call = findProjectCalls(n, name, other, files, options.readFile, (id) => mod!.attrs.get(id)?.kind === 'pymodule').find((c) => c.literal && !c.insideClass);
        if (call) tries.push({ expression: call.expression, call: { file: call.file, line: call.line } });
      }
    }
    for (const t of tries) {
      const c = evaluateModelExpression(interp, torch, t.expression, otherScope, null);
      if (!c || !usesParts(c)) continue;
      // The other file's top level ran with this analysis: what failed there may miss layers too.
      c.constructionProblems = interp.toleratedErrors - before;
      const classLine = c.instance.cls.site ? locationOf(c.instance.cls.site).line : 1;
      c.source = { kind: 'through', file: other, line: classLine, expression: t.expression, ...(t.call ? { call: t.call } : {}) };
      c.inputFile = { file: mod.file, directives: otherDirectives };
      return c;
    }
  }
  return null;
}
