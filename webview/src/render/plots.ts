// Pictures of an output map: the heatmap (one canvas pixel per output pixel, scaled by CSS with
// crisp edges), its colour legend, a 1-D profile across a row, and the 2-D power spectrum with
// the stride-periodic frequencies marked.

import type { Interior } from '../analysis/checkerboard';
import { powerSpectrum2d } from '../analysis/fft';
import type { Pair } from '../preview/steps';
import { VIRIDIS, colourIndex, cssColour } from './colormap';

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

export function drawHeatmap(canvas: HTMLCanvasElement, data: ArrayLike<number>, [h, w]: Pair, [lo, hi]: [number, number]): void {
  // putImageData replaces every pixel: nothing to clear.
  const ctx = prepare(canvas, w, h);
  const image = imageData(ctx, w, h);
  const px = image.data;
  for (let i = 0; i < h * w; i++) {
    const c = colourIndex(data[i]!, lo, hi) * 3;
    px[i * 4] = VIRIDIS[c]!;
    px[i * 4 + 1] = VIRIDIS[c + 1]!;
    px[i * 4 + 2] = VIRIDIS[c + 2]!;
    px[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** A vertical colour bar, high values on top. */
export function drawLegend(canvas: HTMLCanvasElement): void {
  // The same bar whatever the map (the numbers beside it change): drawn once per canvas.
  if (canvas.dataset.drawn === 'true') {
    delete canvas.dataset.stale;
    return;
  }
  const ctx = prepare(canvas, 1, 256);
  canvas.dataset.drawn = 'true';
  for (let i = 0; i < 256; i++) {
    ctx.fillStyle = cssColour(255 - i);
    ctx.fillRect(0, i, 1, 1);
  }
}

function themeColour(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** Values along row `row` as a line with a dot per pixel; ticks every period. */
export function drawProfile(canvas: HTMLCanvasElement, data: ArrayLike<number>, [, w]: Pair, row: number, period: number): void {
  const width = 320;
  const height = 120;
  const ratio = Math.max(1, Math.round(globalThis.devicePixelRatio || 1));
  const ctx = prepare(canvas, width * ratio, height * ratio);
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const values = Array.from({ length: w }, (_, x) => data[row * w + x]!);
  let [lo, hi] = range(values);
  if (hi - lo < 1e-12) [lo, hi] = [lo - 1, hi + 1];
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
