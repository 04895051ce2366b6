// Viridis (perceptually uniform, readable in light and dark themes and by colour-blind readers),
// as a degree-6 polynomial fit per channel, tabulated once.

const C = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
] as const;

function viridis(t: number): [number, number, number] {
  const rgb: number[] = [0, 0, 0];
  for (let ch = 0; ch < 3; ch++) {
    let v = 0;
    for (let k = C.length - 1; k >= 0; k--) v = v * t + C[k]![ch]!;
    rgb[ch] = Math.round(255 * Math.min(1, Math.max(0, v)));
  }
  return rgb as [number, number, number];
}

/** 256 RGB entries, packed. */
export const VIRIDIS: Uint8ClampedArray = (() => {
  const lut = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(viridis(i / 255), i * 3);
  return lut;
})();

export function colourIndex(value: number, lo: number, hi: number): number {
  if (!(hi > lo)) return 128;
  return Math.max(0, Math.min(255, Math.round(((value - lo) / (hi - lo)) * 255)));
}
