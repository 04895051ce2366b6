// One model's report: runs the model from its inputs through the runtime, turning every layer
// application into a LayerReport, and finds the diagnostics in the layer sequence (uneven
// overlap of transposed convolutions, compounded overlap of stacks, gridding, shape errors).

import { griddingCheck, isUneven, stackOverlapPattern, type GriddingLayer, type OverlapStackLayer } from '../geometry';
import * as R from '../rational';
import { flagInexactCounts } from '../exactRange';
import type { Diagnostic, DiagnosticCode, LayerReport, ModelReport, Severity, SourceLocation, ValueReport } from '../report';
import type { ValueNote } from './interpreter';
import type { TfTensor } from './layers/spec';
import { UnknownTensor, type LayerEvent, type RunTensor, type TfRuntime } from './tfRuntime';
import type { ModelValue, Site, TensorValue } from './values';

export type AddDiagnostic = (severity: Severity, code: DiagnosticCode, message: string, site: Site | null, extra?: Partial<Diagnostic>) => void;

export function locationOf(site: Site): SourceLocation {
  const a = site.file.sf.getLineAndCharacterOfPosition(site.from);
  const b = site.file.sf.getLineAndCharacterOfPosition(site.to);
  return { file: site.file.path, line: a.line + 1, column: a.character, endLine: b.line + 1, endColumn: b.character };
}

export interface ModelRun {
  name: string;
  className: string;
  classLocation: Site | null;
  model: ModelValue;
  inputs: RunTensor[];
  inputSource: ModelReport['inputSource'];
  /** Problems met while the model was built (statements not followed). */
  constructionProblems: number;
}

const isKnown = (t: RunTensor): t is TfTensor => !(t instanceof UnknownTensor);

export function runModelReport(runtime: TfRuntime, run: ModelRun, notes: readonly ValueNote[], addDiagnostic: AddDiagnostic): ModelReport {
  const events: LayerEvent[] = [];
  const tensors = new Map<TensorValue, RunTensor>();
  const outputs = runtime.report(run.model, run.inputs, { event: (e) => events.push(e), tensor: (t, v) => tensors.set(t, v) });
  const layers = events.map(layerReport);
  let incomplete = layers.some((l) => l.unknown !== undefined) || !outputs.every(isKnown) || run.model.problem !== null;

  for (const e of events) eventDiagnostics(e, addDiagnostic);
  overlapDiagnostics(events, layers, addDiagnostic);
  griddingDiagnostics(events, layers, addDiagnostic);
  if (run.constructionProblems > 0) {
    incomplete = true;
    addDiagnostic('warning', 'unknown',
      `${run.name}: ${run.constructionProblems} statement${run.constructionProblems === 1 ? '' : 's'} could not be analysed while the model was built, so layers may be missing (see the hints)`,
      run.classLocation);
  }
  const totals = { params: layers.reduce((s, l) => s + l.params, 0), macs: layers.reduce((s, l) => s + l.macs, 0) };
  const unknownLayers = layers.filter((l) => l.unknown !== undefined).length;
  if (unknownLayers > 0) {
    addDiagnostic('warning', 'unknown',
      `${run.name}: params and MACs count only the known layers (${unknownLayers} of ${layers.length} layers ${unknownLayers === 1 ? 'is' : 'are'} unknown)`,
      run.classLocation);
  }
  const warnAt = (message: string, layer: number | null): void => {
    const e = layer === null ? undefined : events[layer];
    addDiagnostic('warning', 'unknown', message, (e && (e.called[0] ?? e.layer.defined[0])) ?? run.classLocation ?? null);
  };
  if (flagInexactCounts(run.name, layers, totals, warnAt)) incomplete = true;
  const knownInputs = run.inputs.filter(isKnown);
  return {
    name: run.name,
    className: run.className,
    classLocation: run.classLocation ? locationOf(run.classLocation) : null,
    inputs: knownInputs.map((t) => [...t.shape]),
    inputSource: run.inputSource,
    outputs: outputs.filter(isKnown).map((t) => [...t.shape]),
    ...totals,
    layers,
    values: valueReports(events, tensors, notes),
    incomplete,
    ...(knownInputs.length && knownInputs.every((t) => t.batchSymbolic) ? { symbolicBatch: true } : {}),
  };
}

function layerReport(e: LayerEvent): LayerReport {
  const r = e.result;
  const g = r?.geometry ?? null;
  const w = r?.window;
  const report: LayerReport = {
    path: e.path,
    op: e.layer.spec.className,
    kind: 'module',
    args: r?.args ?? '',
    in: e.inputs.filter(isKnown).map((t) => [...t.shape]),
    out: r ? r.outputs.map((t) => [...t.shape]) : [],
    params: r && e.firstCall ? r.params : 0,
    macs: r?.macs ?? 0,
    rf: g ? g.map((a) => R.toNumber(a.rf)) : [],
    jump: g ? g.map((a) => R.toNumber(a.jump)) : [],
    rfExact: g ? g.map((a) => R.format(a.rf)) : [],
    jumpExact: g ? g.map((a) => R.format(a.jump)) : [],
    defined: e.layer.defined.map(locationOf),
    called: e.called.map(locationOf),
  };
  if (w?.kernel) report.kernel = w.kernel;
  if (w?.stride) report.stride = w.stride;
  if (w?.padding) report.padding = w.padding;
  if (w?.dilation) report.dilation = w.dilation;
  if (w?.overlap) report.overlap = w.overlap;
  if (!r) report.unknown = e.problem?.message ?? 'unknown';
  return report;
}

function eventDiagnostics(e: LayerEvent, addDiagnostic: AddDiagnostic): void {
  const where = e.called[0] ?? e.layer.defined[0] ?? null;
  if (e.problem && !e.layer.problem) {
    // A layer whose input is unknown says so in the report; the cause has its own diagnostic.
    if (e.problem.code === 'unknown') {
      // The layer that made the shapes unknown: a warning on its line (the model is incomplete).
      if (!e.problem.message.startsWith('its input is unknown')) addDiagnostic('warning', 'unknown', `${e.path}: ${e.problem.message}; the shapes after it are unknown`, where, { path: e.path });
    } else {
      addDiagnostic('error', e.problem.code, `${e.path}: ${e.problem.message}`, where, { path: e.path });
    }
  }
  for (const note of e.result?.notes ?? []) addDiagnostic('warning', 'invalid-argument', `${e.path}: ${note}`, e.layer.defined[0] ?? null, { path: e.path });
}

/** Tensors the code bound to names, with the shapes this run gave them; sequential entries too. */
function valueReports(events: LayerEvent[], tensors: Map<TensorValue, RunTensor>, notes: readonly ValueNote[]): ValueReport[] {
  const bySite = new Map<string, ValueReport>();
  const add = (site: Site, name: string, shapes: number[][]): void => {
    const key = `${site.file.path}:${site.from}:${name}`;
    const existing = bySite.get(key);
    if (existing) {
      if (existing.shapes.length < 64) existing.shapes.push(...shapes);
    } else bySite.set(key, { name, location: locationOf(site), shapes });
  };
  for (const note of notes) {
    const values = note.tensors.map((t) => tensors.get(t));
    if (values.length && values.every((v): v is TfTensor => v !== undefined && isKnown(v))) add(note.site, note.name, values.map((v) => [...v.shape]));
  }
  for (const e of events) {
    if (e.entrySite && e.result) add(e.entrySite, '', e.result.outputs.map((t) => [...t.shape]));
  }
  return [...bySite.values()];
}

// ---------- overlap and gridding ----------

const TRANSPOSED = new Set(['Conv2DTranspose', 'Conv3DTranspose']);
const CONVOLUTIONS = new Set(['Conv1D', 'Conv2D', 'Conv3D', 'DepthwiseConv2D', 'SeparableConv2D']);

/** Leaves an overlap pattern as it is: same shape in and out, no window (activations, norms). */
function isNeutral(e: LayerEvent): boolean {
  const r = e.result;
  const x = e.inputs[0];
  if (!r || !x || !isKnown(x) || r.window?.kernel || r.window?.scale) return false;
  const y = r.outputs[0]!.shape;
  return y.length === x.shape.length && y.every((d, i) => d === x.shape[i]);
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

function overlapDiagnostics(events: LayerEvent[], layers: LayerReport[], addDiagnostic: AddDiagnostic): void {
  let stack: number[] = [];
  const flush = (): void => {
    const period = stack.reduce((p, i) => p * Math.max(1, ...(events[i]!.result!.window!.stride ?? [1])), 1);
    if (stack.length >= 2 && period <= 4096) {
      const last = stack[stack.length - 1]!;
      const axes = layers[last]!.overlap?.length ?? 0;
      const combined: number[][] = [];
      for (let axis = 0; axis < axes; axis++) {
        const chain: OverlapStackLayer[] = stack.map((i) => {
          const w = events[i]!.result!.window!;
          return { kind: 'convTranspose', kernel: w.kernel![axis]!, stride: w.stride![axis]!, dilation: 1 };
        });
        combined.push(stackOverlapPattern(chain));
      }
      if (combined.some(isUneven)) {
        const e = events[last]!;
        addDiagnostic('warning', 'uneven-overlap',
          `The ${stack.length} stacked transposed convolutions ending at ${e.path} compound their uneven overlap: ` +
          `taps per output position over one period ${describePattern(combined)} (max/min ${ratio(combined)}) — a checkerboard artifact.`,
          e.layer.defined[0] ?? e.called[0] ?? null, { path: e.path, pattern: combined });
      }
    }
    stack = [];
  };
  events.forEach((e, i) => {
    const overlap = e.result?.window?.overlap;
    if (TRANSPOSED.has(e.layer.spec.className) && overlap) {
      if (overlap.some(isUneven)) {
        const w = e.result!.window!;
        const k = w.kernel ?? [];
        const s = w.stride ?? [];
        const fix = s.map((st, a) => (st <= 1 ? k[a]! : Math.max(st, Math.ceil(k[a]! / st) * st)));
        const fixText = new Set(fix).size === 1 ? String(fix[0]) : `[${fix.join(', ')}]`;
        const same = (e.layer.config as { padding?: string } | null)?.padding === 'same';
        addDiagnostic('warning', 'uneven-overlap',
          `${e.layer.spec.className} ${e.path} (kernel ${k.join('×')}, strides ${s.join('×')}) overlaps unevenly: ` +
          `taps per output position ${describePattern(overlap)} (max/min ${ratio(overlap)}) — a checkerboard artifact` +
          `${same ? " (TF.js's 'same' padding only crops the border; it does not even out the overlap)" : ''}. ` +
          `Use a kernelSize divisible by the strides (kernelSize: ${fixText}) or upSampling2d + conv2d.`,
          e.layer.defined[0] ?? e.called[0] ?? null, { path: e.path, pattern: overlap });
      }
      stack.push(i);
    } else if (!isNeutral(e)) {
      flush();
    }
  });
  flush();
}

function griddingDiagnostics(events: LayerEvent[], layers: LayerReport[], addDiagnostic: AddDiagnostic): void {
  const convs: { index: number; layer: GriddingLayer }[] = [];
  events.forEach((e, i) => {
    const w = e.result?.window;
    if (!w?.kernel || !w.dilation || !CONVOLUTIONS.has(e.layer.spec.className)) return;
    convs.push({ index: i, layer: { kernel: w.kernel, dilation: w.dilation, stride: w.stride ?? w.kernel.map(() => 1), label: layers[i]!.path } });
  });
  for (const finding of griddingCheck(convs.map((c) => c.layer))) {
    const last = convs[finding.layers[finding.layers.length - 1]!]!.index;
    const e = events[last]!;
    addDiagnostic('warning', 'gridding', finding.message, e.layer.defined[0] ?? e.called[0] ?? null, { path: layers[last]!.path });
  }
}
