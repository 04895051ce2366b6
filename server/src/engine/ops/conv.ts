// Conv1d / Conv2d / Conv3d and their functional forms (torch 1.13 semantics: _ConvNd.__init__
// validation, ATen's convolution shape checks, 'same'/'valid' padding, padding modes).

import { convAxis, spatialGeometry } from '../geometry';
import {
  ArgReader,
  compactTuple,
  describeValue,
  expectRank,
  formatShape,
  invalid,
  makeTensor,
  numel,
  product,
} from './layerArgs';
import { OpError, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

export type SpatialDims = 1 | 2 | 3;

export const PADDING_MODES = ['zeros', 'reflect', 'replicate', 'circular'] as const;
export type PaddingMode = (typeof PADDING_MODES)[number];

export interface ConvConfig {
  nd: SpatialDims;
  inChannels: number;
  outChannels: number;
  kernel: number[];
  stride: number[];
  /** Explicit per-axis padding, or a padding string. */
  padding: number[] | 'same' | 'valid';
  dilation: number[];
  groups: number;
  /** Why torch's forward refuses a module it built (groups=True reaches F.conv*'s parser), if it does. */
  forwardRefusal?: string;
  bias: boolean;
  paddingMode: PaddingMode;
}

/** floor((L + 2p − d·(k−1) − 1)/s) + 1, ATen's conv_output_size (pads given as a total). */
export function convOutputLength(inSize: number, kernel: number, stride: number, totalPad: number, dilation: number): number {
  return Math.floor((inSize + totalPad - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** Left and total padding per axis; 'same' puts the odd pixel on the right, as torch does. */
export function resolvePadding(
  padding: ConvConfig['padding'],
  kernel: readonly number[],
  dilation: readonly number[],
): { left: number[]; total: number[] } {
  if (padding === 'valid') return { left: kernel.map(() => 0), total: kernel.map(() => 0) };
  if (padding === 'same') {
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    return { left: total.map((t) => Math.floor(t / 2)), total };
  }
  return { left: [...padding], total: padding.map((p) => 2 * p) };
}

function readPadding(r: ArgReader, nd: number): ConvConfig['padding'] {
  const raw = r.raw('padding');
  if (typeof raw === 'string') {
    if (raw !== 'same' && raw !== 'valid') {
      throw invalid(`${r.opName}: invalid padding string '${raw}', should be one of 'same', 'valid'`);
    }
    return raw;
  }
  return r.ints('padding', nd, 0);
}

function checkConvHyper(opName: string, stride: number[], padding: ConvConfig['padding'], dilation: number[]): void {
  if (stride.some((s) => s <= 0)) throw invalid(`${opName}: stride must be positive, got ${formatShape(stride)}`);
  if (dilation.some((d) => d <= 0)) throw invalid(`${opName}: dilation must be positive, got ${formatShape(dilation)}`);
  if (Array.isArray(padding) && padding.some((p) => p < 0)) {
    throw invalid(`${opName}: negative padding is not supported, got ${formatShape(padding)}`);
  }
  if (padding === 'same' && stride.some((s) => s !== 1)) {
    throw invalid(`${opName}: padding='same' is not supported for strided convolutions (stride ${formatShape(stride)})`);
  }
}

export function buildConv(nd: SpatialDims, args: OpArgs): ConvConfig {
  const r = new ArgReader(`Conv${nd}d`, args);
  const inChannels = r.int('in_channels');
  const outChannels = r.int('out_channels');
  const kernel = r.ints('kernel_size', nd, undefined, false, true);
  const stride = r.ints('stride', nd, 1);
  const padding = readPadding(r, nd);
  const dilation = r.ints('dilation', nd, 1);
  const groups = r.int('groups', 1);
  const bias = r.bool('bias', true);
  const paddingModeArg = r.raw('padding_mode') ?? 'zeros';
  const paddingMode = typeof paddingModeArg === 'string' ? paddingModeArg : describeValue(paddingModeArg);
  if (inChannels < 0 || outChannels < 0) {
    throw invalid(`${r.opName}: channel counts must not be negative (in_channels=${inChannels}, out_channels=${outChannels})`);
  }
  if (kernel.some((k) => k <= 0)) throw invalid(`${r.opName}: kernel_size must be positive, got ${formatShape(kernel)}`);
  if (groups <= 0) throw invalid(`${r.opName}: groups must be a positive integer, got ${groups}`);
  if (inChannels % groups !== 0) {
    throw invalid(`${r.opName}: in_channels must be divisible by groups (in_channels=${inChannels}, groups=${groups})`);
  }
  if (outChannels % groups !== 0) {
    throw invalid(`${r.opName}: out_channels must be divisible by groups (out_channels=${outChannels}, groups=${groups})`);
  }
  if (!(PADDING_MODES as readonly string[]).includes(paddingMode)) {
    throw invalid(`${r.opName}: padding_mode must be one of 'zeros', 'reflect', 'replicate', 'circular', got '${paddingMode}'`);
  }
  checkConvHyper(r.opName, stride, padding, dilation);
  const config: ConvConfig = { nd, inChannels, outChannels, kernel, stride, padding, dilation, groups, bias, paddingMode: paddingMode as PaddingMode };
  if (typeof r.raw('groups') === 'boolean') config.forwardRefusal = `argument 'groups' must be int, not bool (forward passes groups to F.conv${nd}d)`;
  return config;
}

export function convParams(c: ConvConfig): number {
  return c.outChannels * (c.inChannels / c.groups) * product(c.kernel) + (c.bias ? c.outChannels : 0);
}

/**
 * The forward shape function shared by the modules and F.convNd: output shape, MACs
 * (out_elements · C_in/groups · prod(k)) and geometry.
 */
export function convForward(opName: string, c: ConvConfig, input: Tensor): OpResult {
  if (c.forwardRefusal) throw invalid(`${opName}: ${c.forwardRefusal}`);
  expectRank(opName, input, c.nd);
  const batched = input.shape.length === c.nd + 2;
  const channelDim = batched ? 1 : 0;
  const channels = input.shape[channelDim]!;
  if (channels !== c.inChannels) {
    throw new OpError(
      'channel-mismatch',
      `${opName} expects ${c.inChannels} input channels but got ${channels} (input shape ${formatShape(input.shape)})`,
    );
  }
  // torch refuses a weight with no output channels at the call; with no input channels it returns
  // an empty tensor whose channel count is not out_channels: refused here rather than guessed.
  if (c.outChannels === 0 || c.inChannels === 0) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: a convolution with ${c.outChannels === 0 ? 'out_channels=0' : 'in_channels=0'} cannot run (torch needs at least one channel in the weight), input shape ${formatShape(input.shape)}`,
    );
  }
  const spatial = input.shape.slice(channelDim + 1);
  const { left, total } = resolvePadding(c.padding, c.kernel, c.dilation);
  if (c.paddingMode !== 'zeros') {
    spatial.forEach((size, i) => {
      const p = left[i]!;
      const right = total[i]! - p;
      if (c.paddingMode === 'reflect' && (p >= size || right >= size)) {
        throw new OpError(
          'shape-mismatch',
          `${opName}: reflect padding ${p} must be smaller than the input size ${size} on every spatial axis (input shape ${formatShape(input.shape)})`,
        );
      }
      if (c.paddingMode === 'circular' && (p > size || right > size)) {
        throw new OpError(
          'shape-mismatch',
          `${opName}: circular padding ${p} can wrap at most once around the input size ${size} (input shape ${formatShape(input.shape)})`,
        );
      }
    });
  }
  const padded = spatial.map((s, i) => s + total[i]!);
  const spans = c.kernel.map((k, i) => c.dilation[i]! * (k - 1) + 1);
  if (padded.some((p, i) => p < spans[i]!)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: the padded input (${padded.join(' × ')}) is smaller than the ${c.dilation.some((d) => d > 1) ? 'dilated ' : ''}kernel ` +
        `(${spans.join(' × ')}) (input shape ${formatShape(input.shape)})`,
    );
  }
  const outSpatial = spatial.map((s, i) => convOutputLength(s, c.kernel[i]!, c.stride[i]!, total[i]!, c.dilation[i]!));
  const outShape = [...input.shape.slice(0, channelDim), c.outChannels, ...outSpatial];
  const inGeometry = spatialGeometry(input, c.nd);
  const geometry = inGeometry.map((g, i) => convAxis(g, c.kernel[i]!, c.stride[i]!, c.dilation[i]!, left[i]!));
  const out = makeTensor(outShape, geometry);
  return {
    value: out,
    macs: numel(out) * (c.inChannels / c.groups) * product(c.kernel),
    geometry: { kernel: [...c.kernel], stride: [...c.stride], padding: left, dilation: [...c.dilation] },
  };
}

export function describeConv(c: ConvConfig): string {
  const parts = [`${c.inChannels}→${c.outChannels}`, `k=${compactTuple(c.kernel)}`];
  if (c.stride.some((s) => s !== 1)) parts.push(`s=${compactTuple(c.stride)}`);
  if (typeof c.padding === 'string') {
    if (c.padding === 'same') parts.push('p=same');
  } else if (c.padding.some((p) => p !== 0)) parts.push(`p=${compactTuple(c.padding)}`);
  if (c.dilation.some((d) => d !== 1)) parts.push(`d=${compactTuple(c.dilation)}`);
  if (c.groups !== 1) parts.push(`g=${c.groups}`);
  if (!c.bias) parts.push('no bias');
  if (c.paddingMode !== 'zeros') parts.push(c.paddingMode);
  return parts.join(', ');
}

const CONV_SIGNATURE =
  "in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True, padding_mode='zeros', device=None, dtype=None";

function convModule(nd: SpatialDims): ModuleSpec<ConvConfig> {
  const name = `Conv${nd}d`;
  return {
    name,
    signature: CONV_SIGNATURE,
    build: (args) => buildConv(nd, args),
    params: convParams,
    forwardSignature: 'input',
    forward: (c, args) => convForward(name, c, new ArgReader(name, args).tensor('input')),
    describe: describeConv,
  };
}

export const convModules: readonly ModuleSpec<ConvConfig>[] = [convModule(1), convModule(2), convModule(3)];

/**
 * F.conv1d/2d/3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1): the
 * layer is described by the weight's shape [C_out, C_in/groups, *kernel].
 */
export function functionalConv(nd: SpatialDims, args: OpArgs, opName = `F.conv${nd}d`): OpResult {
  const r = new ArgReader(opName, args);
  const input = r.tensor('input');
  const weight = r.tensor('weight');
  const bias = r.optionalTensor('bias');
  const groups = r.parserInt('groups', 1);
  if (weight.shape.length !== nd + 2) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects a ${nd + 2}D weight [out_channels, in_channels/groups, ${nd === 1 ? 'kW' : nd === 2 ? 'kH, kW' : 'kD, kH, kW'}], got shape ${formatShape(weight.shape)}`,
    );
  }
  if (groups <= 0) throw invalid(`${opName}: groups must be a positive integer, got ${groups}`);
  const [outChannels, inPerGroup, ...kernel] = weight.shape as number[];
  if (outChannels! % groups !== 0) {
    throw new OpError(
      'channel-mismatch',
      `${opName}: with groups=${groups} the weight's first dim must be divisible by ${groups}, but the weight has shape ${formatShape(weight.shape)}`,
    );
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== outChannels)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: expected a bias of ${outChannels} elements for weight ${formatShape(weight.shape)}, but got bias of shape ${formatShape(bias.shape)}`,
    );
  }
  const stride = r.ints('stride', nd, 1);
  const padding = readPadding(r, nd);
  const dilation = r.ints('dilation', nd, 1);
  checkConvHyper(opName, stride, padding, dilation);
  const config: ConvConfig = {
    nd,
    inChannels: inPerGroup! * groups,
    outChannels: outChannels!,
    kernel,
    stride,
    padding,
    dilation,
    groups,
    bias: bias !== null,
    paddingMode: 'zeros',
  };
  return convForward(opName, config, input);
}

