// Which part of a heatmap is shown, and how large: an integer number of device pixels per output
// pixel (nearest-neighbour, so a 2-pixel period never turns into moiré, as a 128×128 map scaled
// to a 192 px box did), and a window of whole periods when the map does not fit. Pure: the view
// applies the result with CSS (the canvas keeps one pixel per output pixel, the whole map).

import type { Pair } from '../preview/steps';

/** The heatmap's box, CSS pixels (the largest side of the window shown). */
export const VIEWPORT_CSS_PX = 192;
/** A period spans at least this many device pixels by default, so that its phases are seen. */
export const MIN_PERIOD_DEVICE_PX = 12;
export const MAX_ZOOM = 32;

export interface Crop {
  y0: number;
  x0: number;
  h: number;
  w: number;
}

export interface HeatView {
  /** Device pixels per output pixel. */
  zoom: number;
  crop: Crop;
  /** True when the crop is the whole map. */
  whole: boolean;
  minZoom: number;
  maxZoom: number;
  /** "crop 32×32 of 128×128, ×6" or "128×128, ×1". */
  caption: string;
}

/** The period of an axis that shows one (1 means no period to show). */
const periods = (period: Pair) => period.filter((p) => p >= 2);

export function zoomLimits(size: Pair, period: Pair, viewport: number): [number, number] {
  const fit = Math.floor(viewport / Math.max(size[0], size[1], 1));
  // At most as large as keeps one whole period (or one pixel) in the window.
  const largest = Math.max(1, Math.floor(viewport / Math.max(period[0], period[1], 1)));
  const max = Math.max(1, fit, Math.min(MAX_ZOOM, largest));
  return [1, max];
}

/** The whole map at the largest integer zoom that fits, unless a period would then span fewer
 *  than MIN_PERIOD_DEVICE_PX device pixels: then that zoom, on a window of whole periods. */
export function defaultZoom(size: Pair, period: Pair, viewport: number): number {
  const [min, max] = zoomLimits(size, period, viewport);
  const fit = Math.floor(viewport / Math.max(size[0], size[1], 1));
  const shown = periods(period);
  const want = shown.length ? Math.ceil(MIN_PERIOD_DEVICE_PX / Math.min(...shown)) : 1;
  return Math.min(max, Math.max(min, fit, want));
}

/** One axis: the window's start and length (whole periods when cropped), around a wished centre. */
function axisCrop(size: number, period: number, visible: number, centre: number | null): [number, number] {
  if (size <= visible) return [0, size];
  const p = Math.max(1, period);
  const length = visible >= p ? Math.floor(visible / p) * p : visible;
  // Starts on a multiple of the period, so that the phases stay where they were in the map.
  const wished = centre === null ? (size - length) / 2 : centre - length / 2;
  const aligned = Math.floor(Math.max(0, Math.min(size - length, wished)) / p) * p;
  return [aligned, length];
}

/**
 * The view of a `size` map with this period at `zoom` (clamped to the limits) in a box of
 * `viewport` device pixels; `centre` the wished centre of the window (null: the map's).
 */
export function heatView(size: Pair, period: Pair, viewport: number, zoom: number, centre: Pair | null = null): HeatView {
  const [minZoom, maxZoom] = zoomLimits(size, period, viewport);
  const z = Math.min(maxZoom, Math.max(minZoom, Math.round(zoom)));
  const visible = Math.max(1, Math.floor(viewport / z));
  const [y0, h] = axisCrop(size[0], period[0], visible, centre ? centre[0] : null);
  const [x0, w] = axisCrop(size[1], period[1], visible, centre ? centre[1] : null);
  const whole = h === size[0] && w === size[1];
  const caption = whole ? `${size[0]}×${size[1]}, ×${z}` : `crop ${h}×${w} of ${size[0]}×${size[1]}, ×${z}`;
  return { zoom: z, crop: { y0, x0, h, w }, whole, minZoom, maxZoom, caption };
}
