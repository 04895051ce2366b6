// The pictures a preview feeds in. All are generated (nothing is fetched): a constant (its output
// is the overlap map), an impulse (the effective kernel), a checkerboard, a ramp, seeded noise and
// a natural-looking image (soft shapes over a gradient plus 1/f-like texture).

import { mulberry32, randomFor, type Random } from './random';
import type { Pair } from './steps';

export const INPUT_KINDS = ['constant', 'impulse', 'checkerboard', 'ramp', 'noise', 'image'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

/** One channel of `kind`; channels of a multi-channel input repeat it (noise draws each anew). */
function plane(kind: InputKind, [h, w]: Pair, random: Random, seed: number): Float32Array {
  const data = new Float32Array(h * w);
  switch (kind) {
    case 'constant':
      data.fill(1);
      break;
    case 'impulse':
      data[Math.floor(h / 2) * w + Math.floor(w / 2)] = 1;
      break;
    case 'checkerboard': {
      const side = Math.max(1, Math.round(Math.min(h, w) / 8));
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = (Math.floor(y / side) + Math.floor(x / side)) % 2;
      break;
    }
    case 'ramp':
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = (x + y) / Math.max(1, h + w - 2);
      break;
    case 'noise':
      for (let i = 0; i < data.length; i++) data[i] = random();
      break;
    case 'image':
      data.set(naturalImage([h, w], seed));
      break;
  }
  return data;
}

/** Smooth value noise at one scale: a coarse random grid, bilinearly interpolated. */
function valueNoise([h, w]: Pair, cell: number, random: Random): Float32Array {
  const gh = Math.ceil(h / cell) + 2;
  const gw = Math.ceil(w / cell) + 2;
  const grid = Float32Array.from({ length: gh * gw }, () => random() * 2 - 1);
  const out = new Float32Array(h * w);
  for (let y = 0; y < h; y++) {
    const gy = y / cell;
    const y0 = Math.floor(gy);
    const fy = gy - y0;
    const sy = fy * fy * (3 - 2 * fy);
    for (let x = 0; x < w; x++) {
      const gx = x / cell;
      const x0 = Math.floor(gx);
      const fx = gx - x0;
      const sx = fx * fx * (3 - 2 * fx);
      const a = grid[y0 * gw + x0]!;
      const b = grid[y0 * gw + x0 + 1]!;
      const c = grid[(y0 + 1) * gw + x0]!;
      const d = grid[(y0 + 1) * gw + x0 + 1]!;
      out[y * w + x] = (a * (1 - sx) + b * sx) * (1 - sy) + (c * (1 - sx) + d * sx) * sy;
    }
  }
  return out;
}

/**
 * A deterministic natural-looking picture in [0, 1]: a lit gradient, a few soft-edged ellipses of
 * different brightness (edges at all orientations) and octaves of value noise whose amplitude
 * halves as the frequency doubles (a 1/f spectrum, as photographs have).
 */
export function naturalImage([h, w]: Pair, seed: number): Float32Array {
  const random = randomFor(seed, 'image');
  const out = new Float32Array(h * w);
  const size = Math.max(h, w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = 0.35 + 0.25 * ((x / Math.max(1, w - 1)) * 0.6 + (y / Math.max(1, h - 1)) * 0.4);
  for (let k = 0; k < 7; k++) {
    const cy = random() * h;
    const cx = random() * w;
    const ry = (0.08 + random() * 0.22) * size;
    const rx = (0.08 + random() * 0.22) * size;
    const angle = random() * Math.PI;
    const level = random() * 0.8 - 0.4;
    const soft = 0.5 + random() * 1.5;
    const [cos, sin] = [Math.cos(angle), Math.sin(angle)];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const u = ((x - cx) * cos + (y - cy) * sin) / rx;
        const v = (-(x - cx) * sin + (y - cy) * cos) / ry;
        const r = Math.sqrt(u * u + v * v);
        const edge = 1 / (1 + Math.exp(((r - 1) * Math.min(rx, ry)) / soft));
        out[y * w + x]! += level * edge;
      }
    }
  }
  let amplitude = 0.12;
  for (let cell = Math.max(2, size / 4); cell >= 1; cell /= 2) {
    const octave = valueNoise([h, w], cell, random);
    for (let i = 0; i < out.length; i++) out[i]! += amplitude * octave[i]!;
    amplitude /= 2;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of out) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const span = hi - lo || 1;
  for (let i = 0; i < out.length; i++) out[i] = (out[i]! - lo) / span;
  return out;
}

/** An NCHW input (N = 1) of `channels` planes of `kind`. */
export function makeInput(kind: InputKind, channels: number, size: Pair, seed: number): Float32Array {
  const [h, w] = size;
  const data = new Float32Array(channels * h * w);
  const random = mulberry32(seed ^ 0x9e3779b9);
  const first = plane(kind, size, random, seed);
  data.set(first, 0);
  for (let c = 1; c < channels; c++) data.set(kind === 'noise' ? plane(kind, size, random, seed) : first, c * h * w);
  return data;
}
