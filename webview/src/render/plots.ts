// Pictures of an output map: the heatmap (one canvas pixel per output pixel, scaled by CSS with
// crisp edges), its colour legend, a 1-D profile across a row, and the 2-D power spectrum with
// the stride-periodic frequencies marked.

import type { Interior } from '../analysis/checkerboard';
import { powerSpectrum2d } from '../analysis/fft';
import type { Pair } from '../preview/steps';
import { VIRIDIS, colourIndex } from './colormap';

export function range(data: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return data.length ? [lo, hi] : [0, 0];
}

function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2-D canvas context');
  return ctx;
}

/**
 * Sizes a canvas that is about to be painted over and shows it again (the panel reuses its
 * canvases from one layer to the next). Assigning a size, even the same one, drops the canvas's
 * bitmap and allocates a new one: only a different size is assigned.
 */
function prepare(canvas: HTMLCanvasElement, w: number, h: number): CanvasRenderingContext2D {
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  delete canvas.dataset.stale;
  return context(canvas);
}

/**
 * One ImageData per size, reused from paint to paint (putImageData copies it): a fresh one is a
 * fresh zeroed buffer, whose first writes cost page faults — on a 256×256 map about as much as
 * the run that computed it.
 */
const IMAGE_POOL_SIZE = 8;
const imagePool = new Map<string, ImageData>();

function imageData(ctx: CanvasRenderingContext2D, w: number, h: number): ImageData {
  const key = `${w}x${h}`;
  let image = imagePool.get(key);
  if (image) imagePool.delete(key);
  else image = ctx.createImageData(w, h);
  imagePool.set(key, image);
  while (imagePool.size > IMAGE_POOL_SIZE) imagePool.delete(imagePool.keys().next().value!);
  return image;
}

/** VIRIDIS as one RGBA word per entry in the platform's byte order, so that a pixel is one store. */
const VIRIDIS_RGBA: Uint32Array = (() => {
  const words = new Uint32Array(256);
  const bytes = new Uint8Array(words.buffer);
  for (let i = 0; i < 256; i++) bytes.set([VIRIDIS[i * 3]!, VIRIDIS[i * 3 + 1]!, VIRIDIS[i * 3 + 2]!, 255], i * 4);
  return words;
})();

/**
 * One canvas pixel per output pixel, coloured by [lo, hi] (lo = hi: the middle colour, a flat
 * map). The first map of a panel is painted by code V8 has not compiled yet, 65 536 times for a
 * 256×256 map: one division, one clamp and one 32-bit store per pixel, no call (colourIndex's
 * arithmetic, inlined: same rounding). `sameRowAs` (the overlap map's): for each row, an earlier
 * row with the same values, whose pixels are copied instead.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, data: ArrayLike<number>, [h, w]: Pair, [lo, hi]: [number, number], sameRowAs?: Int32Array): void {
  // putImageData replaces every pixel: nothing to clear.
  const ctx = prepare(canvas, w, h);
  const image = imageData(ctx, w, h);
  const px = new Uint32Array(image.data.buffer, image.data.byteOffset, h * w);
  const n = h * w;
  if (!(hi > lo)) {
    px.fill(VIRIDIS_RGBA[128]!, 0, n);
  } else {
    const span = hi - lo;
    for (let y = 0; y < h; y++) {
      const at = y * w;
      const from = sameRowAs ? sameRowAs[y]! : y;
      if (from !== y) {
        px.copyWithin(at, from * w, from * w + w);
        continue;
      }
      for (let i = at, end = at + w; i < end; i++) {
        // NaN and values below lo clamp to 0, as in colourIndex.
        const t = Math.round(((data[i]! - lo) / span) * 255);
        px[i] = VIRIDIS_RGBA[t > 255 ? 255 : t >= 0 ? t : 0]!;
      }
    }
  }
  ctx.putImageData(image, 0, 0);
}

/** Entries of the colour map the legend's gradient passes through: every 17th (16 stops, 0 to
 *  255; the map's polynomial is smooth, so the bar between them is within 5 levels of the table). */
export const LEGEND_STEP = 17;

/**
 * The colour bar beside a heatmap, high values on top: a CSS gradient through the colour map's
 * entries, the same for every map (the numbers beside it change). A canvas would cost the first
 * picture a second 2-D context and its first upload (about 5 ms of the page's CPU on its opening).
 */
export function legendGradient(): string {
  const stops: string[] = [];
  for (let i = 0; i < 256; i += LEGEND_STEP) {
    stops.push(`rgb(${VIRIDIS[i * 3]}, ${VIRIDIS[i * 3 + 1]}, ${VIRIDIS[i * 3 + 2]}) ${((i / 255) * 100).toFixed(2)}%`);
  }
  return `linear-gradient(to top, ${stops.join(', ')})`;
}

function themeColour(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Values along row `row` as a line with a dot per pixel; ticks every period. A flat map
 *  (`flat`) is drawn as the straight line it is, not its rounding noise stretched to the height. */
export function drawProfile(canvas: HTMLCanvasElement, data: ArrayLike<number>, [, w]: Pair, row: number, period: number, flat = false): void {
  const width = 320;
  const height = 120;
  const ratio = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  const ctx = prepare(canvas, width * ratio, height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const values = Array.from({ length: w }, (_, x) => data[row * w + x]!);
  let [lo, hi] = range(values);
  if (flat || hi - lo < 1e-12) [lo, hi] = [(lo + hi) / 2 - 1, (lo + hi) / 2 + 1];
  const pad = 8;
  const xOf = (x: number) => pad + ((width - 2 * pad) * (x + 0.5)) / w;
  const yOf = (v: number) => height - pad - ((height - 2 * pad) * (v - lo)) / (hi - lo);
  ctx.strokeStyle = themeColour('--vscode-panel-border', '#80808060');
  ctx.lineWidth = 1;
  for (let x = 0; x <= w; x += Math.max(1, period)) {
    ctx.beginPath();
    ctx.moveTo(xOf(x - 0.5), pad);
    ctx.lineTo(xOf(x - 0.5), height - pad);
    ctx.stroke();
  }
  ctx.strokeStyle = themeColour('--vscode-charts-blue', '#3794ff');
  ctx.fillStyle = ctx.strokeStyle;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  values.forEach((v, x) => (x === 0 ? ctx.moveTo(xOf(x), yOf(v)) : ctx.lineTo(xOf(x), yOf(v))));
  ctx.stroke();
  if (w <= 128) for (let x = 0; x < w; x++) ctx.fillRect(xOf(x) - 1.5, yOf(values[x]!) - 1.5, 3, 3);
}

/** Longest side of the window the spectrum is computed on: enough to see the peaks, and cheap. */
export const SPECTRUM_MAX_SIDE = 128;

/** The middle of the interior, whole periods, at most SPECTRUM_MAX_SIDE on a side. */
export function spectrumWindow(interior: Interior, period: Pair): Interior {
  const fit = (length: number, p: number) => (length <= SPECTRUM_MAX_SIDE ? length : Math.max(p, Math.floor(SPECTRUM_MAX_SIDE / p) * p));
  const h = fit(interior.h, period[0]);
  const w = fit(interior.w, period[1]);
  // Shift by whole periods so that phases stay where they were.
  const y0 = interior.y0 + Math.floor((interior.h - h) / 2 / period[0]) * period[0];
  const x0 = interior.x0 + Math.floor((interior.w - w) / 2 / period[1]) * period[1];
  return { y0, x0, h, w };
}

/**
 * log(1 + power) of the interior's 2-D DFT, zero frequency in the middle, on a square canvas;
 * circles mark the frequencies (k·N/P_h, l·N/P_w) at which a period-P pattern puts its energy.
 */
export function drawSpectrum(canvas: HTMLCanvasElement, data: ArrayLike<number>, width: number, whole: Interior, period: Pair): void {
  const interior = spectrumWindow(whole, period);
  const { h, w } = interior;
  const crop = new Float64Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) crop[y * w + x] = data[(interior.y0 + y) * width + interior.x0 + x]!;
  const power = powerSpectrum2d(crop, h, w);
  const logPower = power.map((p) => Math.log1p(p));
  const [, hi] = range(logPower);
  const side = 256;
  const ctx = prepare(canvas, side, side);
  const image = imageData(ctx, side, side);
  for (let sy = 0; sy < side; sy++) {
    // Shifted: display row sy shows frequency (sy·h/side − h/2) mod h.
    const fy = (Math.floor((sy * h) / side) + Math.ceil(h / 2)) % h;
    for (let sx = 0; sx < side; sx++) {
      const fx = (Math.floor((sx * w) / side) + Math.ceil(w / 2)) % w;
      // An all-zero spectrum (no variation at all) stays dark.
      const c = (hi > 0 ? colourIndex(logPower[fy * w + fx]!, 0, hi) : 0) * 3;
      const o = (sy * side + sx) * 4;
      image.data[o] = VIRIDIS[c]!;
      image.data[o + 1] = VIRIDIS[c + 1]!;
      image.data[o + 2] = VIRIDIS[c + 2]!;
      image.data[o + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
  ctx.strokeStyle = themeColour('--vscode-editorWarning-foreground', '#ff8c00');
  ctx.lineWidth = 1.5;
  for (let ky = 0; ky < period[0]; ky++) {
    for (let kx = 0; kx < period[1]; kx++) {
      if (ky === 0 && kx === 0) continue;
      const fy = ((ky * h) / period[0] + Math.floor(h / 2)) % h;
      const fx = ((kx * w) / period[1] + Math.floor(w / 2)) % w;
      ctx.beginPath();
      ctx.arc(((fx + 0.5) * side) / w, ((fy + 0.5) * side) / h, Math.max(4, side / Math.max(h, w)), 0, 2 * Math.PI);
      ctx.stroke();
    }
  }
}
