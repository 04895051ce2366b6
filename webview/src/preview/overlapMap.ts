// The layer's overlap map without the runtime: how many kernel taps of a transposed convolution
// land on each output pixel (DESIGN.md, "Overlap of a transposed convolution"), which is exactly
// what the runtime paints for a constant input with all-ones weights. Integers, computed per axis
// (#{(i, t) : i·s + t·d − p = o}, borders included) and multiplied; the interior is checked against
// the engine's pattern (the layer report's `overlap`) so that the two can never disagree unseen.
// The panel shows it at once, while onnxruntime-web is still loading.

import type { PreviewLayer } from '../protocol/messages';
import type { VariantPlan } from './plan';
import type { ConvTransposeStep, Pair } from './steps';

export interface OverlapMap {
  /** Row-major, outSize[0] × outSize[1]; every value an integer. */
  data: Float32Array;
  size: Pair;
  /** [min, max] of `data`, from the two axes (counts are ≥ 0: the extremes are products of the
   *  axes' extremes), so that the first paint need not scan the map for them. */
  range: [number, number];
  /** The buffer `data` lies in (the caller's scratch when it was large enough): pass it to the
   *  next call to reuse it. */
  scratch: Float32Array;
  /** For each row, the first row equal to it (itself when none before it is): rows with the same
   *  count along the first axis are the same row of the map, so a painter copies them. */
  sameRowAs: Int32Array;
}

/** Taps per output position along one axis, borders included. */
export function axisTaps(inSize: number, outSize: number, kernel: number, stride: number, dilation: number, padding: number): Int32Array {
  const counts = new Int32Array(outSize);
  for (let i = 0; i < inSize; i++) {
    for (let t = 0; t < kernel; t++) {
      const o = i * stride + t * dilation - padding;
      if (o >= 0 && o < outSize) counts[o]!++;
    }
  }
  return counts;
}

/**
 * Where every tap's input lies inside the image, the count is the engine's pattern at o mod s
 * (pattern[m] = #{t : (m + p − t·d) ≡ 0 mod s}). False when any such position disagrees.
 */
export function agreesWithPattern(counts: Int32Array, pattern: readonly number[], step: ConvTransposeStep, axis: 0 | 1, inSize: number): boolean {
  const [k, s, d, p] = [step.kernel[axis], step.stride[axis], step.dilation[axis], step.padding[axis]];
  if (pattern.length !== s) return false;
  const first = Math.max(0, (k - 1) * d - p);
  const last = Math.min(counts.length - 1, (inSize - 1) * s - p);
  for (let o = first; o <= last; o++) if (counts[o] !== pattern[o % s]) return false;
  return true;
}

/**
 * The overlap map of the plan's `layer` variant when it is one transposed convolution whose
 * report carries the engine's pattern; null otherwise (resizes and shuffles have no taps to
 * count, and a map that disagreed with the engine would not be shown).
 */
export function layerOverlapMap(variant: VariantPlan, layer: PreviewLayer, scratch?: Float32Array): OverlapMap | null {
  const step = variant.chain.steps[0];
  if (variant.id !== 'layer' || variant.chain.steps.length !== 1 || step?.op !== 'convTranspose') return null;
  if (variant.chain.inChannels !== 1 || step.outChannels !== 1) return null;
  const pattern = layer.overlap;
  if (!pattern || pattern.length !== 2) return null;
  // A scratch buffer is reused only up to four times the map's size: one that large layer left
  // behind is not kept for every small one after it.
  const axes = ([0, 1] as const).map((a) =>
    axisTaps(variant.chain.inSize[a], variant.outSize[a], step.kernel[a], step.stride[a], step.dilation[a], step.padding[a]),
  );
  if (!([0, 1] as const).every((a) => agreesWithPattern(axes[a]!, pattern[a]!, step, a, variant.chain.inSize[a]))) return null;
  const [h, w] = variant.outSize;
  const [rows, cols] = axes as [Int32Array, Int32Array];
  const buffer = scratch && scratch.length >= h * w && scratch.length <= 4 * h * w ? scratch : new Float32Array(h * w);
  const data = buffer.length === h * w ? buffer : buffer.subarray(0, h * w);
  // The map is an outer product: each distinct row count is multiplied out once and its row
  // copied to the other rows with that count (a few rows of arithmetic on the first paint, not
  // one product per pixel in code that has not been compiled yet).
  const sameRowAs = new Int32Array(h);
  const firstWith = new Map<number, number>();
  for (let y = 0; y < h; y++) {
    const count = rows[y]!;
    const from = firstWith.get(count);
    sameRowAs[y] = from ?? y;
    if (from === undefined) {
      firstWith.set(count, y);
      for (let x = 0, at = y * w; x < w; x++) data[at + x] = count * cols[x]!;
    } else {
      data.copyWithin(y * w, from * w, from * w + w);
    }
  }
  const extremes = (a: Int32Array): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of a) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return [lo, hi];
  };
  const [r, c] = [extremes(rows), extremes(cols)];
  return { data, size: [h, w], range: h * w ? [r[0] * c[0], r[1] * c[1]] : [0, 0], scratch: buffer, sameRowAs };
}
