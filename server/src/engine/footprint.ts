// Footprints: the exact set of input offsets one output position reads, per spatial axis
// (DESIGN.md, "Gridding (footprint of a dilated stack)"). The rf/jump algebra keeps only the
// extent; gridding needs the holes inside it, and "later layers fill them" needs the set itself.
//
// Output positions need not all read the same pattern: after an up-sampling by 2 the even and the
// odd outputs read differently. A footprint is therefore periodic: output o = q·period + m reads
// input positions q·step + phases[m] (absolute offsets, padding included, so that the branches
// of a merge line up). Without up-sampling period = 1 and step is the jump.
//
// Every layer is described the same way, as a periodic index map (a LayerMap): output
// o = q·period + m of the layer reads the layer-input positions q·step + taps[m]. Composing a
// footprint with a layer map is then one loop, whatever the layer (convolution, pooling,
// transposed convolution, resize, pixel shuffle).

/** The offsets one phase reads: lo … hi, all of them when `bits` is null (the common, dense case). */
export interface OffsetSet {
  readonly lo: number;
  readonly hi: number;
  /** bits[i] = 1 when offset lo + i is read; first and last are always 1. */
  readonly bits: Uint8Array | null;
}

export interface Footprint {
  readonly period: number;
  readonly step: number;
  readonly phases: readonly OffsetSet[];
  /** The footprints this one was made from (a merge has several): the diagnostic names the
   *  dilated layers in this ancestry. */
  readonly parents: readonly Footprint[];
  /** The dilation of the layer that made it (0: not a dilated convolution). */
  readonly dilation: number;
  /** Whether a dilated layer is anywhere in the ancestry: holes without one are subsampling
   *  (a 1×1 stride-2 convolution), not gridding. */
  readonly dilated: boolean;
  /** Read by a global layer (a pool to one position, and what is computed from it): every input
   *  position, uniformly. Such context is no local read: a merge leaves it out, and it never grids. */
  readonly global?: true;
  /** Set once a later layer reads this footprint (it may fill the holes); a footprint with holes
   *  that nothing continues is where the model's output, or a global layer, sees them. */
  continued: boolean;
}

/** A layer along one axis: output q·period + m reads layer-input positions q·step + taps[m]. */
export interface LayerMap {
  period: number;
  step: number;
  taps: readonly (readonly number[])[];
  /** The layer's dilation when it is a dilated window (kernel > 1), else 0. */
  dilation: number;
}

/** Past these the footprint is not followed (unknown), rather than cost memory and time. */
export const MAX_FOOTPRINT_PERIOD = 256;
export const MAX_FOOTPRINT_WIDTH = 1 << 16;

const DENSE_ORIGIN: OffsetSet = { lo: 0, hi: 0, bits: null };
/** What an output that reads nothing reads (a transposed convolution with stride > kernel). */
const EMPTY: OffsetSet = { lo: 0, hi: -1, bits: null };
const isEmpty = (s: OffsetSet): boolean => s.hi < s.lo;

/** An input image: each position reads itself. */
export function inputFootprint(): Footprint {
  return { period: 1, step: 1, phases: [DENSE_ORIGIN], parents: [], dilation: 0, dilated: false, continued: false };
}

const floorDiv = (a: number, b: number): number => Math.floor(a / b);
const mod = (a: number, b: number): number => ((a % b) + b) % b;
function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The union of sets, each shifted by its offset. Null when too wide. */
function unionShifted(allSets: readonly OffsetSet[], allShifts: readonly number[]): OffsetSet | null {
  // Every layer of a model unions sets (a merge's two branches, a window's taps): the arrays are
  // copied only when some set is empty.
  let sets = allSets;
  let shifts = allShifts;
  if (allSets.some(isEmpty)) {
    sets = allSets.filter((s) => !isEmpty(s));
    shifts = allShifts.filter((_, i) => !isEmpty(allSets[i]!));
  }
  if (!sets.length) return EMPTY;
  let lo = Infinity;
  let hi = -Infinity;
  let allDense = true;
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i]!;
    lo = Math.min(lo, s.lo + shifts[i]!);
    hi = Math.max(hi, s.hi + shifts[i]!);
    if (s.bits) allDense = false;
  }
  if (hi - lo + 1 > MAX_FOOTPRINT_WIDTH) return null;
  if (allDense && sets.length <= 2) {
    // One or two dense intervals: dense when they overlap or touch.
    const last = sets.length - 1;
    const aLo = sets[0]!.lo + shifts[0]!;
    const aHi = sets[0]!.hi + shifts[0]!;
    const bLo = sets[last]!.lo + shifts[last]!;
    const bHi = sets[last]!.hi + shifts[last]!;
    if (bLo <= aHi + 1 && aLo <= bHi + 1) return { lo, hi, bits: null };
  } else if (allDense) {
    // Dense intervals: dense union when they chain without a gap.
    const order = sets.map((s, i) => [s.lo + shifts[i]!, s.hi + shifts[i]!] as const).sort((a, b) => a[0] - b[0]);
    let reach = order[0]![1];
    let gap = false;
    for (const [a, b] of order) {
      if (a > reach + 1) gap = true;
      reach = Math.max(reach, b);
    }
    if (!gap) return { lo, hi, bits: null };
  }
  const bits = new Uint8Array(hi - lo + 1);
  for (let i = 0; i < sets.length; i++) {
    const s = sets[i]!;
    const base = s.lo + shifts[i]! - lo;
    if (s.bits) {
      for (let k = 0; k < s.bits.length; k++) if (s.bits[k]) bits[base + k] = 1;
    } else {
      bits.fill(1, base, base + s.hi - s.lo + 1);
    }
  }
  return { lo, hi, bits: bits.every((b) => b === 1) ? null : bits };
}

/** What a global pool's output reads: everything (see Footprint.global). */
export function globalFootprint(): Footprint {
  return { period: 1, step: 1, phases: [DENSE_ORIGIN], parents: [], dilation: 0, dilated: false, continued: false, global: true };
}

/** The footprint after a layer; undefined when it is too large to follow. Marks `fp` continued. */
export function applyLayerMap(fp: Footprint, layer: LayerMap): Footprint | undefined {
  if (fp.global) return fp;
  fp.continued = true;
  const { period: P, step: Q } = fp;
  const dense = P === 1 && layer.period === 1 ? fp.phases[0]! : null;
  if (dense && !dense.bits && dense.hi >= dense.lo) {
    // The common case (no up-sampling, no holes yet): dense again when no two neighbouring taps
    // lie further apart than the footprint is wide. Ascending taps, as convMap makes them.
    const taps = layer.taps[0]!;
    const width = dense.hi - dense.lo + 1;
    let ascendingAndClose = taps.length > 0;
    for (let i = 1; i < taps.length && ascendingAndClose; i++) {
      const gap = (taps[i]! - taps[i - 1]!) * Q;
      if (gap < 0 || gap > width) ascendingAndClose = false;
    }
    if (ascendingAndClose) {
      const lo = dense.lo + taps[0]! * Q;
      const hi = dense.hi + taps[taps.length - 1]! * Q;
      if (hi - lo + 1 > MAX_FOOTPRINT_WIDTH) return undefined;
      return { period: 1, step: layer.step * Q, phases: [{ lo, hi, bits: null }], parents: [fp], dilation: layer.dilation, dilated: fp.dilated || layer.dilation > 1, continued: false };
    }
  }
  // The smallest multiple of the layer's period whose input shift is a whole number of periods of fp.
  const periods = P / gcd(P, layer.step);
  const period = layer.period * periods;
  if (period > MAX_FOOTPRINT_PERIOD) return undefined;
  const step = ((periods * layer.step) / P) * Q;
  const phases: OffsetSet[] = [];
  for (let m = 0; m < period; m++) {
    const base = floorDiv(m, layer.period) * layer.step;
    const taps = layer.taps[mod(m, layer.period)]!;
    const sets: OffsetSet[] = [];
    const shifts: number[] = [];
    for (const t of taps) {
      const i = base + t;
      sets.push(fp.phases[mod(i, P)]!);
      shifts.push(floorDiv(i, P) * Q);
    }
    const u = unionShifted(sets, shifts);
    if (!u) return undefined;
    phases.push(u);
  }
  return { period, step, phases, parents: [fp], dilation: layer.dilation, dilated: fp.dilated || layer.dilation > 1, continued: false };
}

/**
 * The footprint of an elementwise merge (add, cat along channels): each output reads what each
 * input reads at the same position. Undefined unless every input is known and all share a jump.
 */
export function mergeFootprints(inputs: readonly (Footprint | undefined)[]): Footprint | undefined {
  for (const f of inputs) if (f) f.continued = true;
  if (inputs.some((f) => !f)) return undefined;
  const all = inputs as readonly Footprint[];
  const fps = all.filter((f) => !f.global);
  if (fps.length === 0) return all[0];
  if (fps.length === 1) return fps[0];
  const first = fps[0]!;
  let period = first.period;
  for (const f of fps) {
    if (f.step * first.period !== first.step * f.period) return undefined;
    period = (period * f.period) / gcd(period, f.period);
  }
  if (period > MAX_FOOTPRINT_PERIOD) return undefined;
  const step = (first.step * period) / first.period;
  const phases: OffsetSet[] = [];
  for (let m = 0; m < period; m++) {
    const sets: OffsetSet[] = [];
    const shifts: number[] = [];
    for (const f of fps) {
      sets.push(f.phases[m % f.period]!);
      shifts.push(floorDiv(m, f.period) * f.step);
    }
    const u = unionShifted(sets, shifts);
    if (!u) return undefined;
    phases.push(u);
  }
  return { period, step, phases, parents: fps, dilation: 0, dilated: fps.some((f) => f.dilated), continued: false };
}

// ---------- layer maps ----------

/** Convolution or pooling window: output o reads o·s − p + t·d, t = 0 … k−1. */
export function convMap(kernel: number, stride: number, dilation: number, padding: number): LayerMap {
  const taps: number[] = [];
  for (let t = 0; t < kernel; t++) taps.push(t * dilation - padding);
  return { period: 1, step: stride, taps: [taps], dilation: kernel > 1 && dilation > 1 ? dilation : 0 };
}

/** Transposed convolution: output o reads the i with i·s + t·d − p = o. */
export function transposedConvMap(kernel: number, stride: number, dilation: number, padding: number): LayerMap {
  const taps: number[][] = [];
  for (let m = 0; m < stride; m++) {
    const phase: number[] = [];
    for (let t = 0; t < kernel; t++) {
      const n = m + padding - t * dilation;
      if (mod(n, stride) === 0) phase.push(n / stride);
    }
    taps.push(phase);
  }
  return { period: stride, step: 1, taps, dilation: 0 };
}

export type MapResizeMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area';

/**
 * A resize whose kernel steps `num/den` input positions per output (torch's coordinate scale).
 * Output o samples at o·c (nearest, align_corners), (o + ½)·c (nearest-exact) or (o + ½)·c − ½
 * (half-pixel), and reads the floor (nearest) or the 2 / 4 neighbours around it, only the sample
 * itself where it lands exactly on one (the others weigh 0). Area reads [floor(o·c), ceil((o+1)·c)).
 * Null when the period is too long.
 */
export function resizeMap(mode: MapResizeMode, num: number, den: number, alignCorners: boolean): LayerMap | null {
  if (den > MAX_FOOTPRINT_PERIOD || num <= 0 || den <= 0) return null;
  const taps: number[][] = [];
  for (let m = 0; m < den; m++) {
    if (mode === 'area') {
      const start = floorDiv(m * num, den);
      const end = -floorDiv(-(m + 1) * num, den);
      taps.push(Array.from({ length: end - start }, (_, k) => start + k));
      continue;
    }
    if (mode === 'nearest') {
      taps.push([floorDiv(m * num, den)]);
      continue;
    }
    if (mode === 'nearest-exact') {
      taps.push([floorDiv((2 * m + 1) * num, 2 * den)]);
      continue;
    }
    const sNum = alignCorners ? 2 * m * num : (2 * m + 1) * num - den;
    const sDen = 2 * den;
    const i0 = floorDiv(sNum, sDen);
    if (mod(sNum, sDen) === 0) taps.push([i0]);
    else if (mode === 'bicubic') taps.push([i0 - 1, i0, i0 + 1, i0 + 2]);
    else taps.push([i0, i0 + 1]);
  }
  return { period: den, step: num, taps, dilation: 0 };
}

/** PixelShuffle r along one axis: output o reads input floor(o/r). */
export function pixelShuffleMap(factor: number): LayerMap {
  return { period: factor, step: 1, taps: Array.from({ length: factor }, () => [0]), dilation: 0 };
}

// ---------- holes ----------

export interface PhaseHoles {
  /** The offsets the phase reads span lo … hi (absolute, as the footprint keeps them). */
  extent: number;
  /** Offsets (0 = the first one read) inside the extent that are never read. */
  missing: number[];
}

/** The holes of each distinct phase; empty when every phase is dense. */
export function footprintHoles(fp: Footprint): PhaseHoles[] {
  return footprintPatterns(fp).filter((p) => p.missing.length > 0);
}

/** What each distinct phase reads: its extent and the offsets inside it never read. */
export function footprintPatterns(fp: Footprint): PhaseHoles[] {
  const out: PhaseHoles[] = [];
  const seen = new Set<string>();
  for (const p of fp.phases) {
    if (isEmpty(p)) continue;
    const missing: number[] = [];
    if (p.bits) for (let k = 0; k < p.bits.length; k++) if (!p.bits[k]) missing.push(k);
    const extent = p.hi - p.lo + 1;
    const key = `${extent}:${missing.join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ extent, missing });
  }
  return out;
}

/** A layer that reads `fp` in a way not modelled: its holes may be filled there. */
export function markContinued(fp: Footprint | undefined): void {
  if (fp) fp.continued = true;
}
