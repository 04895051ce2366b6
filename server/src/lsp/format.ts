// How numbers and shapes read in hovers, code lenses and inlay hints: compact, exact where it
// matters (fractional jumps stay fractions).

import type { LayerReport } from '../engine/report';
import { formatAxes, NOT_CALLED } from '../format/layerCells';
import { groupThousands, humanCount } from '../format/units';

export { formatAxes, groupThousands, humanCount };

/** `1×64×56×56`; `N×28×28×1` when the batch is symbolic (TF.js's null, see ModelReport). */
export function shapeText(shape: readonly number[], symbolicBatch = false): string {
  if (!shape.length) return 'scalar';
  return symbolicBatch ? ['N', ...shape.slice(1)].join('×') : shape.join('×');
}

/** Several tensors: `1×64×56×56, 1×10`. */
export function shapesText(shapes: readonly (readonly number[])[], symbolicBatch = false): string {
  return shapes.length ? shapes.map((s) => shapeText(s, symbolicBatch)).join(', ') : '?';
}

/** A layer's `in → out`, or that forward never called it. */
export function flowText(layer: LayerReport, symbolicBatch = false, code = false): string {
  if (layer.notCalled) return NOT_CALLED;
  const q = code ? '`' : '';
  return `${q}${shapesText(layer.in, symbolicBatch)}${q} → ${q}${shapesText(layer.out, symbolicBatch)}${q}`;
}

/** Without the batch dimension, as code lenses show it: `64×56×56`. */
export function shapeWithoutBatch(shape: readonly number[]): string {
  return shapeText(shape.length >= 2 ? shape.slice(1) : shape);
}

/** Per-axis values for a one-line lens: integers as they are, fractions as three significant
 *  digits marked `≈` (`rf ≈2.88` for 23/8; the hover and the table keep the exact fraction). */
function approximateAxes(exact: readonly string[], values: readonly number[]): string {
  const texts = exact.length ? exact : values.map(String);
  return formatAxes(texts.map((t, i) => (t.includes('/') ? `≈${Number((values[i] ?? Number.NaN).toPrecision(3))}` : t)));
}

export function rfLensText(layer: LayerReport): string {
  return approximateAxes(layer.rfExact, layer.rf);
}

export function jumpLensText(layer: LayerReport): string {
  return approximateAxes(layer.jumpExact, layer.jump);
}

/** MACs with three significant digits in K/M/G: `4.09G MACs`, `20.6M MACs` (never `0.02 GMACs`). */
export function macsText(macs: number): string {
  return `${humanCount(macs)} MACs`;
}

export function rfText(layer: LayerReport): string {
  return formatAxes(layer.rfExact.length ? layer.rfExact : layer.rf);
}

export function jumpText(layer: LayerReport): string {
  return formatAxes(layer.jumpExact.length ? layer.jumpExact : layer.jump);
}

/** `max/min 4:1`: the most and fewest kernel taps on one output position over the whole period
 *  (the product over axes), worded as the uneven-overlap diagnostic words it. */
export function overlapRatio(overlap: readonly (readonly number[])[]): string {
  let most = 1;
  let fewest = 1;
  for (const taps of overlap) {
    most *= Math.max(...taps);
    fewest *= Math.min(...taps);
  }
  return `max/min ${most}:${fewest}`;
}

export function isUneven(overlap: readonly (readonly number[])[] | undefined): boolean {
  return !!overlap && overlap.some((taps) => taps.some((t) => t !== taps[0]));
}

/** `9,408 (9.41K)`; plain below a thousand. */
export function countText(n: number): string {
  return n < 1000 ? String(n) : `${groupThousands(n)} (${humanCount(n)})`;
}

/** Distinct shapes of the runs of one line, at most `limit`, then `+N`. */
export function distinctShapes(shapes: readonly (readonly number[])[], limit: number, symbolicBatch = false): string {
  const seen: string[] = [];
  for (const s of shapes) {
    const t = shapeText(s, symbolicBatch);
    if (!seen.includes(t)) seen.push(t);
  }
  if (seen.length <= limit) return seen.join(' | ');
  return `${seen.slice(0, limit).join(' | ')} | +${seen.length - limit}`;
}
