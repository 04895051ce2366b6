// Convolutions as TF.js builds them: conv1d/2d/3d, conv2dTranspose/conv3dTranspose,
// depthwiseConv2d and separableConv2d. Kernels are [k..., C_in, filters]; 'same' padding is
// ceil(in/stride) with the odd pixel after; transposed 'same' is in·stride, 'valid'
// in·stride + max(k − stride, 0); TF.js ignores dilationRate on transposed and depthwise layers.

import { convAxis, overlapPattern, transposedConvAxis } from '../../geometry';
import {
  DATA_FORMATS,
  axesText,
  convOutputLength,
  fail,
  inputGeometry,
  layout,
  product,
  samePadBefore,
  shapeText,
  single,
  type ConfigReader,
  type DataFormat,
  type LayerResult,
  type TfLayerSpec,
  type TfTensor,
} from './spec';

type Padding = 'same' | 'valid' | 'causal';

interface ConvConfig {
  rank: number;
  filters: number;
  kernel: number[];
  strides: number[];
  padding: Padding;
  dataFormat: DataFormat;
  dilation: number[];
  useBias: boolean;
  depthMultiplier: number;
  /** Set on layers whose dilationRate TF.js does not apply. */
  ignoredDilation: boolean;
}

type Variant = 'conv' | 'transpose' | 'depthwise' | 'separable';

function readConv(c: ConfigReader, rank: number, variant: Variant): ConvConfig {
  const paddings: Padding[] = variant === 'conv' && rank === 1 ? ['valid', 'same', 'causal'] : ['valid', 'same'];
  const dilation = c.ints('dilationRate', rank, 1);
  const cfg: ConvConfig = {
    rank,
    filters: variant === 'depthwise' ? 0 : c.int('filters'),
    kernel: c.ints('kernelSize', rank),
    strides: c.ints('strides', rank, 1),
    padding: c.str('padding', 'valid', paddings),
    dataFormat: c.str('dataFormat', 'channelsLast', DATA_FORMATS),
    dilation,
    useBias: c.bool('useBias', true),
    depthMultiplier: variant === 'depthwise' || variant === 'separable' ? c.int('depthMultiplier', 1) : 1,
    ignoredDilation: (variant === 'transpose' || variant === 'depthwise') && dilation.some((d) => d !== 1),
  };
  if (variant === 'transpose' || variant === 'depthwise') cfg.dilation = cfg.dilation.map(() => 1);
  if (cfg.strides.some((s) => s > 1) && cfg.dilation.some((d) => d > 1)) {
    fail('invalid-argument', `${c.factory}: TF.js needs strides or dilationRate to be 1 (got strides ${axesText(cfg.strides)}, dilationRate ${axesText(cfg.dilation)})`);
  }
  return cfg;
}

interface Prepared {
  x: TfTensor;
  channels: number;
  spatialIn: number[];
  spatial: number[];
  channelAxis: number;
}

function prepare(className: string, cfg: ConvConfig, inputs: TfTensor[]): Prepared {
  const rank = cfg.rank + 2;
  const x = single(className, inputs, rank);
  const { spatial, channel } = layout(rank, cfg.dataFormat);
  return { x, channels: x.shape[channel]!, spatialIn: spatial.map((a) => x.shape[a]!), spatial, channelAxis: channel };
}

function outputShape(p: Prepared, spatialOut: number[], channels: number): number[] {
  const out = [...p.x.shape];
  p.spatial.forEach((a, i) => (out[a] = spatialOut[i]!));
  out[p.channelAxis] = channels;
  return out;
}

function checkPositive(className: string, p: Prepared, spatialOut: number[]): void {
  if (spatialOut.some((s) => s <= 0)) {
    fail('shape-mismatch', `${className}: the input ${shapeText(p.x.shape, p.x.batchSymbolic)} is smaller than the kernel window (output size ${spatialOut.join('×')})`);
  }
}

function padText(cfg: ConvConfig): string {
  return cfg.padding;
}

/** Window geometry of a forward convolution or pooling window. */
function forwardWindow(cfg: ConvConfig, p: Prepared, spatialOut: number[]) {
  const geometry = inputGeometry(p.x, cfg.rank).map((g, i) => convAxis(g, cfg.kernel[i]!, cfg.strides[i]!, cfg.dilation[i]!));
  const padding = p.spatialIn.map((n, i) =>
    cfg.padding === 'same' ? samePadBefore(n, cfg.kernel[i]!, cfg.strides[i]!, cfg.dilation[i]!) : cfg.padding === 'causal' ? cfg.dilation[i]! * (cfg.kernel[i]! - 1) : 0,
  );
  void spatialOut;
  return { geometry, window: { kernel: cfg.kernel, stride: cfg.strides, padding, dilation: cfg.dilation } };
}

function conv(rank: number): TfLayerSpec<ConvConfig> {
  const className = `Conv${rank}D`;
  return {
    className,
    configure: (c) => readConv(c, rank, 'conv'),
    apply(cfg, inputs): LayerResult {
      const p = prepare(className, cfg, inputs);
      // Causal padding pads (k−1)·d on the left and then convolves 'valid': ceil(in/stride).
      const spatialOut = p.spatialIn.map((n, i) => convOutputLength(n, cfg.kernel[i]!, cfg.padding === 'valid' ? 'valid' : 'same', cfg.strides[i]!, cfg.dilation[i]!));
      checkPositive(className, p, spatialOut);
      const out = outputShape(p, spatialOut, cfg.filters);
      const { geometry, window } = forwardWindow(cfg, p, spatialOut);
      return {
        outputs: [{ shape: out, geometry, batchSymbolic: p.x.batchSymbolic }],
        params: product(cfg.kernel) * p.channels * cfg.filters + (cfg.useBias ? cfg.filters : 0),
        macs: product(out) * p.channels * product(cfg.kernel),
        geometry,
        window,
        args: convArgs(p.channels, cfg.filters, cfg),
      };
    },
  };
}

function convArgs(cin: number, cout: number, cfg: ConvConfig, extra = ''): string {
  const parts = [`${cin}→${cout}`, `k=${axesText(cfg.kernel)}`];
  if (cfg.strides.some((s) => s !== 1)) parts.push(`s=${axesText(cfg.strides)}`);
  if (cfg.dilation.some((d) => d !== 1)) parts.push(`d=${axesText(cfg.dilation)}`);
  parts.push(padText(cfg));
  if (extra) parts.push(extra);
  if (!cfg.useBias) parts.push('no bias');
  return parts.join(', ');
}

function convTranspose(rank: number): TfLayerSpec<ConvConfig> {
  const className = `Conv${rank}DTranspose`;
  return {
    className,
    configure: (c) => readConv(c, rank, 'transpose'),
    apply(cfg, inputs): LayerResult {
      const p = prepare(className, cfg, inputs);
      const spatialOut = p.spatialIn.map((n, i) => {
        const k = cfg.kernel[i]!;
        const s = cfg.strides[i]!;
        return cfg.padding === 'same' ? n * s : n * s + Math.max(k - s, 0);
      });
      const out = outputShape(p, spatialOut, cfg.filters);
      const geometry = inputGeometry(p.x, rank).map((g, i) => transposedConvAxis(g, cfg.kernel[i]!, cfg.strides[i]!, 1));
      // The op is the gradient of a 'same'/'valid' convolution from the output size: for 'same'
      // it crops floor(max(k − s, 0)/2) at the start, which only shifts the phase of the pattern.
      const padding = spatialOut.map((n, i) => (cfg.padding === 'same' ? samePadBefore(n, cfg.kernel[i]!, cfg.strides[i]!) : 0));
      const overlap = cfg.kernel.map((k, i) => overlapPattern(k, cfg.strides[i]!, 1, padding[i]!));
      return {
        outputs: [{ shape: out, geometry, batchSymbolic: p.x.batchSymbolic }],
        params: product(cfg.kernel) * p.channels * cfg.filters + (cfg.useBias ? cfg.filters : 0),
        macs: product(p.x.shape) * cfg.filters * product(cfg.kernel),
        geometry,
        window: { kernel: cfg.kernel, stride: cfg.strides, padding, dilation: cfg.kernel.map(() => 1), overlap },
        args: convArgs(p.channels, cfg.filters, cfg),
        notes: cfg.ignoredDilation ? [`${className}: TF.js ignores dilationRate on transposed convolutions`] : undefined,
      };
    },
  };
}

const depthwiseConv2d: TfLayerSpec<ConvConfig> = {
  className: 'DepthwiseConv2D',
  configure: (c) => readConv(c, 2, 'depthwise'),
  apply(cfg, inputs): LayerResult {
    const p = prepare('DepthwiseConv2D', cfg, inputs);
    // TF.js's DepthwiseConv2D computes its output without dilation and calls the op without it.
    const spatialOut = p.spatialIn.map((n, i) => convOutputLength(n, cfg.kernel[i]!, cfg.padding === 'same' ? 'same' : 'valid', cfg.strides[i]!));
    checkPositive('DepthwiseConv2D', p, spatialOut);
    const channels = p.channels * cfg.depthMultiplier;
    const out = outputShape(p, spatialOut, channels);
    const { geometry, window } = forwardWindow(cfg, p, spatialOut);
    return {
      outputs: [{ shape: out, geometry, batchSymbolic: p.x.batchSymbolic }],
      params: product(cfg.kernel) * channels + (cfg.useBias ? channels : 0),
      macs: product(out) * product(cfg.kernel),
      geometry,
      window,
      args: convArgs(p.channels, channels, cfg, cfg.depthMultiplier !== 1 ? `×${cfg.depthMultiplier}` : 'depthwise'),
      notes: cfg.ignoredDilation ? ['DepthwiseConv2D: TF.js ignores dilationRate on depthwise convolutions'] : undefined,
    };
  },
};

const separableConv2d: TfLayerSpec<ConvConfig> = {
  className: 'SeparableConv2D',
  configure: (c) => readConv(c, 2, 'separable'),
  apply(cfg, inputs): LayerResult {
    const p = prepare('SeparableConv2D', cfg, inputs);
    const spatialOut = p.spatialIn.map((n, i) => convOutputLength(n, cfg.kernel[i]!, cfg.padding === 'same' ? 'same' : 'valid', cfg.strides[i]!, cfg.dilation[i]!));
    checkPositive('SeparableConv2D', p, spatialOut);
    const mid = p.channels * cfg.depthMultiplier;
    const out = outputShape(p, spatialOut, cfg.filters);
    const positions = product(out) / cfg.filters;
    const { geometry, window } = forwardWindow(cfg, p, spatialOut);
    return {
      outputs: [{ shape: out, geometry, batchSymbolic: p.x.batchSymbolic }],
      params: product(cfg.kernel) * mid + mid * cfg.filters + (cfg.useBias ? cfg.filters : 0),
      // The depthwise step, then the 1×1 pointwise step, at every output position.
      macs: positions * (mid * product(cfg.kernel) + mid * cfg.filters),
      geometry,
      window,
      args: convArgs(p.channels, cfg.filters, cfg, cfg.depthMultiplier !== 1 ? `×${cfg.depthMultiplier}` : 'separable'),
    };
  },
};

export const CONV_LAYERS: Record<string, TfLayerSpec> = {
  conv1d: conv(1),
  conv2d: conv(2),
  conv3d: conv(3),
  conv2dTranspose: convTranspose(2),
  conv3dTranspose: convTranspose(3),
  depthwiseConv2d,
  separableConv2d,
};
