// Counts and sizes are JavaScript doubles, exact up to 2^53. Python ints past that are exact in
// the interpreter (bigints), and ops refuse them as arguments (python/signature.ts); what is left is
// a product computed past 2^53 — the MACs of nn.Linear(100000007, 100000037), a flatten of huge
// dimensions. Such a number would be shown rounded without a word: instead, a warning on the line
// of the layer says so and the model is marked incomplete (never silently wrong).

import type { LayerReport } from './report';

export const EXACT_LIMIT_TEXT = '2^53 (9,007,199,254,740,992)';

/** `layer`: the index of the layer the warning is about (null: the model). */
type Warn = (message: string, layer: number | null) => void;

/** Warns for each layer (and the totals) with a count or size past 2^53; true when any was. */
export function flagInexactCounts(modelName: string, layers: readonly LayerReport[], totals: { params: number; macs: number }, warn: Warn): boolean {
  let any = false;
  for (let index = 0; index < layers.length; index++) {
    const layer = layers[index]!;
    // Plain loops: this runs on every layer of every analysis, and almost always finds nothing.
    const bigTensor = firstUnsafeShape(layer.in) ?? firstUnsafeShape(layer.out);
    if (Number.isSafeInteger(layer.params) && Number.isSafeInteger(layer.macs) && bigTensor === null) continue;
    const problems: string[] = [];
    if (!Number.isSafeInteger(layer.params)) problems.push(`parameters (≈${layer.params.toPrecision(3)})`);
    if (!Number.isSafeInteger(layer.macs)) problems.push(`MACs (≈${layer.macs.toPrecision(3)})`);
    if (bigTensor) problems.push(`a tensor of ${bigTensor.join('×')} (≈${numelOf(bigTensor).toPrecision(3)} elements)`);
    any = true;
    warn(`${layer.path}: ${problems.join(', ')} past ${EXACT_LIMIT_TEXT}, where ConvLens's counts stop being exact; the numbers shown are rounded`, index);
  }
  if (!any && (!Number.isSafeInteger(totals.params) || !Number.isSafeInteger(totals.macs))) {
    any = true;
    warn(`${modelName}: the model's total parameters or MACs are past ${EXACT_LIMIT_TEXT}, where ConvLens's counts stop being exact; the totals shown are rounded`, null);
  }
  return any;
}

function numelOf(shape: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i]!;
  return n;
}

function firstUnsafeShape(shapes: readonly (readonly number[])[]): readonly number[] | null {
  for (let i = 0; i < shapes.length; i++) if (!Number.isSafeInteger(numelOf(shapes[i]!))) return shapes[i]!;
  return null;
}
