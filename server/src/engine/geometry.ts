// Receptive-field algebra and the overlap / gridding analyses (DESIGN.md, "Geometry conventions"
// and "Overlap of a transposed convolution"). Everything here is per spatial axis and exact:
// rf and jump are Rationals because up-sampling makes them fractional (47/8, 240/31).

import {
  applyLayerMap,
  convMap,
  globalFootprint,
  inputFootprint,
  pixelShuffleMap,
  resizeMap,
  transposedConvMap,
  type LayerMap,
} from './footprint';
import { OpError, type AxisGeometry, type Tensor } from './ops/types';
import { ONE, add, div, max as rmax, mul, rational, sub, type Rational } from './rational';

// ---------------------------------------------------------------------------------------------
// rf / jump algebra

/** The geometry of an input image: each position sees itself (rf 1) one pixel apart (jump 1). */
export function freshGeometry(nAxes: number): AxisGeometry[] {
  return Array.from({ length: nAxes }, () => ({ rf: ONE, jump: ONE, footprint: inputFootprint() }));
}

/**
 * The geometry of the last `nAxes` dims of `tensor`, as an op that reads those axes needs it.
 * A tensor that lost its spatial meaning (null, e.g. after a `view` of a linear layer's output)
 * starts afresh: its positions are treated as input pixels. Geometry describes the trailing
 * dims, so when it covers fewer axes than the op reads, the leading ones start afresh and the
 * known trailing ones are kept (a 1-D signal unsqueezed into a 2-D convolution).
 */
export function spatialGeometry(tensor: Tensor, nAxes: number): AxisGeometry[] {
  const g = tensor.geometry;
  if (!g) return freshGeometry(nAxes);
  // Stryker disable next-line EqualityOperator: at g.length === nAxes both branches return g's axes in order
  if (g.length < nAxes) return [...freshGeometry(nAxes - g.length), ...g];
  return g.slice(g.length - nAxes);
}

/**
 * A layer that reads `span` consecutive positions of its input grows rf by (span − 1)·j_in,
 * using the input's jump, and then sets its own jump.
 */
export function growAxis(input: AxisGeometry, span: number | Rational, newJump: Rational): AxisGeometry {
  const s = typeof span === 'number' ? rational(span) : span;
  // A layer whose exact reads are not modelled continues the footprint into the unknown: its
  // holes may be filled there, so they are not reported.
  if (input.footprint) input.footprint.continued = true;
  return { rf: add(input.rf, mul(sub(s, ONE), input.jump)), jump: newJump };
}

/** growAxis, with the footprint carried through the layer's exact index map (when known). */
function mapAxis(input: AxisGeometry, span: number | Rational, newJump: Rational, map: LayerMap | null): AxisGeometry {
  const out = growAxis(input, span, newJump);
  const fp = input.footprint && map ? applyLayerMap(input.footprint, map) : undefined;
  // Stryker disable next-line ConditionalExpression: an explicit undefined footprint reads as none (every reader tests it)
  if (fp) out.footprint = fp;
  return out;
}

/** An axis whose output o is input o + offset (a crop, a pad): same rf and jump, footprint moved. */
export function shiftAxis(input: AxisGeometry, offset: number, step = 1): AxisGeometry {
  if (offset === 0 && step === 1) return input;
  return mapAxis(input, 1, mul(input.jump, rational(step)), convMap(1, step, 1, -offset));
}

/** Span of a convolution or pooling window: d·(k−1)+1. */
export function convSpan(kernel: number, dilation = 1): number {
  return dilation * (kernel - 1) + 1;
}

/** `padding` (the left padding) places the footprint; without it the footprint is not followed. */
export function convAxis(input: AxisGeometry, kernel: number, stride: number, dilation = 1, padding?: number): AxisGeometry {
  const map = padding === undefined ? null : convMap(kernel, stride, dilation, padding);
  return mapAxis(input, convSpan(kernel, dilation), mul(input.jump, rational(stride)), map);
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Transposed convolution: the largest extent (max − min + 1, in input positions) of the inputs
 * that reach one output position. Output o receives input i through tap t when
 * i·s + t·d − p = o, i.e. t·d ≡ o + p (mod s). With g = gcd(d, s) the solutions t are spaced by
 * s/g (at most ceil(k·g/s) of them in [0, k)) and consecutive solutions differ by d/g in i, so
 * the extent is (ceil(k·g/s) − 1)·d/g + 1. That is ceil(k/s) when d = 1 and d·(k−1)+1 when s = 1.
 */
export function transposedConvSpan(kernel: number, stride: number, dilation = 1): number {
  const g = gcd(dilation, stride);
  const taps = Math.ceil((kernel * g) / stride);
  return (taps - 1) * (dilation / g) + 1;
}

/**
 * The widest phase of a transposed convolution grows rf (a k mod s ≠ 0 layer reads fewer inputs
 * at some outputs). With both stride and dilation > 1 neighbouring outputs come from
 * non-neighbouring inputs (the taps' outputs interleave); rf/jump then describe this layer alone.
 */
export function transposedConvAxis(input: AxisGeometry, kernel: number, stride: number, dilation = 1, padding?: number): AxisGeometry {
  const map = padding === undefined ? null : transposedConvMap(kernel, stride, dilation, padding);
  return mapAxis(input, transposedConvSpan(kernel, stride, dilation), div(input.jump, rational(stride)), map);
}

/**
 * Adaptive pooling in→out: the largest window ceil((i+1)·in/out) − floor(i·in/out). With
 * a = in/g, b = out/g (g = gcd), i·a mod b runs through every residue r, and the window is
 * ceil((r + a)/b) long: largest at r = b − 1.
 */
export function adaptivePoolSpan(inSize: number, outSize: number): number {
  const g = gcd(inSize, outSize);
  const a = inSize / g;
  const b = outSize / g;
  return Math.ceil((a + b - 1) / b);
}

export function adaptivePoolAxis(input: AxisGeometry, inSize: number, outSize: number): AxisGeometry {
  if (outSize <= 0 || inSize <= 0) return input;
  const span = adaptivePoolSpan(inSize, outSize);
  const jump = mul(input.jump, rational(inSize, outSize));
  // A global pool reads everything: where gridding matters is its input, which it does not continue.
  if (outSize === 1) return { rf: add(input.rf, mul(rational(span - 1), input.jump)), jump, footprint: globalFootprint() };
  const g = gcd(inSize, outSize);
  // Stryker disable next-line BooleanLiteral: resizeMap's 'area' windows never read alignCorners
  return mapAxis(input, span, jump, resizeMap('area', inSize / g, outSize / g, false));
}

export type ResizeMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

/** Input positions one output position of a resize reads: nearest 1, linear 2, cubic 4. */
export function resizeSpan(mode: ResizeMode): number {
  switch (mode) {
    case 'nearest':
    case 'nearest-exact':
      return 1;
    case 'linear':
    case 'bilinear':
    case 'trilinear':
      return 2;
    case 'bicubic':
      return 4;
    case 'area':
      throw new RangeError("'area' resize is an adaptive average pool: use adaptivePoolSpan");
  }
}

export interface ResizeAxisOptions {
  mode: ResizeMode;
  inSize: number;
  outSize: number;
  alignCorners?: boolean;
  /**
   * The scale factor the user passed (out/in) when torch's kernel maps coordinates with it rather
   * than with the sizes (F.interpolate with scale_factor and recompute_scale_factor not set):
   * output o then reads near input o/scale, so the jump is j/scale. Absent: j·in/out.
   */
  scaleFactor?: Rational;
}

/**
 * The step, in input positions, between neighbouring output positions of a resize: the
 * coordinate scale torch's upsample kernels use (area_pixel_compute_scale).
 */
export function resizeCoordinateScale(o: ResizeAxisOptions): Rational {
  if (o.mode === 'area') return rational(o.inSize, o.outSize);
  if (o.alignCorners && o.mode !== 'nearest' && o.mode !== 'nearest-exact' && o.outSize > 1) {
    return rational(o.inSize - 1, o.outSize - 1);
  }
  if (o.scaleFactor && o.scaleFactor.num > 0) return div(ONE, o.scaleFactor);
  return rational(o.inSize, o.outSize);
}

/**
 * Input positions one output of a resize actually reads. Interpolating modes read 2 (linear) or 4
 * (cubic) neighbours, except where every output lands exactly on an input sample so that the
 * other taps get weight 0: a whole coordinate step with align_corners (o·c), or an odd whole step
 * with half-pixel centres ((o + ½)·c − ½), e.g. a resize to the same size.
 */
export function resizeReadSpan(o: ResizeAxisOptions): number {
  const span = resizeSpan(o.mode);
  // align_corners to a single output: torch's coordinate scale is 0, so it reads input 0 only.
  if (alignsToOne(o)) return 1;
  const c = resizeCoordinateScale(o);
  const alignCorners = o.alignCorners === true && o.outSize > 1;
  if (c.den === 1 && (alignCorners || c.num % 2 === 1)) return 1;
  return span;
}

function alignsToOne(o: ResizeAxisOptions): boolean {
  return o.alignCorners === true && o.outSize === 1 && o.mode !== 'nearest-exact';
}

export function resizeAxis(input: AxisGeometry, o: ResizeAxisOptions): AxisGeometry {
  if (o.mode === 'area') return adaptivePoolAxis(input, o.inSize, o.outSize);
  const c = resizeCoordinateScale(o);
  if (alignsToOne(o)) return mapAxis(input, 1, mul(input.jump, c), convMap(1, Math.max(o.inSize, 1), 1, 0));
  const map = resizeMap(o.mode, c.num, c.den, o.alignCorners === true && o.outSize > 1);
  return mapAxis(input, resizeReadSpan(o), mul(input.jump, c), map);
}

/** PixelShuffle r along one axis: output o reads input floor(o/r). */
export function pixelShuffleAxis(input: AxisGeometry, factor: number): AxisGeometry {
  return mapAxis(input, 1, div(input.jump, rational(factor)), pixelShuffleMap(factor));
}

/** PixelUnshuffle r along one axis: output o gathers inputs o·r … o·r+r−1 (into channels). */
export function pixelUnshuffleAxis(input: AxisGeometry, factor: number): AxisGeometry {
  return mapAxis(input, factor, mul(input.jump, rational(factor)), convMap(factor, factor, 1, 0));
}

/**
 * Elementwise merge (add, mul, cat): rf is the largest over the inputs, jump is the first
 * input's. Axes are aligned from the right, as the tensors' trailing spatial dims are. Inputs
 * without geometry (scalars, biases) do not take part; the result has as many axes as the first
 * input that has geometry. Null when no input has any.
 */
export function mergeGeometry(inputs: readonly (readonly AxisGeometry[] | null)[]): AxisGeometry[] | null {
  const present = inputs.filter((g): g is readonly AxisGeometry[] => g !== null && g.length > 0);
  const first = present[0];
  if (!first) return null;
  return first.map((axis, i) => {
    const fromRight = first.length - i;
    let rf = axis.rf;
    for (const other of present) {
      const o = other[other.length - fromRight];
      if (o) rf = rmax(rf, o.rf);
    }
    return { rf, jump: axis.jump };
  });
}

/** Converts a float the user wrote (a scale factor such as 1.5 or 0.25) to a nearby fraction. */
export function rationalFromNumber(x: number, maxDenominator = 1_000_000): Rational {
  // Continued fraction convergents; stop once exact to double precision or too large (an integer
  // stops at its first convergent).
  let [h0, h1, k0, k1] = [0, 1, 1, 0];
  let v = x;
  // Stryker disable next-line EqualityOperator,UpdateOperator: a double's expansion meets a break in under 64 terms (denominators grow at least as Fibonacci numbers)
  for (let n = 0; n < 64; n++) {
    const a = Math.floor(v);
    const h2 = a * h1 + h0;
    const k2 = a * k1 + k0;
    if (k2 > maxDenominator) break;
    [h0, h1, k0, k1] = [h1, h2, k1, k2];
    // Stryker disable next-line EqualityOperator: equality with the bound itself needs an error of exactly EPSILON·|x|
    if (Math.abs(h1 / k1 - x) <= Number.EPSILON * Math.abs(x)) break;
    const frac = v - a;
    // Stryker disable next-line ConditionalExpression: without it v = Infinity and the next k2 exceeds maxDenominator
    if (frac === 0) break;
    v = 1 / frac;
  }
  return rational(h1, k1);
}

// ---------------------------------------------------------------------------------------------
// Overlap of transposed convolutions (checkerboard analysis)

/** Periods longer than this are not worth a pattern (and would cost memory): absurd strides. */
export const MAX_OVERLAP_PERIOD = 4096;

/**
 * How many kernel taps land on each output position of a transposed convolution along one axis,
 * over one interior period: `pattern[m]` is #{(i, t) : i·s + t·d − p = o} for interior outputs
 * o ≡ m (mod s), o being the index in the layer's output (after padding is cropped; output
 * padding only adds at the end and does not shift the phase). Example: k=3 s=2 p=0 → [2, 1];
 * with p=1 → [1, 2].
 */
export function overlapPattern(kernel: number, stride: number, dilation = 1, padding = 0): number[] {
  if (stride > MAX_OVERLAP_PERIOD || kernel > 1 << 20) {
    throw new OpError('invalid-argument', `stride ${stride} / kernel ${kernel} is too large to analyse`);
  }
  const pattern: number[] = [];
  for (let m = 0; m < stride; m++) {
    let count = 0;
    for (let t = 0; t < kernel; t++) {
      if ((((m + padding - t * dilation) % stride) + stride) % stride === 0) count++;
    }
    pattern.push(count);
  }
  return pattern;
}

/** Uneven when the taps per output position are not the same over a period (a checkerboard). */
export function isUneven(pattern: readonly number[]): boolean {
  return pattern.some((c) => c !== pattern[0]);
}

/** One layer of a 1-D stack whose overlap is simulated with all-ones weights. */
export type OverlapStackLayer =
  | { kind: 'convTranspose'; kernel: number; stride: number; dilation?: number; padding?: number; outputPadding?: number }
  /** Nearest up-sampling by an integer factor (also what PixelShuffle does to a constant input). */
  | { kind: 'nearest'; scale: number }
  /** A stride-1 convolution (or pooling sum) with all-ones weights, e.g. the conv after a resize. */
  | { kind: 'conv'; kernel: number; dilation?: number; padding?: number };

function simulateLayer(values: Float64Array, layer: OverlapStackLayer): Float64Array {
  const n = values.length;
  switch (layer.kind) {
    case 'convTranspose': {
      const { kernel: k, stride: s } = layer;
      const d = layer.dilation ?? 1;
      const p = layer.padding ?? 0;
      const outLen = (n - 1) * s - 2 * p + d * (k - 1) + 1 + (layer.outputPadding ?? 0);
      const out = new Float64Array(Math.max(outLen, 0));
      for (let i = 0; i < n; i++) {
        for (let t = 0; t < k; t++) {
          const o = i * s + t * d - p;
          if (o >= 0 && o < outLen) out[o]! += values[i]!;
        }
      }
      return out;
    }
    case 'nearest': {
      const out = new Float64Array(n * layer.scale);
      for (let o = 0; o < out.length; o++) out[o] = values[Math.floor(o / layer.scale)]!;
      return out;
    }
    case 'conv': {
      const { kernel: k } = layer;
      const d = layer.dilation ?? 1;
      const p = layer.padding ?? 0;
      const outLen = n + 2 * p - d * (k - 1);
      const out = new Float64Array(Math.max(outLen, 0));
      for (let o = 0; o < outLen; o++) {
        let sum = 0;
        for (let t = 0; t < k; t++) {
          const i = o - p + t * d;
          if (i >= 0 && i < n) sum += values[i]!;
        }
        out[o] = sum;
      }
      return out;
    }
  }
}

function stackPeriod(layers: readonly OverlapStackLayer[]): number {
  let period = 1;
  for (const l of layers) {
    if (l.kind === 'convTranspose') period *= l.stride;
    else if (l.kind === 'nearest') period *= l.scale;
  }
  return period;
}

function layerReach(l: OverlapStackLayer): number {
  if (l.kind === 'nearest') return 1;
  return (l.dilation ?? 1) * (l.kernel - 1) + 1 + (l.padding ?? 0);
}

/**
 * The interior period of what a constant (all-ones) input produces through a stack of
 * transposed convolutions, nearest up-samplings and stride-1 convolutions with all-ones weights.
 * The period is the product of the strides and scales; `pattern[m]` is the value at interior
 * outputs o ≡ m (mod period) of the last layer's output, so a single transposed convolution gives
 * exactly `overlapPattern`. Uneven when not constant.
 */
export function stackOverlapPattern(layers: readonly OverlapStackLayer[]): number[] {
  for (const l of layers) {
    for (const [name, v] of Object.entries(l)) {
      if (name !== 'kind' && (!Number.isInteger(v) || (v as number) < 0)) {
        throw new RangeError(`stackOverlapPattern: ${l.kind}.${name} must be a non-negative integer, got ${String(v)}`);
      }
    }
    if ((l.kind === 'convTranspose' && (l.stride < 1 || l.kernel < 1)) || (l.kind === 'nearest' && l.scale < 1)) {
      throw new RangeError(`stackOverlapPattern: ${l.kind} needs positive kernel/stride/scale`);
    }
  }
  const period = stackPeriod(layers);
  // Border effects reach at most the sum of the layers' extents (in their own input positions)
  // into each end; an input several times that long leaves a clean interior in the middle.
  const reach = layers.reduce((sum, l) => sum + layerReach(l), 0);
  let inputLength = 4 * reach + 8;
  for (;;) {
    let values: Float64Array = new Float64Array(inputLength).fill(1);
    for (const l of layers) values = simulateLayer(values, l);
    const middle = Math.floor(values.length / 2);
    const start = middle - (middle % period);
    if (start - period >= 0 && start + 2 * period <= values.length) {
      const pattern = Array.from(values.subarray(start, start + period));
      // Interior check: the periods on either side must agree.
      const before = Array.from(values.subarray(start - period, start));
      const after = Array.from(values.subarray(start + period, start + 2 * period));
      if (pattern.every((v, i) => v === before[i] && v === after[i])) return pattern;
    }
    if (inputLength > 1 << 16) throw new RangeError('stackOverlapPattern: no periodic interior found');
    inputLength *= 2;
  }
}

// ---------------------------------------------------------------------------------------------
// Gridding of dilated convolutions

/** One layer of a sequence, per spatial axis (equal lengths). Layers with kernel 1 are skipped. */
export interface GriddingLayer {
  kernel: readonly number[];
  dilation: readonly number[];
  stride: readonly number[];
  /** How the message names the layer (a module path); defaults to `layer <index>`. */
  label?: string;
}

export interface GriddingFinding {
  /** Indices into the input sequence of the dilated layers that together leave gaps. */
  layers: number[];
  /** Spatial axes (0-based, as in the layers' arrays) on which the gaps occur. */
  axes: number[];
  /** Dilation rates of those layers on the first such axis. */
  dilations: number[];
  /** The common factor: each output sees only every `factor`-th input position. */
  factor: number;
  message: string;
}

interface Run {
  layers: number[];
  dilations: number[];
  factor: number;
}

/**
 * Consecutive dilated convolutions whose rates share a common factor g > 1 only ever combine
 * input positions that are multiples of g apart, so each output sees a sparse grid of the input
 * (Wang et al. 2018, "Understanding Convolution for Semantic Segmentation", hybrid dilated
 * convolution). A group is a maximal run of dilated (kernel > 1) layers; an undilated kernel > 1
 * layer ends it (it fills the gaps), and so does a strided layer (the grid changes after it).
 * 1×1 layers neither extend nor end a group: they do not mix positions. A group of two or more
 * grids when the gcd of all its rates exceeds 1 (rates such as 1, 2, 5 or 2, 4, 3 do not).
 */
function griddingRuns(seq: readonly GriddingLayer[], axis: number): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  const close = (): void => {
    if (current && current.layers.length >= 2 && current.factor > 1) runs.push(current);
    current = null;
  };
  seq.forEach((layer, index) => {
    const k = layer.kernel[axis] ?? 1;
    const d = layer.dilation[axis] ?? 1;
    const s = layer.stride[axis] ?? 1;
    if (k > 1) {
      if (d > 1) {
        current ??= { layers: [], dilations: [], factor: 0 };
        current.layers.push(index);
        current.dilations.push(d);
        current.factor = gcd(current.factor, d);
      } else {
        close();
      }
    }
    if (s > 1) close();
  });
  close();
  return runs;
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

export function griddingCheck(seq: readonly GriddingLayer[]): GriddingFinding[] {
  const nAxes = Math.max(0, ...seq.map((l) => l.kernel.length));
  const byLayers = new Map<string, GriddingFinding>();
  for (let axis = 0; axis < nAxes; axis++) {
    for (const run of griddingRuns(seq, axis)) {
      const key = run.layers.join(',');
      const existing = byLayers.get(key);
      if (existing) {
        existing.axes.push(axis);
        continue;
      }
      const names = run.layers.map((i) => seq[i]!.label ?? `layer ${i}`);
      const message =
        `Gridding: ${run.layers.length} consecutive dilated convolutions (${names.join(', ')}) ` +
        `have dilation rates ${run.dilations.join(', ')} with the common factor ${run.factor}, so each output ` +
        `sees only every ${ordinal(run.factor)} input position and the gaps are never filled. ` +
        `Use rates without a common factor (e.g. 1, 2, 3; Wang et al. 2018) or put an undilated convolution between them.`;
      byLayers.set(key, { layers: run.layers, axes: [axis], dilations: run.dilations, factor: run.factor, message });
    }
  }
  return [...byLayers.values()];
}
