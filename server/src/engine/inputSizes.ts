// The input sizes a model runs on: forward run again at each size (as brute force with PyTorch
// does), stopping at the first error. A size is valid when forward ends with no error, invalid
// when an operator raises (a shape error) or the code raises, and unknown when anything on the
// way was not followed; a set with an unknown size is reported unknown, never guessed.

import { freshGeometry } from './geometry';
import { describeSizes } from './sizeSets';
import type { SizeSet, ValidInputSizes } from './report';
import { AnalysisAborted, PyError, type DiagnosticSink, type Interpreter } from './python/interpreter';
import type { Recorder } from './python/recorder';
import type { TorchEnvironment } from './python/torchLib';
import type { InstanceValue, Site, TensorValue } from './python/values';

/** Sizes checked on each axis unless the input is larger. */
export const MAX_CHECKED_SIZE = 512;

export type Probe =
  | { kind: 'valid' }
  | { kind: 'invalid'; message: string; site: Site | null }
  | { kind: 'unknown'; reason: string; outOfTime: boolean };

/** Whether a diagnostic ends a probe: an error (invalid, or unknown where the code may catch it
 *  or a branch was not decided), a hint or anything unknown (the size is unknown). */
export function stopsProbe(severity: string, code: string): boolean {
  return severity === 'error' || severity === 'hint' || code === 'unknown';
}

/** Stops a side run at its first finding (thrown from the diagnostics sink; an abort passes every handler). */
class ProbeStop extends AnalysisAborted {}

/** forward once at `shapes`, apart from the analysis (its diagnostics, budget and recorder). */
export function probeForward(interp: Interpreter, torch: TorchEnvironment, instance: InstanceValue, shapes: number[][],
  limits: { steps: number; ms: number }, recorder: Recorder | null = null, after?: (inputs: TensorValue[]) => void): Probe {
  let found: Probe | null = null;
  // With a recorder the run goes on past errors: the rows after them are what it is for.
  const stopAtError = recorder === null;
  const undecidedBefore = interp.undecidedConditions;
  const sink: DiagnosticSink = (severity, code, message, site) => {
    if (found) return;
    if (severity === 'error' && interp.undecidedConditions > undecidedBefore) {
      found = { kind: 'unknown', reason: `an error after a branch on a condition whose value is not known: ${message}`, outOfTime: false };
    } else if (severity === 'error') {
      // An error the code's own `try` may catch in PyTorch is not followed as such here.
      found = interp.insideTry ? { kind: 'unknown', reason: `an error inside a try block: ${message}`, outOfTime: false } : { kind: 'invalid', message, site };
    } else if (stopsProbe(severity, code)) {
      found = { kind: 'unknown', reason: message, outOfTime: false };
    } else return;
    if (stopAtError) throw new ProbeStop(message, site);
  };
  const inputs = shapes.map(inputOf);
  const previous = torch.recorder();
  torch.setRecorder(recorder);
  try {
    interp.sideRun(limits.steps, limits.ms, sink, () => {
      const before = interp.toleratedErrors;
      const result = torch.callModule(instance, { positional: inputs, keywords: new Map() }, null);
      if (found) return;
      if (result.kind === 'unknown') found = { kind: 'unknown', reason: result.reason, outOfTime: false };
      else if (interp.toleratedErrors > before) found = { kind: 'unknown', reason: 'a statement of forward could not be analysed', outOfTime: false };
      else if (interp.undecidedConditions > undecidedBefore) found = { kind: 'unknown', reason: 'forward took a branch on a condition whose value is not known', outOfTime: false };
      else found = { kind: 'valid' };
    });
  } catch (e) {
    if (e instanceof ProbeStop) {
      // found is set
    } else if (e instanceof AnalysisAborted) {
      found ??= { kind: 'unknown', reason: e.message, outOfTime: true };
    } else if (e instanceof PyError) {
      // A `raise` in the model's code that nothing caught: PyTorch stops there too.
      found ??= e.explicit ? { kind: 'invalid', message: `${e.excType}: ${e.pyMessage}`, site: e.site } : { kind: 'unknown', reason: `${e.excType}: ${e.pyMessage}`, outOfTime: false };
    } else throw e;
  } finally {
    torch.setRecorder(previous);
  }
  after?.(inputs);
  return found ?? { kind: 'unknown', reason: 'forward did not finish', outOfTime: false };
}

function inputOf(shape: number[]): TensorValue {
  const spatial = shape.length >= 3 ? shape.length - 2 : 0;
  return { kind: 'tensor', shape, geometry: spatial ? freshGeometry(spatial) : null };
}

/** One axis's (or all axes') sizes, checked outward from `center` until `deadline`: what was
 *  checked is always a range around it. */
export function scanSizes(center: number, max: number, deadline: number, probe: (n: number) => Probe): SizeSet & { centerProbe: Probe | null } {
  const valid: number[] = [];
  let lo = center;
  let hi = center - 1;
  let centerProbe: Probe | null = null;
  let unknown: string | undefined;
  // Downwards and upwards in turn, so a cut-off leaves [lo, hi] checked.
  let down = center - 1;
  let up = center;
  let outOfTime = false;
  while ((down >= 1 || up <= max) && !unknown) {
    for (const n of [up, down]) {
      if (n < 1 || n > max || unknown || outOfTime) continue;
      if (performance.now() > deadline) {
        outOfTime = true;
        continue;
      }
      const p = probe(n);
      if (n === center) centerProbe = p;
      if (p.kind === 'unknown' && p.outOfTime) {
        outOfTime = true;
        continue;
      }
      if (p.kind === 'unknown') unknown = `at size ${n}: ${p.reason}`;
      if (p.kind === 'valid') valid.push(n);
      if (n === up) {
        hi = up;
        up++;
      } else {
        lo = down;
        down--;
      }
    }
    if (outOfTime) break;
  }
  valid.sort((a, b) => a - b);
  if (unknown) return { valid: null, checked: [lo, hi], text: `unknown (${unknown})`, unknown, centerProbe };
  if (hi < lo) {
    const why = 'not checked: one run takes more than the steps or time allowed (the CLI allows more)';
    return { valid: null, checked: [center, center], text: why, unknown: why, centerProbe };
  }
  return { valid, checked: [lo, hi], text: describeSizes(valid, lo, hi), centerProbe };
}

const AXIS_NAMES: Record<number, string[]> = { 1: ['L'], 2: ['H', 'W'], 3: ['D', 'H', 'W'] };

export function axisNames(spatial: number): string[] {
  return AXIS_NAMES[spatial] ?? Array.from({ length: spatial }, (_, i) => `axis ${i + 2}`);
}

export interface SizeScanOptions {
  max: number;
  /** A bound on the time of the whole scan (a safety net: the step budget decides, the same way
   *  on every run, unless the machine is very slow). */
  timeMs: number;
  /** Interpreter steps for all the runs of the scan together. */
  steps: number;
  /** The square set, when already known (the size chosen for a guessed input). */
  square?: SizeSet;
  /** Only the square set (choosing a size). */
  onlySquare?: boolean;
  /** The steps forward took at `shapes` in the analysis's own run, when that run is one a probe
   *  would call valid (no error, hint or unknown on the way). A scan whose share of the steps is
   *  smaller does not run forward at those shapes again only to see it cut off: it stops as that
   *  run would have, and is charged what it would have taken. (A forward that did one-time work in
   *  its first run might fit the share the second time: then "one run takes more than the steps
   *  allowed" is still true of the first, and the scan says only that.) */
  oneRunSteps?: number;
}

/**
 * The valid sizes of every spatial axis together (all set to n) and, for two or more spatial axes,
 * of each axis alone with the others as given. Inputs of the first input's rank are varied; others
 * are kept. Undefined when the first input has no spatial axis.
 */
export function validInputSizes(interp: Interpreter, torch: TorchEnvironment, instance: InstanceValue, shapes: number[][],
  options: SizeScanOptions): (ValidInputSizes & { invalidInput: Extract<Probe, { kind: 'invalid' }> | null }) | undefined {
  const rank = shapes[0]?.length ?? 0;
  const spatial = rank - 2;
  if (spatial < 1) return undefined;
  const started = performance.now();
  const end = started + options.timeMs;
  const varied = shapes.map((s) => s.length === rank);
  const at = (axes: number[], n: number): number[][] => shapes.map((s, i) => (varied[i] ? s.map((d, k) => (axes.includes(k) ? n : d)) : s));
  /** Whether at(axes, n) are the shapes the analysis ran forward at. */
  const asAnalysed = (axes: number[], n: number): boolean => shapes.every((s, i) => !varied[i] || axes.every((k) => s[k] === n));
  const all = Array.from({ length: spatial }, (_, a) => a + 2);
  let stepsLeft = options.steps;
  const scan = (axes: number[], center: number, share: number) => {
    const deadline = performance.now() + share * Math.max(0, end - performance.now());
    let steps = Math.floor(share * stepsLeft);
    // Each run may take what is left of the share: one past it is cut off and not counted.
    return scanSizes(center, Math.max(options.max, center), deadline, (n) => {
      if (steps > 0 && options.oneRunSteps !== undefined && options.oneRunSteps > steps && asAnalysed(axes, n)) {
        // A run is cut off once it has taken one step more than its budget.
        stepsLeft -= steps + 1;
        steps = 0;
      }
      if (steps <= 0) return { kind: 'unknown', reason: 'out of steps', outOfTime: true };
      const p = probeForward(interp, torch, instance, at(axes, n), { steps, ms: Math.max(1, deadline - performance.now()) });
      steps -= interp.lastSideRunSteps;
      stepsLeft -= interp.lastSideRunSteps;
      return p;
    });
  };
  const first = shapes[0]!;
  const isSquare = all.every((k) => first[k] === first[2]);
  const axisCount = spatial >= 2 && !options.onlySquare ? spatial : 0;
  const square = options.square ?? scan(all, first[2]!, 1 / (1 + axisCount));
  const names = axisNames(spatial);
  const axes = axisCount
    ? all.map((k, a) => {
      const set = scan([k], first[k]!, 1 / (axisCount - a));
      return { axis: k, name: names[a]!, ...strip(set), centerProbe: set.centerProbe };
    })
    : [];
  const centerProbe = axes.length ? axes[0]!.centerProbe : isSquare ? (square as { centerProbe?: Probe | null }).centerProbe ?? null : null;
  const result: ValidInputSizes = { square: strip(square), axes: axes.map(({ centerProbe: _, ...a }) => a), summary: '' };
  result.summary = summaryOf(result, first, names);
  return { ...result, invalidInput: centerProbe && centerProbe.kind === 'invalid' ? centerProbe : null };
}

function strip(set: SizeSet & { centerProbe?: Probe | null }): SizeSet {
  const { centerProbe: _, ...rest } = set;
  return rest;
}

const sameSet = (a: SizeSet, b: SizeSet) => a.valid !== null && b.valid !== null && a.checked[0] === b.checked[0] && a.checked[1] === b.checked[1] &&
  a.valid.length === b.valid.length && a.valid.every((x, i) => x === b.valid![i]);

/** `H, W: multiples of 32 from 32 (sizes 1–512 checked)`, or each axis alone when they differ. */
function summaryOf(v: ValidInputSizes, first: number[], names: string[]): string {
  // One size checked (a small budget): say that it runs, not that it is the only size that does.
  const described = (s: SizeSet) =>
    s.valid !== null && s.checked[0] === s.checked[1]
      ? `${s.checked[0]} ${s.valid.length ? 'runs' : 'does not run'} (no other size checked)`
      : `${s.text} (sizes ${s.checked[0]}–${s.checked[1]} checked)`;
  if (!v.axes.length || v.axes.every((a) => sameSet(a, v.square))) return `${names.join(', ')}: ${described(v.square)}`;
  const parts = [`${names.join(' = ')}: ${described(v.square)}`];
  for (const a of v.axes) {
    const others = v.axes.filter((b) => b !== a).map((b) => `${b.name} = ${first[b.axis]}`).join(', ');
    parts.push(`${a.name} alone (${others}): ${described(a)}`);
  }
  return parts.join('; ');
}
