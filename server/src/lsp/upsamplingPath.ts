// `convlens/upsamplingPath`: the layer the preview shows and the model's up-sampling path through
// it — the consecutive up-sampling layers around it (transposed convolutions, resizes, pixel
// shuffles) with the same-size convolutions between them, so the preview can run the whole path
// reduced to one channel. Layers that keep the shape and mix no positions (normalisation,
// activations, Identity) are left out: they do not move pixels.
//
// TensorFlow.js layers (Conv2DTranspose, UpSampling2D, Conv2D) are handed over in the form the
// preview reads: shapes channels-first whatever the layer's dataFormat, and an UpSampling2D with a
// `resize` entry — 'nearest', or 'bilinear-asymmetric' (TF.js resizes without half-pixel centres).
// The report does not carry dataFormat; the shapes decide it (see tfjsPreviewForm).

import type { LayerReport, ModelReport } from '../engine/report';
import type { AnalysisView } from './analysisView';
import { layerAt } from './layerAt';
import type { UpsamplingPathParams, UpsamplingPathResult } from './protocol';

/** Longest path handed to the preview (a decoder has a handful of up-sampling layers). */
export const MAX_PATH_LAYERS = 32;

type Role = 'up' | 'conv' | 'neutral' | 'other';

const spatial = (shape: readonly number[] | undefined): number[] => (shape && shape.length === 4 ? shape.slice(2) : []);
const sameList = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

const TFJS_OPS = /^(?:Conv[123]DTranspose|UpSampling[123]D|Conv[123]D)$/;

/** Batch, channels, rows, columns of a 4-D shape in `format`. */
function channelsFirst(shape: readonly number[], format: 'channelsLast' | 'channelsFirst'): number[] {
  return format === 'channelsFirst' ? [...shape] : [shape[0]!, shape[3]!, shape[1]!, shape[2]!];
}

/**
 * The data formats under which a TF.js layer's reported shapes follow from its arguments, with
 * `spatialOut` giving the output size of each spatial axis and `channels` the output channels
 * (null: as the input's). TF.js's default, channelsLast, comes first: when both fit, it is taken.
 */
function formatsThatFit(layer: LayerReport, spatialOut: (n: number, axis: number) => number, channels: number | null, inChannels: number | null) {
  const x = layer.in[0];
  const y = layer.out[0];
  if (!x || !y || x.length !== 4 || y.length !== 4 || layer.in.length !== 1) return [];
  return (['channelsLast', 'channelsFirst'] as const).filter((format) => {
    const i = channelsFirst(x, format);
    const o = channelsFirst(y, format);
    if (inChannels !== null && i[1] !== inChannels) return false;
    return o[0] === i[0] && o[1] === (channels ?? i[1]) && o[2] === spatialOut(i[2]!, 0) && o[3] === spatialOut(i[3]!, 1);
  });
}

const pairOf = (v: readonly number[] | undefined): [number, number] | null => (v && v.length === 2 ? [v[0]!, v[1]!] : null);

/**
 * A TF.js layer in the form the preview reads (see the file comment), or null when the preview
 * cannot rebuild it: not 2-D, a dilated transposed convolution, shapes that do not follow from
 * the arguments. Layers of other front ends come back unchanged.
 */
export function tfjsPreviewForm(layer: LayerReport): LayerReport | null {
  if (!TFJS_OPS.test(layer.op)) return layer;
  if (layer.unknown) return null;
  const channels = /^(\d+)→(\d+)/.exec(layer.args);
  const padMode = /(?:^|, )(same|valid)(?:,|$)/.exec(layer.args)?.[1];
  const convert = (format: 'channelsLast' | 'channelsFirst', extra: Partial<LayerReport>): LayerReport => ({
    ...layer,
    in: [channelsFirst(layer.in[0]!, format)],
    out: [channelsFirst(layer.out[0]!, format)],
    ...extra,
  });
  if (layer.op === 'Conv2DTranspose' || layer.op === 'Conv2D') {
    const kernel = pairOf(layer.kernel);
    const stride = pairOf(layer.stride);
    const dilation = pairOf(layer.dilation) ?? [1, 1];
    if (!kernel || !stride || !channels || !padMode) return null;
    const transposed = layer.op === 'Conv2DTranspose';
    // TF.js's deconvLength (transposed) and convOutputLength.
    const outLength = (n: number, a: number) => {
      const k = kernel[a]!;
      const s = stride[a]!;
      const reach = dilation[a]! * (k - 1) + 1;
      if (transposed) return padMode === 'same' ? n * s : n * s + Math.max(k - s, 0);
      return padMode === 'same' ? Math.ceil(n / s) : Math.ceil((n - reach + 1) / s);
    };
    if (transposed && dilation.some((d) => d !== 1)) return null;
    const [format] = formatsThatFit(layer, outLength, Number(channels[2]), Number(channels[1]));
    if (!format) return null;
    const form = convert(format, {});
    // 'same' crops (or pads) floor(total/2) at the start, total = max((ceil(n/s)−1)·s + (k−1)·d + 1 − n, 0)
    // with n the input of the forward convolution (the output of a transposed one); the end takes
    // the rest — one more than the start when total is odd.
    const padding = [0, 1].map((a) => {
      if (padMode === 'valid') return 0;
      const n = transposed ? form.out[0]![a + 2]! : form.in[0]![a + 2]!;
      const total = Math.max((Math.ceil(n / stride[a]!) - 1) * stride[a]! + dilation[a]! * (kernel[a]! - 1) + 1 - n, 0);
      return Math.floor(total / 2);
    });
    if (!layer.padding || !sameList(layer.padding, padding)) return null;
    return form;
  }
  if (layer.op === 'UpSampling2D') {
    const m = /^×(\d+)(?:×(\d+))?, (nearest|bilinear)$/.exec(layer.args);
    if (!m) return null;
    const size: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
    const [format] = formatsThatFit(layer, (n, a) => n * size[a]!, null, null);
    if (!format) return null;
    const mode = m[3] === 'nearest' ? 'nearest' : 'bilinear-asymmetric';
    return convert(format, { resize: { mode, alignCorners: false, scaleFactor: size } });
  }
  return null;
}

/**
 * Whether hovers and lenses offer the preview of `layer`: PyTorch's up-sampling layers as before
 * (the preview explains what it cannot show), TF.js layers only when the preview can rebuild them.
 */
export function offersPreview(layer: LayerReport): boolean {
  if (TFJS_OPS.test(layer.op)) {
    const form = tfjsPreviewForm(layer);
    return !!form && isUpsamplingLayer(form);
  }
  return !!layer.overlap || /interpolate|Upsample|PixelShuffle/.test(layer.op);
}

/** Up-sampling operators the preview can rebuild; the rest of the path is same-size convolutions. */
export function isUpsamplingLayer(layer: LayerReport): boolean {
  const inS = spatial(layer.in[0]);
  const outS = spatial(layer.out[0]);
  if (inS.length !== 2 || outS.length !== 2) return false;
  if (/^ConvTranspose2d$|^F\.conv_transpose2d$|^Conv2DTranspose$/.test(layer.op)) return true;
  if (/^PixelShuffle$|^F\.pixel_shuffle$/.test(layer.op)) return true;
  if (layer.resize) return outS.some((o, i) => o > inS[i]!) && outS.every((o, i) => o >= inS[i]!);
  return false;
}

function roleOf(layer: LayerReport): Role {
  if (layer.unknown || !layer.in[0] || !layer.out[0]) return 'other';
  if (isUpsamplingLayer(layer)) return 'up';
  const inS = spatial(layer.in[0]);
  const outS = spatial(layer.out[0]);
  if (/^Conv2d$|^F\.conv2d$|^Conv2D$/.test(layer.op) && inS.length === 2 && sameList(inS, outS) && (layer.stride ?? [1, 1]).every((s) => s === 1)) {
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
export function upsamplingRun(reported: readonly LayerReport[], index: number): { path: LayerReport[]; index: number } | null {
  // TF.js layers the preview cannot rebuild end the run like any other layer.
  const layers = reported.map((l) => tfjsPreviewForm(l) ?? { ...l, unknown: l.unknown ?? 'not previewed' });
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
  const reported = found.model.layers[found.index]!;
  const layer = tfjsPreviewForm(reported) ?? reported;
  const run = upsamplingRun(found.model.layers, found.index);
  return { model: found.model.name, layer, path: run?.path ?? [layer], index: run?.index ?? 0 };
}
