// A layer as the engine reported it → the one-channel step that computes it with its exact
// arguments (kernel, stride, padding, dilation, output_padding, resize mode, align_corners, the
// scale factor torch maps coordinates with). Channels are reduced to one so the result can be
// shown; a layer's fan-in for the default initialisation stays the real one.

import type { PreviewLayer } from '../protocol/messages';
import type { Pair, ResizeMode, Step } from './steps';

export class UnsupportedLayer extends Error {}

/** Kernels, strides and factors beyond these are not worth a picture (and would be slow). */
export const MAX_KERNEL = 64;
export const MAX_FACTOR = 16;

const spatialOf = (shape: readonly number[] | undefined): Pair | null =>
  shape && shape.length === 4 ? [shape[2]!, shape[3]!] : null;

function pair(values: readonly number[] | undefined, fallback: number, what: string, layer: PreviewLayer): Pair {
  if (!values) return [fallback, fallback];
  if (values.length !== 2) throw new UnsupportedLayer(`${layer.path}: ${what} has ${values.length} axes; the preview shows 2-D layers`);
  return [values[0]!, values[1]!];
}

function groupsOf(args: string): number {
  const m = /(?:^|, )g=(\d+)/.exec(args);
  return m ? Number(m[1]) : 1;
}

export type UpKind = 'convTranspose' | 'resize' | 'pixelShuffle';

// TF.js's Conv2DTranspose, UpSampling2D and Conv2D arrive channels-first, an UpSampling2D with its
// resize (server/src/lsp/upsamplingPath.ts, tfjsPreviewForm).
export function upKind(layer: PreviewLayer): UpKind | null {
  if (/^ConvTranspose2d$|^F\.conv_transpose2d$|^Conv2DTranspose$/.test(layer.op)) return 'convTranspose';
  if (/^PixelShuffle$|^F\.pixel_shuffle$/.test(layer.op)) return 'pixelShuffle';
  if (layer.resize || layer.op === 'UpSampling2D') return 'resize';
  return null;
}

export const isConvLayer = (layer: PreviewLayer): boolean => /^Conv2d$|^F\.conv2d$|^Conv2D$/.test(layer.op);

/** Modules with a bias unless the report says `no bias` (functional calls: a bias argument is not followed). */
const hasBias = (layer: PreviewLayer): boolean => /^(?:ConvTranspose2d|Conv2d|Conv2DTranspose|Conv2D)$/.test(layer.op) && !/no bias/.test(layer.args);

/** Sizes of a layer's first input and output, checked to be 4-D. */
export function layerSizes(layer: PreviewLayer): { inSize: Pair; outSize: Pair; inChannels: number; outChannels: number } {
  const inSize = spatialOf(layer.in[0]);
  const outSize = spatialOf(layer.out[0]);
  if (!inSize || !outSize) throw new UnsupportedLayer(`${layer.path}: the preview shows 2-D layers on N×C×H×W tensors`);
  if ([...inSize, ...outSize].some((s) => s < 1)) throw new UnsupportedLayer(`${layer.path}: empty tensor`);
  return { inSize, outSize, inChannels: layer.in[0]![1]!, outChannels: layer.out[0]![1]! };
}

/**
 * The step for one layer. `outChannels` is what the reduced chain needs out of it (1, or factor²
 * in front of a pixel shuffle).
 */
export function stepForLayer(layer: PreviewLayer, outChannels = 1): Step {
  const { inSize, outSize, inChannels: realIn, outChannels: realOut } = layerSizes(layer);
  const kind = upKind(layer);
  if (kind === 'convTranspose') {
    const kernel = pair(layer.kernel, 1, 'kernel', layer);
    const stride = pair(layer.stride, 1, 'stride', layer);
    const padding = pair(layer.padding, 0, 'padding', layer);
    const dilation = pair(layer.dilation, 1, 'dilation', layer);
    if ([...kernel, ...stride, ...dilation].some((v) => v < 1 || v > MAX_KERNEL)) {
      throw new UnsupportedLayer(`${layer.path}: kernel, stride and dilation up to ${MAX_KERNEL} are previewed`);
    }
    // output_padding is not in the report's geometry; the shapes give it exactly. TF.js's 'same'
    // crops one more at the end than at the start when k − s is odd: −1.
    const outputPadding = [0, 1].map(
      (a) => outSize[a]! - ((inSize[a]! - 1) * stride[a]! - 2 * padding[a]! + dilation[a]! * (kernel[a]! - 1) + 1),
    ) as Pair;
    const lowest = layer.op === 'Conv2DTranspose' ? -1 : 0;
    if (outputPadding.some((p, a) => p < lowest || p >= Math.max(stride[a]!, dilation[a]!))) {
      throw new UnsupportedLayer(`${layer.path}: the output size does not follow from the arguments (output_size= with an unusual size?)`);
    }
    const groups = groupsOf(layer.args);
    return {
      op: 'convTranspose',
      inChannels: 1,
      outChannels,
      kernel,
      stride,
      padding,
      dilation,
      outputPadding,
      bias: hasBias(layer),
      init: { kind: 'default', fanIn: Math.max(1, Math.floor(realOut / groups)) * kernel[0] * kernel[1] },
    };
  }
  if (kind === 'pixelShuffle') {
    const factor = outSize[0] / inSize[0];
    if (!Number.isInteger(factor) || factor !== outSize[1] / inSize[1] || factor < 1 || factor > MAX_FACTOR) {
      throw new UnsupportedLayer(`${layer.path}: pixel shuffle factors up to ${MAX_FACTOR} are previewed`);
    }
    return { op: 'depthToSpace', factor };
  }
  if (kind === 'resize') {
    const r = layer.resize;
    if (!r) throw new UnsupportedLayer(`${layer.path}: ${layer.op} came without its resize arguments`);
    const modes: Record<string, ResizeMode> = {
      nearest: 'nearest',
      'nearest-exact': 'nearest-exact',
      bilinear: 'bilinear',
      bicubic: 'bicubic',
      'bilinear-asymmetric': 'bilinear-asymmetric',
    };
    const mode = modes[r.mode];
    if (!mode) throw new UnsupportedLayer(`${layer.path}: resize mode '${r.mode}' is not previewed (2-D modes: nearest, nearest-exact, bilinear, bicubic)`);
    const scales = r.scaleFactor && r.scaleFactor.length === 2 ? ([r.scaleFactor[0]!, r.scaleFactor[1]!] as Pair) : null;
    if (scales && scales.some((s) => !(s > 0) || s > MAX_FACTOR)) throw new UnsupportedLayer(`${layer.path}: scale factors up to ${MAX_FACTOR} are previewed`);
    if (!scales && outSize.some((o, a) => o / inSize[a]! > MAX_FACTOR)) throw new UnsupportedLayer(`${layer.path}: scale factors up to ${MAX_FACTOR} are previewed`);
    return { op: 'resize', mode, alignCorners: mode === 'bilinear' || mode === 'bicubic' ? r.alignCorners : false, scales, sizes: scales ? null : outSize };
  }
  if (isConvLayer(layer)) {
    const kernel = pair(layer.kernel, 1, 'kernel', layer);
    const padding = pair(layer.padding, 0, 'padding', layer);
    const dilation = pair(layer.dilation, 1, 'dilation', layer);
    if ((layer.stride ?? [1, 1]).some((s) => s !== 1)) throw new UnsupportedLayer(`${layer.path}: strided convolutions are not part of an up-sampling path`);
    if ([...kernel, ...dilation].some((v) => v < 1 || v > MAX_KERNEL)) throw new UnsupportedLayer(`${layer.path}: kernels up to ${MAX_KERNEL} are previewed`);
    // padding='same' with an even reach pads one more at the end (torch's _conv_forward).
    const pads = [0, 1].map((a) => {
      const total = outSize[a]! - inSize[a]! + dilation[a]! * (kernel[a]! - 1);
      return 2 * padding[a]! === total ? [padding[a]!, padding[a]!] : [Math.floor(total / 2), total - Math.floor(total / 2)];
    });
    const groups = groupsOf(layer.args);
    return {
      op: 'conv',
      inChannels: 1,
      outChannels,
      kernel,
      pads: [pads[0]![0]!, pads[1]![0]!, pads[0]![1]!, pads[1]![1]!],
      dilation,
      bias: hasBias(layer),
      init: { kind: 'default', fanIn: Math.max(1, Math.floor(realIn / groups)) * kernel[0] * kernel[1] },
    };
  }
  throw new UnsupportedLayer(`${layer.path}: ${layer.op} is not an up-sampling layer`);
}

/**
 * Layers in execution order → one-channel steps. A convolution that feeds a pixel shuffle makes
 * factor² channels; a shuffle at the start reads factor² input channels.
 */
export function stepsForLayers(layers: readonly PreviewLayer[]): { steps: Step[]; inChannels: number } {
  const steps: Step[] = [];
  layers.forEach((layer, i) => {
    const next = layers[i + 1];
    let outChannels = 1;
    if (next && upKind(next) === 'pixelShuffle') {
      const f = layerSizes(next).outSize[0] / layerSizes(next).inSize[0];
      outChannels = f * f;
    }
    steps.push(stepForLayer(layer, outChannels));
  });
  // Inside the chain the convolutions read what the step before made.
  const inChannels = steps[0]?.op === 'depthToSpace' ? steps[0].factor ** 2 : 1;
  let channels = inChannels;
  steps.forEach((step, i) => {
    if (step.op === 'conv' || step.op === 'convTranspose') {
      step.inChannels = channels;
      channels = step.outChannels;
    } else if (step.op === 'depthToSpace') {
      if (channels !== step.factor * step.factor) {
        throw new UnsupportedLayer(`${layers[i]!.path}: a pixel shuffle is previewed after a convolution that makes its channels`);
      }
      channels = 1;
    }
  });
  return { steps, inChannels };
}
