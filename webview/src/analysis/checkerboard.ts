// The checkerboard score of an output map (README, "Preview"): over the interior (the border's
// reach cut off, the rest cut to whole periods), the share of the map's energy that repeats with
// the chain's period, without the mean:
//
//   score = mean over phases (a, b) of (p[a,b] − p̄)²  /  mean over pixels of v²
//
// where p[a,b] is the mean of the pixels at phase (y mod P_h, x mod P_w) and p̄ their mean. By
// Parseval this is the share of spectral energy at the stride-periodic frequencies k·N/P other
// than 0. 0: no periodic pattern; an all-ones 3×3 stride-2 transposed convolution scores 0.19
// (taps 4, 2, 2, 1 per phase).

import type { Pair } from '../preview/steps';

export interface Interior {
  y0: number;
  x0: number;
  h: number;
  w: number;
}

/**
 * The interior of an h×w map: starts at the first multiple of the period past the margin and
 * spans whole periods up to the margin at the far end. Null when not one whole period fits.
 */
export function interiorOf([h, w]: Pair, period: Pair, margin: Pair): Interior | null {
  const axis = (n: number, p: number, m: number): [number, number] | null => {
    const start = Math.ceil(m / p) * p;
    const length = Math.floor((n - m - start) / p) * p;
    return length >= p ? [start, length] : null;
  };
  const y = axis(h, period[0], margin[0]);
  const x = axis(w, period[1], margin[1]);
  return y && x ? { y0: y[0], h: y[1], x0: x[0], w: x[1] } : null;
}

/** Mean of the interior pixels at each phase, row-major over the period. */
export function phaseMeans(map: ArrayLike<number>, width: number, period: Pair, interior: Interior): Float64Array {
  const [ph, pw] = period;
  const sums = new Float64Array(ph * pw);
  for (let y = interior.y0; y < interior.y0 + interior.h; y++) {
    for (let x = interior.x0; x < interior.x0 + interior.w; x++) sums[(y % ph) * pw + (x % pw)]! += map[y * width + x]!;
  }
  const count = (interior.h / ph) * (interior.w / pw);
  return sums.map((s) => s / count);
}

export interface CheckerboardResult {
  score: number;
  /** The period-sized pattern (phase means), row-major. */
  pattern: Float64Array;
  interior: Interior;
}

export function checkerboardScore(map: ArrayLike<number>, size: Pair, period: Pair, margin: Pair): CheckerboardResult | null {
  const interior = interiorOf(size, period, margin);
  if (!interior) return null;
  const pattern = phaseMeans(map, size[1], period, interior);
  let mean = 0;
  for (const v of pattern) mean += v;
  mean /= pattern.length;
  let periodic = 0;
  for (const v of pattern) periodic += (v - mean) ** 2;
  periodic /= pattern.length;
  let energy = 0;
  for (let y = interior.y0; y < interior.y0 + interior.h; y++) {
    for (let x = interior.x0; x < interior.x0 + interior.w; x++) energy += map[y * size[1] + x]! ** 2;
  }
  energy /= interior.h * interior.w;
  return { score: energy > 0 ? Math.min(1, periodic / energy) : 0, pattern, interior };
}
