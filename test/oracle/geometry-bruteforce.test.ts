// The rf/jump algebra and the overlap analysis against brute force.
//
// Reach sets. A 1-D reference propagates, for every position of every layer, the smallest and
// largest input pixel it depends on (min, max), through random stacks (fixed seed) of
// convolutions, max/avg pools, transposed convolutions, max-unpooling, resizes (nearest,
// nearest-exact, linear with and without align_corners, bicubic, area) and 1-D pixel
// shuffle/unshuffle, using torch's own index formulas with exact integer arithmetic. The engine
// (the real ops, fed tensors whose geometry is the running geometry) must match it:
//
//  - jump: in the interior the reach sets are periodic: reach(o + P) = reach(o) + D for the
//    smallest period P. The brute-force jump is D/P, the distance in input pixels between the
//    centres of neighbouring output positions, averaged over a period. It must equal the
//    engine's jump exactly.
//  - rf: the extent max − min + 1 of an interior output's reach set. Without up-sampling every
//    interior output has the same extent, and the engine's rf must equal the largest (= every)
//    extent. With fractional jumps the extent varies with the output's phase (5 or 6 pixels after
//    two k4 s2 transposed convolutions), and DESIGN.md's rf is the phase-independent quantity
//    r_in + (span − 1)·j_in: the brute force averages the extent over one period. Two
//    idealisations make that exact, and the reference applies them explicitly:
//      * a layer that samples a periodic pattern at a fixed phase (a stride sharing a factor
//        with the pattern's period, a resize by a non-integer ratio) sees only some phases, and
//        which ones depends on padding the algebra does not model; the reference averages over
//        every alignment (cropping the layer's input by 0 … P−1 positions);
//      * the engine reports a layer's widest phase: a transposed convolution's (or unpooling's)
//        ceil(k/s) taps, an adaptive (area) window's largest size, a linear/cubic resize's 2/4
//        taps even at outputs that land exactly on an input sample (weight 0 on the others). The
//        reference gives every phase that many taps: it pads the kernel with zero-weight taps up
//        to a multiple of the stride, widens every area window to the widest, and reads all
//        2/4 interpolation taps — except where every output lands on a sample (a whole step with
//        align_corners, an odd whole step with half-pixel centres), where the engine, too, reads 1.
//    Transposed convolutions with both stride and dilation > 1 interleave their taps' outputs
//    (neighbouring outputs come from non-neighbouring inputs), which no rf/jump pair describes;
//    their span alone is checked, layer by layer.
//
// Overlap. The taps per output position of a transposed convolution with all-ones weights on an
// all-ones input, computed by a naive scatter loop and by onnxruntime-node, over one interior
// period, must equal overlapPattern; for stacks (transposed convolutions, nearest up-sampling,
// stride-1 convolutions) they must equal stackOverlapPattern.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
  freshGeometry,
  overlapPattern,
  stackOverlapPattern,
  transposedConvSpan,
  type OverlapStackLayer,
} from '../../server/src/engine/geometry';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import type { AxisGeometry, OpArgs, Tensor } from '../../server/src/engine/ops/types';
import { add, div, equals, format, rational, toNumber, type Rational } from '../../server/src/engine/rational';
import type { OnnxInitializer, OnnxNode } from '../../webview/src/onnx/modelProto';
import { pick, prng, randomInt, type Random } from '../support/prng';
import { ones, runOrtCases } from './ortBatch';

const SEED = 0x6e0;

// ---------------------------------------------------------------------------------------------
// reach sets

const EMPTY = 0x7fffffff;

/** min/max input pixel per position; EMPTY min marks a position that depends on no input. */
interface Reach {
  min: Int32Array;
  max: Int32Array;
}

function identityReach(n: number): Reach {
  const min = new Int32Array(n);
  for (let i = 0; i < n; i++) min[i] = i;
  return { min, max: min.slice() };
}

function emptyReach(n: number): Reach {
  return { min: new Int32Array(n).fill(EMPTY), max: new Int32Array(n).fill(-1) };
}

function mergeInto(out: Reach, o: number, prev: Reach, q: number): void {
  const m = prev.min[q]!;
  if (m === EMPTY) return;
  if (m < out.min[o]!) out.min[o] = m;
  if (prev.max[q]! > out.max[o]!) out.max[o] = prev.max[q]!;
}

function sliceReach(r: Reach, start: number, end = r.min.length): Reach {
  return { min: r.min.slice(start, end), max: r.max.slice(start, end) };
}

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : Math.abs(a));
const floorDiv = (a: number, b: number): number => Math.floor(a / b);

type ResizeMode = 'nearest' | 'nearest-exact' | 'linear' | 'bicubic' | 'area';

/**
 * A resize as the stack builds it: by scale factor (the kernel steps 1/scale), or by size (the
 * kernel steps n/out; used for 'area', recompute_scale_factor and align_corners). `size`, `buildN`
 * and `step` are fixed when the layer is placed; on a shifted alignment (a few positions shorter
 * input) the reference keeps the step, which is all the interior depends on.
 */
interface ResizeLayer {
  kind: 'resize';
  mode: ResizeMode;
  scale: Rational | null;
  alignCorners: boolean;
  recompute: boolean;
  bySize: boolean;
  size: number;
  buildN: number;
  step: Rational;
}

type StackLayer =
  | { kind: 'conv'; k: number; s: number; d: number; p: number }
  | { kind: 'maxpool'; k: number; s: number; d: number; p: number; ceil: boolean }
  | { kind: 'avgpool'; k: number; s: number; p: number; ceil: boolean }
  | { kind: 'convT'; k: number; s: number; d: number; p: number; op: number }
  | { kind: 'unpool'; k: number; s: number; p: number }
  | ResizeLayer
  | { kind: 'shuffle'; r: number }
  | { kind: 'unshuffle'; r: number };

/** torch's pooling_output_shape, written out independently of the catalogue. */
function poolLength(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let out = floorDiv(n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0), s) + 1;
  if (ceil && (out - 1) * s >= n + p) out--;
  return out;
}

/** Fixes a resize's output size and kernel step for an input of n positions (torch's rules). */
function placeResize(l: ResizeLayer, n: number): void {
  l.buildN = n;
  if (l.alignCorners) {
    l.step = rational(n - 1, l.size - 1);
    return;
  }
  const scale = l.scale!;
  l.size = Math.floor((n * scale.num) / scale.den);
  // area, sizes and recomputed factors step by n/out; a factor the kernel sees steps 1/scale
  l.step = l.mode === 'area' || l.bySize || l.recompute ? rational(n, l.size) : rational(scale.den, scale.num);
}

function resizeLength(l: ResizeLayer, n: number): number {
  if (n === l.buildN) return l.size;
  const { num, den } = l.step;
  return l.alignCorners ? Math.floor(((n - 1) * den) / num) + 1 : Math.floor((n * den) / num);
}

/** Applies one layer to the reach sets of its input (length n), as torch indexes. */
function applyLayer(prev: Reach, l: StackLayer): Reach {
  const n = prev.min.length;
  switch (l.kind) {
    case 'conv':
    case 'maxpool':
    case 'avgpool': {
      const d = l.kind === 'avgpool' ? 1 : l.d;
      const len = l.kind === 'conv' ? floorDiv(n + 2 * l.p - d * (l.k - 1) - 1, l.s) + 1 : poolLength(n, l.k, l.s, l.p, d, l.ceil);
      const out = emptyReach(Math.max(len, 0));
      for (let o = 0; o < len; o++) {
        for (let t = 0; t < l.k; t++) {
          const i = o * l.s - l.p + t * d;
          if (i >= 0 && i < n) mergeInto(out, o, prev, i);
        }
      }
      return out;
    }
    case 'convT':
    case 'unpool': {
      const d = l.kind === 'convT' ? l.d : 1;
      const len = l.kind === 'convT' ? (n - 1) * l.s - 2 * l.p + d * (l.k - 1) + 1 + l.op : (n - 1) * l.s - 2 * l.p + l.k;
      // zero-weight taps up to the widest phase (see the header): a multiple of s/gcd(d, s)
      const g = gcd(d, l.s);
      const kernel = Math.ceil((l.k * g) / l.s) * (l.s / g);
      const out = emptyReach(Math.max(len, 0));
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < kernel; t++) {
          const o = i * l.s + t * d - l.p;
          if (o >= 0 && o < len) mergeInto(out, o, prev, i);
        }
      }
      return out;
    }
    case 'shuffle': {
      const out = emptyReach(n * l.r);
      for (let o = 0; o < n * l.r; o++) mergeInto(out, o, prev, Math.floor(o / l.r));
      return out;
    }
    case 'unshuffle': {
      const len = Math.floor(n / l.r);
      const out = emptyReach(len);
      for (let o = 0; o < len; o++) for (let t = 0; t < l.r; t++) mergeInto(out, o, prev, o * l.r + t);
      return out;
    }
    case 'resize': {
      const len = resizeLength(l, n);
      const out = emptyReach(len);
      const c = l.step;
      const clamp = (i: number): number => Math.min(Math.max(i, 0), n - 1);
      let widestArea = 0;
      for (let o = 0; o < c.den; o++) widestArea = Math.max(widestArea, Math.ceil(((o + 1) * c.num) / c.den) - floorDiv(o * c.num, c.den));
      for (let o = 0; o < len; o++) {
        if (l.mode === 'area') {
          // adaptive windows [floor(o·c), ceil((o+1)·c)), each widened to the widest one
          const start = floorDiv(o * c.num, c.den);
          for (let i = start; i < start + widestArea; i++) mergeInto(out, o, prev, clamp(i));
          continue;
        }
        if (l.mode === 'nearest') {
          mergeInto(out, o, prev, clamp(floorDiv(o * c.num, c.den)));
          continue;
        }
        if (l.mode === 'nearest-exact') {
          mergeInto(out, o, prev, clamp(floorDiv((2 * o + 1) * c.num, 2 * c.den)));
          continue;
        }
        // source coordinate num/den: o·c with align_corners, (o + ½)·c − ½ otherwise
        let num = l.alignCorners ? o * c.num : (2 * o + 1) * c.num - c.den;
        const den = l.alignCorners ? c.den : 2 * c.den;
        if (l.mode === 'linear' && num < 0) num = 0; // torch clamps linear source indices at 0
        const i0 = floorDiv(num, den);
        // Where a sample lands exactly on an input position the other taps weigh 0. When that
        // happens at every output (a whole step: align_corners, or odd with half-pixel centres)
        // one tap is read; otherwise every phase gets the widest phase's taps (see the header).
        const everyExact = c.den === 1 && (l.alignCorners || c.num % 2 === 1);
        const taps = everyExact ? [i0] : l.mode === 'linear' ? [i0, i0 + 1] : [i0 - 1, i0, i0 + 1, i0 + 2];
        for (const i of taps) mergeInto(out, o, prev, clamp(i));
      }
      return out;
    }
  }
}

/** A layer samples a periodic input pattern unevenly (only some phases) — see the header. */
function samplesPhases(l: StackLayer, n: number, period: number): boolean {
  if (period <= 1) return false;
  switch (l.kind) {
    case 'conv':
    case 'maxpool':
    case 'avgpool':
      return gcd(l.s, period) > 1;
    case 'unshuffle':
      return gcd(l.r, period) > 1;
    case 'resize':
      return l.step.num !== 1; // anything but an integer up-sampling
    default:
      return false;
  }
}

interface Periodic {
  period: number;
  shift: number;
}

/** The smallest P with reach(o + P) = reach(o) + D over the middle half. */
function findPeriod(r: Reach, maxPeriod = 256): Periodic | null {
  const n = r.min.length;
  const lo = Math.floor(n / 4);
  const hi = Math.floor((3 * n) / 4);
  for (let P = 1; P <= maxPeriod && lo + 4 * P < hi; P++) {
    let shift: number | null = null;
    let ok = true;
    for (let o = lo; o + P < hi && ok; o++) {
      const a = r.min[o]!;
      const b = r.min[o + P]!;
      if (a === EMPTY || b === EMPTY) {
        ok = a === b;
        continue;
      }
      const dMin = b - a;
      const dMax = r.max[o + P]! - r.max[o]!;
      if (dMin !== dMax || (shift !== null && dMin !== shift)) ok = false;
      else shift = dMin;
    }
    if (ok && shift !== null) return { period: P, shift };
  }
  return null;
}

interface Measure {
  jump: Rational;
  /** mean extent over a period (exact) */
  meanExtent: Rational;
  maxExtent: number;
}

function measure(r: Reach): Measure | null {
  const p = findPeriod(r);
  if (!p) return null;
  const lo = Math.floor(r.min.length / 4);
  let sum = 0;
  let count = 0;
  let max = 0;
  for (let o = lo; o < lo + p.period; o++) {
    if (r.min[o] === EMPTY) continue;
    const e = r.max[o]! - r.min[o]! + 1;
    sum += e;
    count++;
    max = Math.max(max, e);
  }
  return { jump: rational(p.shift, p.period), meanExtent: rational(sum, count), maxExtent: max };
}

/**
 * Runs the rest of the stack on every alignment where a layer samples phases; returns the
 * measures of every branch (null when a branch has no detectable period or too many branches).
 */
function bruteForce(reach: Reach, layers: readonly StackLayer[], budget: { branches: number }): Measure[] | null {
  if (layers.length === 0) {
    const m = measure(reach);
    return m ? [m] : null;
  }
  const [layer, ...rest] = layers as [StackLayer, ...StackLayer[]];
  const n = reach.min.length;
  const period = findPeriod(reach)?.period ?? 0;
  if (period === 0) return null;
  if (!samplesPhases(layer, n, period)) return bruteForce(applyLayer(reach, layer), rest, budget);
  budget.branches += period - 1;
  if (budget.branches > 48) return null;
  const all: Measure[] = [];
  for (let offset = 0; offset < period; offset++) {
    const branch = bruteForce(applyLayer(sliceReach(reach, offset), layer), rest, budget);
    if (!branch) return null;
    all.push(...branch);
  }
  return all;
}

// ---------------------------------------------------------------------------------------------
// the engine: the real ops, one layer at a time

function runOp(name: string, args: OpArgs, input: Tensor, forwardArgs: OpArgs = {}): Tensor {
  const spec = moduleSpecs.get(name)!;
  const out = spec.forward(spec.build(args), { input, ...forwardArgs }).value;
  return out as Tensor;
}

/** Output length and geometry of the last axis after the layer; `n` is the input length. */
function engineLayer(l: StackLayer, g: AxisGeometry, n: number): { length: number; geometry: AxisGeometry } {
  const line = (shape: number[]): Tensor => ({ kind: 'tensor', shape, geometry: [g] });
  const plane = (shape: number[]): Tensor => ({ kind: 'tensor', shape, geometry: [...freshGeometry(1), g] });
  let out: Tensor;
  switch (l.kind) {
    case 'conv':
      out = runOp('Conv1d', { in_channels: 1, out_channels: 1, kernel_size: l.k, stride: l.s, padding: l.p, dilation: l.d }, line([1, 1, n]));
      break;
    case 'maxpool':
      out = runOp('MaxPool1d', { kernel_size: l.k, stride: l.s, padding: l.p, dilation: l.d, ceil_mode: l.ceil }, line([1, 1, n]));
      break;
    case 'avgpool':
      out = runOp('AvgPool1d', { kernel_size: l.k, stride: l.s, padding: l.p, ceil_mode: l.ceil }, line([1, 1, n]));
      break;
    case 'convT':
      out = runOp(
        'ConvTranspose1d',
        { in_channels: 1, out_channels: 1, kernel_size: l.k, stride: l.s, padding: l.p, output_padding: l.op, dilation: l.d },
        line([1, 1, n]),
      );
      break;
    case 'unpool':
      out = runOp('MaxUnpool1d', { kernel_size: l.k, stride: l.s, padding: l.p }, line([1, 1, n]), { indices: line([1, 1, n]) });
      break;
    case 'shuffle':
      out = runOp('PixelShuffle', { upscale_factor: l.r }, plane([1, l.r * l.r, 1, n]));
      break;
    case 'unshuffle':
      out = runOp('PixelUnshuffle', { downscale_factor: l.r }, plane([1, 1, l.r, n]));
      break;
    case 'resize': {
      const interpolating = l.mode === 'linear' || l.mode === 'bicubic';
      const bySize = l.alignCorners || l.bySize || l.mode === 'area';
      const scale = l.scale ? l.scale.num / l.scale.den : 0;
      const args: OpArgs = {
        mode: l.mode,
        ...(interpolating ? { align_corners: l.alignCorners } : {}),
        ...(l.recompute ? { recompute_scale_factor: true } : {}),
      };
      if (l.mode === 'bicubic') {
        Object.assign(args, bySize ? { size: [1, l.size] } : { scale_factor: [1, scale] });
        out = runOp('Upsample', args, plane([1, 1, 1, n]));
      } else {
        Object.assign(args, bySize ? { size: l.size } : { scale_factor: scale });
        out = runOp('Upsample', args, line([1, 1, n]));
      }
      break;
    }
  }
  return { length: out.shape[out.shape.length - 1]!, geometry: out.geometry![out.geometry!.length - 1]! };
}

// ---------------------------------------------------------------------------------------------
// random stacks

const SCALES: Rational[] = [rational(2), rational(3), rational(1, 2), rational(3, 2), rational(5, 2), rational(3, 4), rational(4), rational(5, 4)];

function randomLayer(random: Random, n: number): StackLayer {
  const kind = pick(random, ['conv', 'conv', 'maxpool', 'avgpool', 'convT', 'convT', 'unpool', 'resize', 'resize', 'shuffle', 'unshuffle'] as const);
  const r = (lo: number, hi: number): number => lo + randomInt(random, hi - lo + 1);
  switch (kind) {
    case 'conv':
      return { kind, k: r(1, 5), s: r(1, 3), d: r(1, 3), p: r(0, 3) };
    case 'maxpool': {
      const k = r(1, 4);
      return { kind, k, s: r(1, 3), d: r(1, 2), p: r(0, Math.floor(k / 2)), ceil: random() < 0.5 };
    }
    case 'avgpool': {
      const k = r(1, 4);
      return { kind, k, s: r(1, 3), p: r(0, Math.floor(k / 2)), ceil: random() < 0.5 };
    }
    case 'convT': {
      const s = r(1, 3);
      return { kind, k: r(1, 5), s, d: s === 1 ? r(1, 3) : 1, p: r(0, 2), op: r(0, s - 1) };
    }
    case 'unpool':
      return { kind, k: r(1, 4), s: r(1, 3), p: r(0, 1) };
    case 'shuffle':
      return { kind, r: r(2, 3) };
    case 'unshuffle':
      return { kind, r: r(2, 3) };
    case 'resize': {
      const mode = pick(random, ['nearest', 'nearest-exact', 'linear', 'linear', 'bicubic', 'area'] as const);
      const alignCorners = (mode === 'linear' || mode === 'bicubic') && random() < 0.4;
      const layer: ResizeLayer = { kind, mode, scale: null, alignCorners, recompute: false, bySize: false, size: 0, buildN: 0, step: rational(1) };
      if (alignCorners) {
        // a size that makes the step (n−1)/(out−1) a simple fraction
        const m = r(2, 3);
        layer.size = random() < 0.3 && (n - 1) % m === 0 ? (n - 1) / m + 1 : (n - 1) * m + 1;
        return layer;
      }
      layer.scale = pick(random, SCALES);
      layer.bySize = mode !== 'area' && random() < 0.3;
      layer.recompute = !layer.bySize && mode !== 'area' && random() < 0.3;
      return layer;
    }
  }
}

/** Crops the input (on the right, away from the interior) so that n·scale is whole where the
 *  kernel steps n/out, and so that PixelUnshuffle divides. */
function wholeLength(l: StackLayer, n: number): number {
  if (l.kind === 'resize' && l.scale && (l.recompute || l.bySize || l.mode === 'area')) return n - (n % l.scale.den);
  if (l.kind === 'unshuffle') return n - (n % l.r);
  return n;
}

// ---------------------------------------------------------------------------------------------

describe('rf and jump against brute-force reach sets (fixed seed)', () => {
  test('transposed conv span = the widest extent of inputs reaching one output, every k, s, d', () => {
    for (let k = 1; k <= 7; k++) {
      for (let s = 1; s <= 5; s++) {
        for (let d = 1; d <= 4; d++) {
          let widest = 0;
          for (let o = 100; o < 100 + s * d * 2; o++) {
            const inputs: number[] = [];
            for (let i = 0; i < 200; i++) for (let t = 0; t < k; t++) if (i * s + t * d === o) inputs.push(i);
            if (inputs.length) widest = Math.max(widest, Math.max(...inputs) - Math.min(...inputs) + 1);
          }
          assert.equal(transposedConvSpan(k, s, d), widest, `k=${k} s=${s} d=${d}`);
        }
      }
    }
  });

  test('hundreds of random stacks: engine jump = D/P and rf = the period-mean extent (= every extent without up-sampling)', () => {
    const random = prng(SEED);
    let checked = 0;
    let branched = 0;
    let fractional = 0;
    let plain = 0;
    const failures: string[] = [];
    for (let attempt = 0; attempt < 1500 && checked < 400; attempt++) {
      const depth = 1 + randomInt(random, 5);
      let reach = identityReach(3000);
      let geometry = freshGeometry(1)[0]!;
      // without any layer that refines the grid, every interior output has the same extent
      let downsamplingOnly = true;
      const layers: StackLayer[] = [];
      let usable = true;
      for (let i = 0; i < depth && usable; i++) {
        let n = reach.min.length;
        const layer = randomLayer(random, n);
        const cropped = wholeLength(layer, n);
        if (cropped !== n) {
          reach = sliceReach(reach, 0, cropped);
          n = cropped;
        }
        if (layer.kind === 'resize') placeResize(layer, n);
        const engine = engineLayer(layer, geometry, n);
        const next = applyLayer(reach, layer);
        assert.equal(engine.length, next.min.length, `length after ${JSON.stringify(layer)} on ${n}`);
        if (next.min.length < 400 || next.min.length > 40000) usable = false;
        layers.push(layer);
        geometry = engine.geometry;
        downsamplingOnly &&=
          ['conv', 'maxpool', 'avgpool', 'unshuffle'].includes(layer.kind) ||
          ((layer.kind === 'convT' || layer.kind === 'unpool') && layer.s === 1) ||
          (layer.kind === 'resize' && layer.step.den === 1);
        reach = next;
      }
      if (!usable) continue;
      const budget = { branches: 0 };
      const measures = bruteForce(identityReach(3000), layers, budget);
      if (!measures) continue;
      checked++;
      if (budget.branches > 0) branched++;
      if (geometry.jump.den !== 1) fractional++;
      const label = layers.map((l) => JSON.stringify(l)).join(' → ');
      const jumps = new Set(measures.map((m) => format(m.jump)));
      if (jumps.size !== 1 || !equals(measures[0]!.jump, geometry.jump)) {
        failures.push(`${label}: engine jump ${format(geometry.jump)}, brute force ${[...jumps].join(' / ')}`);
        continue;
      }
      // the mean over alignments of the mean extent over a period
      const mean = div(measures.reduce((acc, m) => add(acc, m.meanExtent), rational(0)), rational(measures.length));
      if (!equals(mean, geometry.rf)) failures.push(`${label}: engine rf ${format(geometry.rf)}, brute-force mean extent ${format(mean)}`);
      if (downsamplingOnly) plain++;
      if (downsamplingOnly && measures.some((m) => m.maxExtent !== toNumber(geometry.rf) || !equals(m.meanExtent, geometry.rf))) {
        failures.push(`${label}: engine rf ${format(geometry.rf)}, brute-force extents up to ${Math.max(...measures.map((m) => m.maxExtent))}`);
      }
    }
    assert.deepEqual(failures.slice(0, 8), [], `${failures.length} of ${checked} stacks differ`);
    assert.ok(checked >= 300, `only ${checked} stacks checked`);
    assert.ok(
      branched >= 20 && fractional >= 50 && plain >= 40,
      `coverage: ${branched} with phase averaging, ${fractional} with fractional jumps, ${plain} without up-sampling`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// overlap

/** Taps per output of an all-ones transposed convolution over an all-ones input (scatter loop). */
function scatterCounts(n: number, k: number, s: number, d: number, p: number): number[] {
  const len = (n - 1) * s - 2 * p + d * (k - 1) + 1;
  const out = new Array<number>(Math.max(len, 0)).fill(0);
  for (let i = 0; i < n; i++) for (let t = 0; t < k; t++) {
    const o = i * s + t * d - p;
    if (o >= 0 && o < len) out[o]!++;
  }
  return out;
}

/** One period starting at the multiple of `period` nearest the middle. */
function middlePeriod(values: ArrayLike<number>, period: number): number[] {
  const middle = Math.floor(values.length / 2);
  const start = middle - (middle % period);
  return Array.from({ length: period }, (_, i) => values[start + i]!);
}

describe('overlap patterns against scatter loops and onnxruntime-node (fixed seed)', () => {
  const random = prng(SEED + 1);
  const configs = Array.from({ length: 300 }, () => ({
    k: 1 + randomInt(random, 8),
    s: 1 + randomInt(random, 6),
    d: 1 + randomInt(random, 3),
    p: randomInt(random, 5),
  }));
  const N = 48;

  test('single layers: overlapPattern = scatter loop', () => {
    for (const { k, s, d, p } of configs) {
      assert.deepEqual(overlapPattern(k, s, d, p), middlePeriod(scatterCounts(N, k, s, d, p), s), `k=${k} s=${s} d=${d} p=${p}`);
    }
  });

  test('single layers: overlapPattern = ONNX ConvTranspose with all-ones weights and input', async () => {
    const outcomes = await runOrtCases(
      configs.map(({ k, s, d, p }) => ({
        label: `k=${k} s=${s} d=${d} p=${p}`,
        inputShape: [1, 1, N],
        input: new Float32Array(N).fill(1),
        graph: (x, y, id) => ({
          nodes: [{ opType: 'ConvTranspose', inputs: [x, `${id}w`], outputs: [y], attributes: { kernel_shape: [k], strides: [s], dilations: [d], pads: [p, p] } }],
          initializers: [ones(`${id}w`, [1, 1, k])],
        }),
      })),
    );
    outcomes.forEach((o, i) => {
      const { k, s, d, p } = configs[i]!;
      assert.ok('data' in o, `ORT failed on k=${k} s=${s} d=${d} p=${p}`);
      assert.deepEqual(middlePeriod(o.data, s), overlapPattern(k, s, d, p), `k=${k} s=${s} d=${d} p=${p}`);
    });
  });

  const stacks: OverlapStackLayer[][] = Array.from({ length: 150 }, () => {
    const depth = 2 + randomInt(random, 2);
    return Array.from({ length: depth }, (): OverlapStackLayer => {
      const kind = pick(random, ['convTranspose', 'convTranspose', 'nearest', 'conv'] as const);
      if (kind === 'convTranspose') return { kind, kernel: 1 + randomInt(random, 5), stride: 1 + randomInt(random, 3), dilation: 1 + randomInt(random, 2), padding: randomInt(random, 3) };
      if (kind === 'nearest') return { kind, scale: 2 + randomInt(random, 2) };
      return { kind, kernel: 1 + randomInt(random, 3), dilation: 1 + randomInt(random, 2), padding: randomInt(random, 2) };
    });
  });
  const period = (stack: OverlapStackLayer[]): number =>
    stack.reduce((p, l) => p * (l.kind === 'convTranspose' ? l.stride : l.kind === 'nearest' ? l.scale : 1), 1);
  const STACK_N = 40;

  /** The stack on an all-ones input, written out with plain loops. */
  function simulateStack(stack: OverlapStackLayer[]): number[] {
    let values = new Array<number>(STACK_N).fill(1);
    for (const l of stack) {
      const n = values.length;
      if (l.kind === 'nearest') values = Array.from({ length: n * l.scale }, (_, o) => values[Math.floor(o / l.scale)]!);
      else if (l.kind === 'convTranspose') {
        const { kernel: k, stride: s } = l;
        const d = l.dilation ?? 1;
        const p = l.padding ?? 0;
        const len = (n - 1) * s - 2 * p + d * (k - 1) + 1;
        const out = new Array<number>(len).fill(0);
        values.forEach((v, i) => {
          for (let t = 0; t < k; t++) {
            const o = i * s + t * d - p;
            if (o >= 0 && o < len) out[o]! += v;
          }
        });
        values = out;
      } else {
        const d = l.dilation ?? 1;
        const p = l.padding ?? 0;
        const len = n + 2 * p - d * (l.kernel - 1);
        values = Array.from({ length: len }, (_, o) => {
          let sum = 0;
          for (let t = 0; t < l.kernel; t++) {
            const i = o - p + t * d;
            if (i >= 0 && i < n) sum += values[i]!;
          }
          return sum;
        });
      }
    }
    return values;
  }

  test('stacks: stackOverlapPattern = plain simulation', () => {
    for (const stack of stacks) {
      assert.deepEqual(stackOverlapPattern(stack), middlePeriod(simulateStack(stack), period(stack)), JSON.stringify(stack));
    }
  });

  test('stacks: stackOverlapPattern = onnxruntime-node (ConvTranspose, nearest Resize, Conv, all ones)', async () => {
    const outcomes = await runOrtCases(
      stacks.map((stack) => ({
        label: JSON.stringify(stack),
        inputShape: [1, 1, STACK_N],
        input: new Float32Array(STACK_N).fill(1),
        graph: (x, y, id) => {
          const nodes: OnnxNode[] = [];
          const initializers: OnnxInitializer[] = [];
          let current = x;
          stack.forEach((l, i) => {
            const next = i === stack.length - 1 ? y : `${id}t${i}`;
            if (l.kind === 'nearest') {
              initializers.push({ name: `${id}sc${i}`, dims: [3], data: new Float32Array([1, 1, l.scale]) });
              nodes.push({
                opType: 'Resize',
                inputs: [current, '', `${id}sc${i}`],
                outputs: [next],
                attributes: { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' },
              });
            } else {
              initializers.push(ones(`${id}w${i}`, [1, 1, l.kernel]));
              const p = l.padding ?? 0;
              const attributes = { kernel_shape: [l.kernel], dilations: [l.dilation ?? 1], pads: [p, p], strides: [l.kind === 'convTranspose' ? l.stride : 1] };
              nodes.push({ opType: l.kind === 'convTranspose' ? 'ConvTranspose' : 'Conv', inputs: [current, `${id}w${i}`], outputs: [next], attributes });
            }
            current = next;
          });
          return { nodes, initializers };
        },
      })),
    );
    outcomes.forEach((o, i) => {
      const stack = stacks[i]!;
      assert.ok('data' in o, `ORT failed on ${JSON.stringify(stack)}: ${'error' in o ? o.error : ''}`);
      assert.deepEqual(middlePeriod(o.data, period(stack)), stackOverlapPattern(stack), JSON.stringify(stack));
    });
  });
});
