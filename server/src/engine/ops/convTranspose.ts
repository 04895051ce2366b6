// ConvTranspose1d / 2d / 3d and F.conv_transposeNd (torch 1.13): output size
// (L−1)·s − 2p + d·(k−1) + output_padding + 1, `output_size=` at the forward call resolved as
// torch's _ConvTransposeNd._output_padding does, and the tap-overlap pattern per axis.

import { overlapPattern, spatialGeometry, transposedConvAxis } from '../geometry';
import type { SpatialDims } from './conv';
import { ArgReader, compactTuple, expectRank, formatShape, invalid, makeTensor, numel, product } from './layerArgs';
import { OpError, type ModuleSpec, type OpArgs, type OpResult, type OpValue, type Tensor } from './types';

export interface ConvTransposeConfig {
  nd: SpatialDims;
  inChannels: number;
  outChannels: number;
  kernel: number[];
  stride: number[];
  padding: number[];
  outputPadding: number[];
  groups: number;
  /** Why torch's forward refuses a module it built (groups=True reaches F.conv*'s parser), if it does. */
  forwardRefusal?: string;
  bias: boolean;
  dilation: number[];
}

/** (L−1)·s − 2p + d·(k−1) + 1: the smallest output a transposed convolution gives, before output_padding. */
export function convTransposeMinLength(inSize: number, kernel: number, stride: number, padding: number, dilation: number): number {
  return (inSize - 1) * stride - 2 * padding + dilation * (kernel - 1) + 1;
}

function checkHyper(opName: string, c: Omit<ConvTransposeConfig, 'nd' | 'inChannels' | 'outChannels' | 'bias'>): void {
  if (c.kernel.some((k) => k <= 0)) throw invalid(`${opName}: kernel_size must be positive, got ${formatShape(c.kernel)}`);
  if (c.stride.some((s) => s <= 0)) throw invalid(`${opName}: stride must be positive, got ${formatShape(c.stride)}`);
  if (c.dilation.some((d) => d <= 0)) throw invalid(`${opName}: dilation must be positive, got ${formatShape(c.dilation)}`);
  if (c.padding.some((p) => p < 0)) throw invalid(`${opName}: negative padding is not supported, got ${formatShape(c.padding)}`);
  if (c.outputPadding.some((p) => p < 0)) {
    throw invalid(`${opName}: negative output_padding is not supported, got ${formatShape(c.outputPadding)}`);
  }
  if (c.groups <= 0) throw invalid(`${opName}: groups must be a positive integer, got ${c.groups}`);
}

/** What running a transposed convolution reads of its configuration (the bias only counts parameters). */
type ConvTransposeRun = Omit<ConvTransposeConfig, 'bias'>;

/** ATen: each output_padding must be smaller than the stride or the dilation of its axis. */
function checkOutputPadding(opName: string, c: ConvTransposeRun, outputPadding: readonly number[]): void {
  outputPadding.forEach((op, i) => {
    if (op >= c.stride[i]! && op >= c.dilation[i]!) {
      throw invalid(
        `${opName}: output_padding must be smaller than either stride or dilation, but got output_padding ${formatShape(outputPadding)} ` +
          `with stride ${formatShape(c.stride)} and dilation ${formatShape(c.dilation)}`,
      );
    }
  });
}

export function buildConvTranspose(nd: SpatialDims, args: OpArgs): ConvTransposeConfig {
  const r = new ArgReader(`ConvTranspose${nd}d`, args);
  const inChannels = r.int('in_channels');
  const outChannels = r.int('out_channels');
  const kernel = r.ints('kernel_size', nd, undefined, false, true);
  const stride = r.ints('stride', nd, 1);
  if (typeof r.raw('padding') === 'string') {
    throw invalid(`${r.opName}: padding must be an integer or a tuple of ${nd} integers ('same'/'valid' are for Conv${nd}d only)`);
  }
  const padding = r.ints('padding', nd, 0);
  const outputPadding = r.ints('output_padding', nd, 0);
  const groups = r.int('groups', 1);
  const bias = r.bool('bias', true);
  const dilation = r.ints('dilation', nd, 1);
  const paddingMode = r.string('padding_mode', 'zeros');
  if (paddingMode !== 'zeros') {
    throw invalid(`${r.opName}: only "zeros" padding mode is supported for ${r.opName}, got '${paddingMode}'`);
  }
  if (inChannels < 0 || outChannels < 0) {
    throw invalid(`${r.opName}: channel counts must not be negative (in_channels=${inChannels}, out_channels=${outChannels})`);
  }
  checkHyper(r.opName, { kernel, stride, padding, outputPadding, groups, dilation });
  if (inChannels % groups !== 0) {
    throw invalid(`${r.opName}: in_channels must be divisible by groups (in_channels=${inChannels}, groups=${groups})`);
  }
  if (outChannels % groups !== 0) {
    throw invalid(`${r.opName}: out_channels must be divisible by groups (out_channels=${outChannels}, groups=${groups})`);
  }
  const config: ConvTransposeConfig = { nd, inChannels, outChannels, kernel, stride, padding, outputPadding, groups, bias, dilation };
  if (typeof r.raw('groups') === 'boolean') config.forwardRefusal = `argument 'groups' must be int, not bool (forward passes groups to F.conv_transpose${nd}d)`;
  return config;
}

export function convTransposeParams(c: ConvTransposeConfig): number {
  return c.inChannels * (c.outChannels / c.groups) * product(c.kernel) + (c.bias ? c.outChannels : 0);
}

function readOutputSize(opName: string, v: OpValue | undefined): number[] | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return v as number[];
  throw invalid(`${opName}: output_size must be a list of integers, got ${JSON.stringify(v)}`);
}

/**
 * torch's _output_padding: with `output_size` (spatial sizes, optionally preceded by batch and
 * channel sizes) the extra padding is output_size − min_size, valid when it is below the stride.
 */
export function outputPaddingFor(
  opName: string,
  c: ConvTransposeRun,
  input: Tensor,
  outputSize: readonly number[] | null,
): number[] {
  if (outputSize === null) return [...c.outputPadding];
  const batched = input.shape.length === c.nd + 2;
  const nonSpatial = batched ? 2 : 1;
  let sizes = [...outputSize];
  if (sizes.length === nonSpatial + c.nd) sizes = sizes.slice(nonSpatial);
  if (sizes.length !== c.nd) {
    throw invalid(
      `${opName}: for ${input.shape.length}D input, output_size must have ${c.nd} or ${nonSpatial + c.nd} elements (got ${outputSize.length})`,
    );
  }
  const spatial = input.shape.slice(nonSpatial);
  const minSizes = spatial.map((s, i) => convTransposeMinLength(s, c.kernel[i]!, c.stride[i]!, c.padding[i]!, c.dilation[i]!));
  const maxSizes = minSizes.map((m, i) => m + c.stride[i]! - 1);
  sizes.forEach((size, i) => {
    if (size < minSizes[i]! || size > maxSizes[i]!) {
      throw new OpError(
        'shape-mismatch',
        `${opName}: requested an output size of ${formatShape(sizes)}, but valid sizes range from ${formatShape(minSizes)} to ` +
          `${formatShape(maxSizes)} (for an input of ${formatShape(spatial)})`,
      );
    }
  });
  return sizes.map((s, i) => s - minSizes[i]!);
}

/** Shared by the modules and F.conv_transposeNd. MACs: in_elements · (C_out/groups) · prod(k). */
export function convTransposeForward(
  opName: string,
  c: ConvTransposeRun,
  input: Tensor,
  outputSize: readonly number[] | null = null,
): OpResult {
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
  // torch refuses a weight with no input or no output channels ("non-empty weight expected").
  if (c.inChannels === 0 || c.outChannels === 0) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: a transposed convolution with ${c.inChannels === 0 ? 'in_channels=0' : 'out_channels=0'} cannot run (torch needs a non-empty weight), input shape ${formatShape(input.shape)}`,
    );
  }
  const outputPadding = outputPaddingFor(opName, c, input, outputSize);
  checkOutputPadding(opName, c, outputPadding);
  const spatial = input.shape.slice(channelDim + 1);
  const outSpatial = spatial.map(
    (s, i) => convTransposeMinLength(s, c.kernel[i]!, c.stride[i]!, c.padding[i]!, c.dilation[i]!) + outputPadding[i]!,
  );
  if (outSpatial.some((s) => s <= 0)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: the calculated output size (${outSpatial.join(' × ')}) is too small for input size (${spatial.join(' × ')}) ` +
        `with padding ${formatShape(c.padding)} (input shape ${formatShape(input.shape)})`,
    );
  }
  const outShape = [...input.shape.slice(0, channelDim), c.outChannels, ...outSpatial];
  const geometry = spatialGeometry(input, c.nd).map((g, i) => transposedConvAxis(g, c.kernel[i]!, c.stride[i]!, c.dilation[i]!, c.padding[i]!));
  return {
    value: makeTensor(outShape, geometry),
    macs: numel(input) * (c.outChannels / c.groups) * product(c.kernel),
    geometry: {
      kernel: [...c.kernel],
      stride: [...c.stride],
      padding: [...c.padding],
      dilation: [...c.dilation],
      overlap: c.kernel.map((k, i) => overlapPattern(k, c.stride[i]!, c.dilation[i]!, c.padding[i]!)),
    },
  };
}

export function describeConvTranspose(c: ConvTransposeConfig): string {
  const parts = [`${c.inChannels}→${c.outChannels}`, `k=${compactTuple(c.kernel)}`];
  if (c.stride.some((s) => s !== 1)) parts.push(`s=${compactTuple(c.stride)}`);
  if (c.padding.some((p) => p !== 0)) parts.push(`p=${compactTuple(c.padding)}`);
  if (c.outputPadding.some((p) => p !== 0)) parts.push(`op=${compactTuple(c.outputPadding)}`);
  if (c.dilation.some((d) => d !== 1)) parts.push(`d=${compactTuple(c.dilation)}`);
  if (c.groups !== 1) parts.push(`g=${c.groups}`);
  if (!c.bias) parts.push('no bias');
  return parts.join(', ');
}

const SIGNATURE =
  "in_channels, out_channels, kernel_size, stride=1, padding=0, output_padding=0, groups=1, bias=True, dilation=1, padding_mode='zeros', device=None, dtype=None";

function convTransposeModule(nd: SpatialDims): ModuleSpec<ConvTransposeConfig> {
  const name = `ConvTranspose${nd}d`;
  return {
    name,
    signature: SIGNATURE,
    build: (args) => buildConvTranspose(nd, args),
    params: convTransposeParams,
    forwardSignature: 'input, output_size=None',
    forward: (c, args) => {
      const r = new ArgReader(name, args);
      return convTransposeForward(name, c, r.tensor('input'), readOutputSize(name, r.raw('output_size')));
    },
    describe: describeConvTranspose,
  };
}

export const convTransposeModules: readonly ModuleSpec<ConvTransposeConfig>[] = [
  convTransposeModule(1),
  convTransposeModule(2),
  convTransposeModule(3),
];

/**
 * F.conv_transpose1d/2d/3d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
 * groups=1, dilation=1): weight [C_in, C_out/groups, *kernel].
 */
export function functionalConvTranspose(nd: SpatialDims, args: OpArgs, opName = `F.conv_transpose${nd}d`): OpResult {
  const r = new ArgReader(opName, args);
  const input = r.tensor('input');
  const weight = r.tensor('weight');
  const bias = r.optionalTensor('bias');
  if (weight.shape.length !== nd + 2) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects a ${nd + 2}D weight [in_channels, out_channels/groups, *kernel], got shape ${formatShape(weight.shape)}`,
    );
  }
  const [inChannels, outPerGroup, ...kernel] = weight.shape as number[];
  const groups = r.parserInt('groups', 1);
  const config: ConvTransposeRun = {
    nd,
    inChannels: inChannels!,
    outChannels: outPerGroup! * Math.max(groups, 1),
    kernel,
    stride: r.ints('stride', nd, 1),
    padding: r.ints('padding', nd, 0),
    outputPadding: r.ints('output_padding', nd, 0),
    groups,
    dilation: r.ints('dilation', nd, 1),
  };
  checkHyper(opName, config);
  if (inChannels! % groups !== 0) {
    throw new OpError(
      'channel-mismatch',
      `${opName}: with groups=${groups} the weight's first dim must be divisible by ${groups}, but the weight has shape ${formatShape(weight.shape)}`,
    );
  }
  if (bias && (bias.shape.length !== 1 || bias.shape[0] !== config.outChannels)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: expected a bias of ${config.outChannels} elements for weight ${formatShape(weight.shape)}, but got bias of shape ${formatShape(bias.shape)}`,
    );
  }
  return convTransposeForward(opName, config, input);
}
