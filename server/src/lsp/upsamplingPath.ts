// `convlens/upsamplingPath`: the layer the preview shows and the model's up-sampling path through
// it — the consecutive up-sampling layers around it (transposed convolutions, resizes, pixel
// shuffles) with the same-size convolutions between them, so the preview can run the whole path
// reduced to one channel. Layers that keep the shape and mix no positions (normalisation,
// activations, Identity) are left out: they do not move pixels.

import type { LayerReport, ModelReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import { layerAt } from './layerAt';
import type { UpsamplingPathParams, UpsamplingPathResult } from './protocol';

/** Longest path handed to the preview (a decoder has a handful of up-sampling layers). */
export const MAX_PATH_LAYERS = 32;

type Role = 'up' | 'conv' | 'neutral' | 'other';

const spatial = (shape: readonly number[] | undefined): number[] => (shape && shape.length === 4 ? shape.slice(2) : []);
const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Up-sampling operators the preview can rebuild; the rest of the path is same-size convolutions. */
export function isUpsamplingLayer(layer: LayerReport): boolean {
  const inS = spatial(layer.in[0]);
  const outS = spatial(layer.out[0]);
  if (inS.length !== 2 || outS.length !== 2) return false;
  if (/^ConvTranspose2d$|^F\.conv_transpose2d$/.test(layer.op)) return true;
  if (/^PixelShuffle$|^F\.pixel_shuffle$/.test(layer.op)) return true;
  if (layer.resize) return outS.some((o, i) => o > inS[i]!) && outS.every((o, i) => o >= inS[i]!);
  return false;
}

function roleOf(layer: LayerReport): Role {
  if (layer.unknown || !layer.in[0] || !layer.out[0]) return 'other';
  if (isUpsamplingLayer(layer)) return 'up';
  const inS = spatial(layer.in[0]);
  const outS = spatial(layer.out[0]);
  if (/^Conv2d$|^F\.conv2d$/.test(layer.op) && inS.length === 2 && sameList(inS, outS) && (layer.stride ?? [1, 1]).every((s) => s === 1)) {
    return 'conv';
  }
  if (!layer.kernel && sameList(layer.in[0], layer.out[0])) return 'neutral';
  return 'other';
}

/**
 * The run of up-sampling layers and same-size convolutions in `layers` (execution order) that
 * contains `index`, neutral layers skipped; each layer's input must be the previous one's output
 * (a branch or a concatenation ends the run). Null when `index` is not in a run with an
 * up-sampling layer.
 */
export function upsamplingRun(layers: readonly LayerReport[], index: number): { path: LayerReport[]; index: number } | null {
  const roles = layers.map(roleOf);
  const focusRole = roles[index];
  if (focusRole !== 'up' && focusRole !== 'conv') return null;
  const joins = (prev: LayerReport, next: LayerReport) => !!prev.out[0] && !!next.in[0] && sameList(spatial(prev.out[0]), spatial(next.in[0]));
  const before: number[] = [];
  let last = index;
  for (let i = index - 1; i >= 0 && before.length < MAX_PATH_LAYERS; i--) {
    if (roles[i] === 'neutral') continue;
    if (roles[i] === 'other' || !joins(layers[i]!, layers[last]!)) break;
    before.unshift(i);
    last = i;
  }
  const after: number[] = [];
  last = index;
  for (let i = index + 1; i < layers.length && after.length < MAX_PATH_LAYERS; i++) {
    if (roles[i] === 'neutral') continue;
    if (roles[i] === 'other' || !joins(layers[last]!, layers[i]!)) break;
    after.push(i);
    last = i;
  }
  let picked = [...before, index, ...after];
  // Leading convolutions belong to the path only when they feed a pixel shuffle (they make its
  // channels); otherwise the path starts at its first up-sampling layer.
  while (picked.length > 1 && roles[picked[0]!] === 'conv' && picked[0] !== index && !/PixelShuffle|pixel_shuffle/.test(layers[picked[1]!]!.op)) {
    picked = picked.slice(1);
  }
  if (!picked.some((i) => roles[i] === 'up')) return null;
  if (picked.length > MAX_PATH_LAYERS) {
    const at = picked.indexOf(index);
    const start = Math.max(0, Math.min(at - Math.floor(MAX_PATH_LAYERS / 2), picked.length - MAX_PATH_LAYERS));
    picked = picked.slice(start, start + MAX_PATH_LAYERS);
  }
  return { path: picked.map((i) => layers[i]!), index: picked.indexOf(index) };
}

function findByPath(models: readonly ModelReport[], path: string, model?: string): { model: ModelReport; index: number } | null {
  const ordered = model ? [...models.filter((m) => m.name === model), ...models.filter((m) => m.name !== model)] : models;
  for (const m of ordered) {
    const index = m.layers.findIndex((l) => l.path === path);
    if (index >= 0) return { model: m, index };
  }
  return null;
}

function findLayer(view: AnalysisView, layer: LayerReport): { model: ModelReport; index: number } | null {
  for (const m of view.report.models) {
    const index = m.layers.indexOf(layer);
    if (index >= 0) return { model: m, index };
  }
  return null;
}

export function upsamplingPath(view: AnalysisView, params: UpsamplingPathParams): UpsamplingPathResult {
  let found: { model: ModelReport; index: number } | null = null;
  if (typeof params.path === 'string') {
    found = findByPath(view.report.models, params.path, typeof params.model === 'string' ? params.model : undefined);
  } else if (params.position) {
    const layer = layerAt(view, params.position);
    found = layer ? findLayer(view, layer) : null;
  }
  if (!found) return null;
  const layer = found.model.layers[found.index]!;
  const run = upsamplingRun(found.model.layers, found.index);
  return { model: found.model.name, layer, path: run?.path ?? [layer], index: run?.index ?? 0 };
}
