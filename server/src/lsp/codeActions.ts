// Quick fixes. For an unevenly overlapping transposed convolution: a kernel divisible by the
// stride with padding/output_padding that keep the output shape, and resize-convolution. Each is
// offered only after the engine has analysed the edited text and found the warning gone and
// every output shape unchanged. And "Set input shape here" on a model class.

import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type CodeActionParams, type Diagnostic as LspDiagnostic, type TextEdit } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Diagnostic, FileReport, LayerReport, ModelReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import { axesLiteral, bindArguments, argumentText, CONV_TRANSPOSE_PARAMS, lineIndent, ownLineIndent, setArgument, type BoundArguments } from './callArguments';
import type { DiagnosticData } from './diagnostics';
import { humanCount, isUneven } from './format';
import { inputDirectiveEdit } from './inputDirective';
import { spanOf, spanContains } from './reportIndex';
import { shapeListToDirective } from './settings';
import { calleeName } from './syntaxIndex';
import { axisConfigs, kernelFixAxis, outputPadding, resizeConvAxis } from './transposedConvFix';
import { layersMadeBy, type FixCandidate } from './fixCandidate';
import { tfjsKernelCandidate } from './tfjsFixes';
import { TYPESCRIPT_FILE } from '../engine/typescript/fileKinds';
import { samePath } from './uris';

/** Runs the engine on another text of the same document (`validSizes`: steps and time, in
 *  analysis time limits, for the valid input sizes instead of the editor's few); null when it failed. */
export type Reanalyse = (text: string, options?: { validSizes?: { steps: number; timeLimits: number } }) => FileReport | null;

interface FixTarget {
  layer: LayerReport;
  model: ModelReport;
  bound: BoundArguments;
  callee: string;
  /** Every layer (per model) made by the same call. */
  siblings: Map<string, Set<string>>;
}

// Without the diagnostic's data (a client that drops it) there is no fix: the fix could not say
// which diagnostics it cures (curedDiagnostics reads the data).
function findLayer(report: FileReport, data: DiagnosticData | undefined): { layer: LayerReport; model: ModelReport } | null {
  if (data?.path === undefined) return null;
  for (const model of report.models) {
    if (data.model && model.name !== data.model) continue;
    // (A functional call's path carries its line, `F.relu@12`: no module path equals it.)
    for (const layer of model.layers) if (layer.path === data.path) return { layer, model };
  }
  return null;
}

function fixTarget(view: AnalysisView, layer: LayerReport, model: ModelReport): FixTarget | null {
  const made = layer.defined[0];
  if (!made || !samePath(made.file, view.result.path)) return null;
  const doc = view.snapshot();
  const span = spanOf(made);
  const call = view.syntax().callStartingAt(doc.offsetAt(span.start), doc.offsetAt(span.end));
  if (!call) return null;
  const callee = calleeName(call);
  if (!callee || !/(^|\.)ConvTranspose[123]d$/.test(callee)) return null;
  const bound = bindArguments(call, CONV_TRANSPOSE_PARAMS);
  if (!bound) return null;
  return { layer, model, bound, callee, siblings: layersMadeBy(view.report, made) };
}

function kernelCandidate(view: AnalysisView, t: FixTarget): FixCandidate | null {
  const axes = axisConfigs(t.layer);
  if (!axes) return null;
  const fixes = axes.map(kernelFixAxis);
  if (fixes.some((f) => !f)) return null;
  const fixed = fixes as NonNullable<(typeof fixes)[number]>[];
  const doc = view.snapshot();
  const K = fixed.map((f) => f.kernel);
  const P = fixed.map((f) => f.padding);
  const OP = fixed.map((f) => f.outputPadding);
  const edits: TextEdit[] = [];
  const push = (e: TextEdit | null) => e && edits.push(e);
  push(setArgument(t.bound, 'kernel_size', axesLiteral(K), doc));
  const setOrDefault = (name: string, values: number[], previous: number[]) => {
    const has = t.bound.byName.has(name);
    const zero = values.every((v) => v === 0);
    if (!has && zero) return;
    if (has && values.every((v, i) => v === previous[i])) return;
    // (`zero` here means the argument is written: `!has && zero` returned above.)
    push(setArgument(t.bound, name, zero && t.bound.byName.get(name)!.kind === 'kw' ? null : axesLiteral(values), doc));
  };
  setOrDefault('padding', P, axes.map((a) => a.padding));
  setOrDefault('output_padding', OP, axes.map(outputPadding));
  // (kernel_size is always written: a transposed convolution is built only with one.)
  const detail = `padding=${axesLiteral(P)}, output_padding=${axesLiteral(OP)}`;
  return {
    title: `Use kernel_size=${axesLiteral(K)} (${detail}: same output shape, even overlap)`,
    edits,
    replaced: t.siblings,
    renamed: (p) => p,
  };
}

function resizeCandidate(view: AnalysisView, t: FixTarget): FixCandidate | null {
  const axes = axisConfigs(t.layer);
  if (!axes) return null;
  const plans = axes.map(resizeConvAxis);
  if (plans.some((p) => !p)) return null;
  const plan = plans as NonNullable<(typeof plans)[number]>[];
  const text = view.result.text;
  const cin = argumentText(t.bound, 'in_channels', text);
  const cout = argumentText(t.bound, 'out_channels', text);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent — bindArguments refuses * and ** arguments, and torch (so the engine) builds no transposed convolution without both, so both are always bound here
  if (!cin || !cout) return null;
  // (No padding_mode check: torch builds a transposed convolution only with 'zeros', Conv2d's
  // default. Reading its text refused the fix for `padding_mode=mode` bound to 'zeros'.)
  const prefix = t.callee.slice(0, t.callee.lastIndexOf('.') + 1);
  // One kernel size per spatial axis: ConvTranspose1d, 2d or 3d.
  const dims = plan.length;
  const extras = ['groups', 'bias']
    .map((name) => [name, argumentText(t.bound, name, text)] as const)
    .filter(([, v]) => v !== null)
    .map(([name, v]) => `, ${name}=${v}`)
    .join('');
  const scale = axesLiteral(plan.map((p) => p.scale));
  const conv = `${prefix}Conv${dims}d(${cin}, ${cout}, kernel_size=${axesLiteral(plan.map((p) => p.kernel))}, padding=${axesLiteral(plan.map((p) => p.padding))}${extras})`;
  const upsample = `${prefix}Upsample(scale_factor=${scale}, mode='nearest')`;
  const doc = view.snapshot();
  const call = t.bound.call;
  // A call written over several lines stays so: one part per line, indented as its arguments were.
  const multiline = text.slice(call.from, call.to).includes('\n');
  const first = call.args[0];
  const inner = (first && ownLineIndent(text, first.from)) ?? `${lineIndent(text, call.from)}    `;
  const closing = ownLineIndent(text, call.to - 1) ?? lineIndent(text, call.from);
  const replacement = multiline
    ? `${prefix}Sequential(\n${inner}${upsample},\n${inner}${conv},\n${closing})`
    : `${prefix}Sequential(${upsample}, ${conv})`;
  return {
    title: `Replace with resize-convolution (nearest ×${scale} + ${prefix}Conv${dims}d)`,
    edits: [{ range: { start: doc.positionAt(call.from), end: doc.positionAt(call.to) }, newText: replacement }],
    replaced: t.siblings,
    renamed: (p) => `${p}.1`,
  };
}

/** Every model's outputs, every module's output shapes and every functional call's, in order. */
function outputsUnchanged(before: FileReport, after: FileReport, c: FixCandidate): boolean {
  for (const old of before.models) {
    const now = after.models.find((m) => m.name === old.name);
    if (!now || JSON.stringify(now.outputs) !== JSON.stringify(old.outputs) || JSON.stringify(now.inputs) !== JSON.stringify(old.inputs)) return false;
    const outsByPath = (m: ModelReport) => {
      const map = new Map<string, string[]>();
      for (const l of m.layers) if (l.kind === 'module') map.set(l.path, [...(map.get(l.path) ?? []), JSON.stringify(l.out)]);
      return map;
    };
    const was = outsByPath(old);
    const is = outsByPath(now);
    const touched = c.replaced.get(old.name);
    for (const [path, outs] of was) {
      const newPath = touched?.has(path) ? c.renamed(path) : path;
      if (JSON.stringify(is.get(newPath)) !== JSON.stringify(outs)) return false;
    }
    const functional = (m: ModelReport) => JSON.stringify(m.layers.filter((l) => l.kind === 'function').map((l) => l.out));
    if (functional(old) !== functional(now)) return false;
  }
  return true;
}

/** The touched layers overlap evenly now (their own warnings are gone). outputsUnchanged has
 *  found each of them in the new report already; a resize-convolution's Upsample (`up.0`) has no
 *  overlap to check. */
function touchedEven(after: FileReport, c: FixCandidate): boolean {
  for (const m of after.models) {
    const touched = c.replaced.get(m.name);
    if (!touched) continue;
    for (const l of m.layers) {
      for (const p of touched) if (l.path === c.renamed(p) && isUneven(l.overlap)) return false;
    }
  }
  return true;
}

/** A diagnostic about a layer's own overlap (not the compound pattern of a stack ending there). */
function isOwn(report: FileReport, pattern: number[][] | undefined, model: string | undefined, path: string | undefined): boolean {
  const layer = report.models.find((m) => !model || m.name === model)?.layers.find((l) => l.path === path);
  return !!layer && JSON.stringify(layer.overlap ?? null) === JSON.stringify(pattern ?? null);
}

/** The report diagnostics an editor diagnostic stands for: all of a group (same analysed
 *  version), else the one with its code, layer and message. */
function originalsOf(view: AnalysisView, d: LspDiagnostic, data: DiagnosticData): Diagnostic[] {
  if (data.indices && data.version === view.result.version) {
    return data.indices.map((i) => view.report.diagnostics[i]).filter((r): r is Diagnostic => r !== undefined);
  }
  const one = view.report.diagnostics.find((r) => r.code === d.code && r.path === data.path && r.model === data.model && typeof d.message === 'string' && d.message.startsWith(r.message));
  return one ? [one] : [];
}

/** The requested diagnostics this edit cures: every layer they stand for rebuilt by the edit, and
 *  no diagnostic of the same code, layer and own-versus-stacked kind left in the new report. */
function curedDiagnostics(view: AnalysisView, after: FileReport, c: FixCandidate, requested: LspDiagnostic[]): LspDiagnostic[] {
  return requested.filter((d) => {
    const data = d.data as DiagnosticData | undefined;
    if (!data?.path) return false;
    const originals = originalsOf(view, d, data);
    const stands = originals.length
      ? originals.map((r) => ({ path: r.path, model: r.model, own: isOwn(view.report, r.pattern, r.model, r.path) }))
      : [{ path: data.path, model: data.model, own: true }];
    return stands.every(({ path, model, own }) => {
      if (path === undefined || model === undefined || !c.replaced.get(model)?.has(path)) return false;
      const newPath = c.renamed(path);
      return !after.diagnostics.some((r) => r.code === 'uneven-overlap' && r.path === newPath && r.model === model && isOwn(after, r.pattern, r.model, r.path) === own);
    });
  });
}

/** The diagnostics the candidate cures and the edited text's report, after checking the edited
 *  text with the engine; null when it must not be offered. */
function verify(view: AnalysisView, c: FixCandidate, reanalyse: Reanalyse, requested: LspDiagnostic[]): { cured: LspDiagnostic[]; after: FileReport } | null {
  const cache = (view.result.derived.verified ??= new Map<string, FileReport | null>()) as Map<string, FileReport | null>;
  const newText = TextDocument.applyEdits(view.snapshot(), c.edits);
  let after = cache.get(newText);
  if (after === undefined) {
    after = reanalyse(newText);
    cache.set(newText, after);
  }
  if (!after) return null;
  const errorsBefore = view.report.diagnostics.filter((d) => d.severity === 'error').length;
  if (after.diagnostics.filter((d) => d.severity === 'error').length > errorsBefore) return null;
  if (!outputsUnchanged(view.report, after, c) || !touchedEven(after, c)) return null;
  return { cured: curedDiagnostics(view, after, c, requested), after };
}

/** `+0.3M`, `−12.3K`: a change in a count, signed. */
function signedCount(delta: number): string {
  // Stryker disable next-line EqualityOperator: equivalent — effectText calls it only with a nonzero delta, where < and <= agree
  return `${delta < 0 ? '−' : '+'}${humanCount(Math.abs(delta))}`;
}

/** What the edit changes beyond the overlap, from the engine's reports before and after: params
 *  and MACs of the model, and what happens to its state_dict (pretrained checkpoints). */
function effectText(before: FileReport, after: FileReport, model: string, c: FixCandidate, tfjs: boolean): string {
  // `model` is the fixed layer's model in `before`; verify's outputsUnchanged found every model of
  // `before` in `after`.
  const was = before.models.find((m) => m.name === model)!;
  const now = after.models.find((m) => m.name === model)!;
  const parts: string[] = [];
  const params = now.params - was.params;
  const macs = now.macs - was.macs;
  parts.push(params || macs ? `${params ? `${signedCount(params)} params` : 'params unchanged'}, ${macs ? `${signedCount(macs)} MACs` : 'MACs unchanged'}` : 'params and MACs unchanged');
  const first = [...(c.replaced.get(model) ?? [])][0];
  if (tfjs) parts.push('same layers, new kernel shape');
  else if (first !== undefined && c.renamed(first) !== first) parts.push(`state_dict keys move (${first}.weight → ${c.renamed(first)}.weight)`);
  else parts.push('same state_dict keys, new weight shapes');
  return parts.join(' · ');
}

// ---------- a guessed input that the model does not run on ----------

/** Every size 1–512, as the CLI's --valid-sizes: a forward per size, done once per analysed
 *  version and only when a fix for a guessed input is asked for; for at most ten analysis time
 *  limits (2 s at the default limit). */
const SOLVE_SIZES = { steps: 100_000_000, timeLimits: 10 };

/** The engine's note on a diagnostic that a guessed input caused (analyze.ts). */
const GUESS_NOTE = 'was a guess';

const shapesText = (shapes: readonly (readonly number[])[]) => shapes.map((s) => s.join('×')).join(', ');

/** The report of this version with every input size checked: the size the engine solves a guess to. */
function solvedReport(view: AnalysisView, reanalyse: Reanalyse, solve: boolean): FileReport | null {
  const derived = view.result.derived as { solvedSizes?: FileReport | null };
  if (derived.solvedSizes === undefined && solve) derived.solvedSizes = reanalyse(view.result.text, { validSizes: SOLVE_SIZES });
  return derived.solvedSizes ?? null;
}

/** The guessed input fails: the engine says so in the model's diagnostics. */
function guessFails(report: FileReport, model: ModelReport): boolean {
  return report.diagnostics.some((d) => d.model === model.name && (d.severity === 'warning' || d.severity === 'error') && d.message.includes(GUESS_NOTE));
}

/** The model runs on `shapes` written as a directive: the engine, run on the edited text, uses
 *  them and reports no shape error for it. */
function runsWith(view: AnalysisView, reanalyse: Reanalyse, model: ModelReport, edit: TextEdit, shapes: number[][]): boolean {
  const cache = (view.result.derived.verified ??= new Map<string, FileReport | null>()) as Map<string, FileReport | null>;
  const newText = TextDocument.applyEdits(view.snapshot(), [edit]);
  let after = cache.get(newText);
  if (after === undefined) {
    after = reanalyse(newText);
    cache.set(newText, after);
  }
  const now = after?.models.find((m) => m.name === model.name);
  if (!after || !now || now.inputSource !== 'directive' || JSON.stringify(now.inputs) !== JSON.stringify(shapes)) return false;
  return !after.diagnostics.some((d) => d.model === model.name && (d.code === 'shape-mismatch' || d.code === 'channel-mismatch'));
}

/** What the guess failed on, for the title: ` fails at linear (Linear 512→10)`, from the layer
 *  called where the first warning the guess caused is. One call runs every child of an
 *  nn.Sequential: of the layers called there, the one that failed is the first without a known
 *  output. */
function failedAt(report: FileReport, model: ModelReport): string {
  for (const d of report.diagnostics) {
    if (d.model !== model.name || !d.message.includes(GUESS_NOTE)) continue;
    const at = model.layers.filter((l) => (d.path !== undefined && l.path === d.path) ||
      l.called.some((c) => samePath(c.file, d.file) && c.line === d.line && c.column === d.column));
    const layer = at.find((l) => l.unknown !== undefined) ?? at[0];
    if (layer) return ` fails at ${layer.path} (${layer.op}${layer.args ? ` ${layer.args}` : ''})`;
  }
  return ' fails';
}

/**
 * The fixes for a model analysed on a guessed input: the input a function of the file calls it
 * with (a `test()`), and, when the guess does not run, the size the engine solves it to from every
 * size 1–512. The guess itself is offered (pinned) only when the model runs on it. Each is
 * offered after the engine has run the edited text on it without a shape error.
 */
function guessedInputActions(view: AnalysisView, model: ModelReport, classLine: number, reanalyse: Reanalyse, diagnostics: LspDiagnostic[], solve: boolean): CodeAction[] {
  const doc = view.snapshot();
  const fails = guessFails(view.report, model);
  const offers: { shapes: number[][]; title: string }[] = [];
  const caller = model.callerInput;
  if (caller) offers.push({ shapes: caller.shapes, title: `Set input ${shapesText(caller.shapes)} (as ${caller.functionName}() on line ${caller.line} calls ${model.className})` });
  if (fails) {
    const solved = solvedReport(view, reanalyse, solve)?.models.find((m) => m.name === model.name && m.inputSource === 'inferred');
    const square = solved?.validInputSizes?.square;
    if (solved && square?.valid?.length && JSON.stringify(solved.inputs) !== JSON.stringify(model.inputs)) {
      // (A guess that fails was run: the model has its input.)
      const guessed = model.inputs[0]!;
      const names = guessed.length === 3 ? 'L' : guessed.length === 4 ? 'H, W' : guessed.length === 5 ? 'D, H, W' : 'sizes';
      const guess = guessed.slice(2).join('×');
      offers.push({
        shapes: solved.inputs,
        title: `Set input ${shapesText(solved.inputs)} (${model.name} runs on ${names}: ${square.text}; the guessed ${guess}${failedAt(view.report, model)})`,
      });
    }
  }
  if (!fails) offers.push({ shapes: model.inputs, title: `Set input shape here: ${shapeListToDirective(model.inputs)}` });
  const actions: CodeAction[] = [];
  const seen = new Set<string>();
  for (const offer of offers) {
    const key = JSON.stringify(offer.shapes);
    if (seen.has(key)) continue;
    seen.add(key);
    const edit = inputDirectiveEdit(doc, classLine, offer.shapes);
    // The pinned guess is checked already (the analysis ran it); the others by running them.
    if (offer.shapes !== model.inputs && !runsWith(view, reanalyse, model, edit, offer.shapes)) continue;
    actions.push({
      title: offer.title,
      kind: CodeActionKind.QuickFix,
      ...(diagnostics.length ? { diagnostics } : {}),
      isPreferred: actions.length === 0 && offer.shapes !== model.inputs,
      edit: { changes: { [view.result.uri]: [edit] } },
    });
  }
  return actions;
}

/** The input fixes of the model classes at the cursor, and of the models whose guessed input
 *  caused a requested diagnostic. `solve`: the engine may check every size now (the user asked for
 *  the fixes; the light bulb's own requests use only what an earlier request found). */
function inputShapeActions(view: AnalysisView, params: CodeActionParams, reanalyse: Reanalyse, solve: boolean): CodeAction[] {
  const actions: CodeAction[] = [];
  const doc = view.snapshot();
  const scope = view.syntax().scopeAt(doc.offsetAt(params.range.start));
  const cls = scope ? (scope.node.kind === 'ClassDef' ? scope.node : scope.owner) : null;
  const classNameAt = cls ? doc.positionAt(cls.nameSpan.from) : null;
  const seen = new Set<string>();
  const guessDiagnostics = params.context.diagnostics.filter((d) => d.source === 'convlens' && typeof d.message === 'string' && d.message.includes(GUESS_NOTE));
  for (const model of view.report.models) {
    const loc = model.classLocation;
    if (!loc || !samePath(loc.file, view.result.path)) continue;
    const span = spanOf(loc);
    const here =
      span.start.line === params.range.start.line ||
      (classNameAt !== null && (spanContains(span, classNameAt) || span.start.line === classNameAt.line));
    const caused = model.inputSource === 'inferred'
      ? guessDiagnostics.filter((d) => (d.data as DiagnosticData | undefined)?.model === model.name)
      : [];
    if (!here && !caused.length) continue;
    // One directive per class: models of the same class share it.
    const key = `${loc.line}:${model.inputSource === 'inferred' ? model.name : ''}`;
    if (seen.has(key) || (model.inputSource !== 'inferred' && [...seen].some((k) => k.startsWith(`${loc.line}:`)))) continue;
    seen.add(key);
    if (model.inputSource === 'inferred') {
      actions.push(...guessedInputActions(view, model, span.start.line, reanalyse, caused, solve));
      continue;
    }
    const edit = inputDirectiveEdit(doc, span.start.line, model.inputs);
    actions.push({
      title: `Set input shape here: ${shapeListToDirective(model.inputs)}`,
      kind: CodeActionKind.QuickFix,
      edit: { changes: { [view.result.uri]: [edit] } },
    });
  }
  // The same edit offered twice (two models of one class with the same fix): once.
  const edits = new Set<string>();
  return actions.filter((a) => {
    const k = JSON.stringify(a.edit);
    if (edits.has(k)) return false;
    edits.add(k);
    return true;
  });
}

export function computeCodeActions(view: AnalysisView, params: CodeActionParams, reanalyse: Reanalyse): CodeAction[] {
  // Edits are made against the analysed text; while it is behind the screen, offer nothing.
  if (!view.current) return [];
  const actions: CodeAction[] = [];
  const done = new Set<string>();
  const requested = params.context.diagnostics.filter((d) => d.code === 'uneven-overlap' && d.source === 'convlens');
  for (const d of requested) {
    const found = findLayer(view.report, d.data as DiagnosticData | undefined);
    if (!found) continue;
    // TensorFlow.js files have their own fix (a kernelSize divisible by the strides).
    const tfjs = TYPESCRIPT_FILE.test(view.result.path);
    const target = tfjs ? null : fixTarget(view, found.layer, found.model);
    const candidates = tfjs ? [tfjsKernelCandidate(view, found.layer)] : target ? [kernelCandidate(view, target), resizeCandidate(view, target)] : [];
    for (const candidate of candidates) {
      if (!candidate) continue;
      const key = JSON.stringify(candidate.edits);
      if (done.has(key)) continue;
      done.add(key);
      const checked = verify(view, candidate, reanalyse, requested);
      if (!checked?.cured.length) continue;
      actions.push({
        title: `${candidate.title} · ${effectText(view.report, checked.after, found.model.name, candidate, tfjs)}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: checked.cured,
        isPreferred: candidate.renamed('x') === 'x',
        edit: { changes: { [view.result.uri]: candidate.edits } },
      });
    }
  }
  if (!params.context.only || params.context.only.some((k) => k === CodeActionKind.QuickFix || k === CodeActionKind.Empty)) {
    actions.push(...inputShapeActions(view, params, reanalyse, params.context.triggerKind !== CodeActionTriggerKind.Automatic));
  }
  return actions;
}
