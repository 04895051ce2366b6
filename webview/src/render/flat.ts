// The flat-map rule: a map whose spread (max − min) is within float32 rounding of what its chain
// computes is shown flat, with the legend "uniform (v)", instead of stretching rounding noise over
// the whole colour map (a uniform bilinear resize of a constant painted scattered dark pixels,
// legend "1…1").
//
// Why this tolerance. Every output of a step is a sum of n products w_i·x_i (taps, plus a bias)
// computed in float32; the classical bound for such a sum (Higham, Accuracy and Stability of
// Numerical Algorithms, §3.1) is |fl(y) − y| ≤ γ_n·Σ|w_i·x_i| with γ_n ≈ n·u and u = 2⁻²⁴ (half an
// ulp of 1). A resize first computes its coefficients from coordinates (a transform, then the
// cubic's polynomial: under COEFFICIENT_ROUNDINGS roundings each), which adds that many u. Σ|w_i|
// is 1 for nearest and bilinear and at most 1.375² < 2 for the bicubic (A = −0.75: its negative
// lobes), so for a constant input Σ|w_i·x_i| ≤ AMPLIFICATION·|y|; an earlier step's error is
// carried through a later one scaled by the same factor. Two pixels of a map that is exactly
// uniform thus differ by at most 2·u·max|y|·Σ_s A_s·(n_s + c_s)·Π_{t>s} A_t.
//
// Where the terms cancel (PyTorch-default weights of mixed signs) Σ|w·x| can exceed |y| and this
// bound is too small: such a map may still show its rounding noise, never the reverse. The
// tolerance is also capped at MAX_RELATIVE·max|y| (1e−5): a map called flat then equals its
// printed value to the legend's 4 significant digits (half a unit of the 4th digit is at least
// 5e−5 of the value), so "uniform (1.000)" is true of every pixel even for a chain with many taps.

import type { Step } from '../preview/steps';

/** Unit roundoff of float32: half an ulp of 1. */
export const FLOAT32_UNIT_ROUNDOFF = 2 ** -24;
/** Roundings in a resize's coefficient of one tap (coordinate transform, cubic polynomial). */
const COEFFICIENT_ROUNDINGS = 8;
/** Cap on the tolerance, relative to max|value| (see above: the legend's 4 digits stay true). */
export const MAX_RELATIVE = 1e-5;

/** Terms summed per output value (an upper bound), roundings in their coefficients, and Σ|w|. */
function arithmetic(step: Step): { terms: number; coefficientRoundings: number; amplification: number } {
  switch (step.op) {
    case 'conv':
    case 'convTranspose':
      // Every kernel tap of every input channel (more than land on one output of a strided
      // transposed convolution: an upper bound), and the bias.
      return { terms: step.kernel[0] * step.kernel[1] * step.inChannels + (step.bias ? 1 : 0), coefficientRoundings: 0, amplification: 1 };
    case 'resize':
      if (step.mode === 'nearest' || step.mode === 'nearest-exact') return { terms: 0, coefficientRoundings: 0, amplification: 1 };
      if (step.mode === 'bicubic') return { terms: 16, coefficientRoundings: COEFFICIENT_ROUNDINGS, amplification: 2 };
      return { terms: 4, coefficientRoundings: COEFFICIENT_ROUNDINGS, amplification: 1 };
    case 'depthToSpace':
      // A copy.
      return { terms: 0, coefficientRoundings: 0, amplification: 1 };
  }
}

/** The spread (max − min) within which a map this chain computed is rounding noise of a uniform
 *  map; `maxAbs` is the map's largest |value|. */
export function flatTolerance(steps: readonly Step[], maxAbs: number): number {
  let units = 0;
  for (const step of steps) {
    const { terms, coefficientRoundings, amplification } = arithmetic(step);
    units = units * amplification + amplification * (terms + coefficientRoundings);
  }
  return Math.min(2 * FLOAT32_UNIT_ROUNDOFF * units, MAX_RELATIVE) * maxAbs;
}

export interface MapRange {
  lo: number;
  hi: number;
  /** True when the map is shown flat (uniform): its spread is within the tolerance. */
  flat: boolean;
}

/** The map's range and whether it is flat; `tolerance` 0 for exact maps (the overlap map). */
export function classifyRange(lo: number, hi: number, tolerance: number): MapRange {
  return { lo, hi, flat: hi - lo <= tolerance };
}

/** The legend of a flat map: "uniform (1.000)", the midpoint to 4 significant digits. */
export function uniformLabel(lo: number, hi: number): string {
  return `uniform (${((lo + hi) / 2).toPrecision(4)})`;
}
