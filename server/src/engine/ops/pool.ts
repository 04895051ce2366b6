// MaxPool / AvgPool / LPPool 1d-3d and their functional forms (torch 1.13): ATen's
// pooling_output_shape with ceil_mode's "last window must start inside the input or the left
// padding" rule, and pool2d_shape_check's argument checks.

import { convAxis, spatialGeometry } from '../geometry';
import type { SpatialDims } from './conv';
import { ArgReader, compactTuple, expectRank, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

/**
 * ATen pooling_output_shape_pad_lr: floor((L + 2p − d·(k−1) − 1 [+ s − 1 if ceil]) / s) + 1, and
 * with ceil_mode one less when the last window would start at or beyond L + p (entirely in the
 * right padding).
 */
export function poolOutputLength(
  inSize: number,
  kernel: number,
  stride: number,
  padding: number,
  dilation: number,
  ceilMode: boolean,
): number {
  let out = Math.floor((inSize + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= inSize + padding) out--;
  return out;
}

export type PoolKind = 'max' | 'avg' | 'lp';

export interface PoolConfig {
  kind: PoolKind;
  nd: SpatialDims;
  kernel: number[];
  stride: number[];
  padding: number[];
  dilation: number[];
  ceilMode: boolean;
  returnIndices: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
  normType: number | null;
}

function checkPoolArgs(opName: string, c: PoolConfig): void {
  if (c.kernel.some((k) => k <= 0)) throw invalid(`${opName}: kernel size should be greater than zero, but got ${formatShape(c.kernel)}`);
  if (c.stride.some((s) => s <= 0)) throw invalid(`${opName}: stride should be greater than zero, but got ${formatShape(c.stride)}`);
  if (c.dilation.some((d) => d <= 0)) throw invalid(`${opName}: dilation should be greater than zero, but got ${formatShape(c.dilation)}`);
  if (c.padding.some((p) => p < 0)) throw invalid(`${opName}: padding must be non-negative, but got ${formatShape(c.padding)}`);
  c.padding.forEach((p, i) => {
    if (p > Math.floor(c.kernel[i]! / 2)) {
      throw invalid(
        `${opName}: padding should be at most half of the kernel size, but got padding ${formatShape(c.padding)} for kernel ${formatShape(c.kernel)}`,
      );
    }
  });
  if (c.divisorOverride === 0) throw invalid(`${opName}: divisor must be not zero`);
}

/** Reads pooling arguments (module constructor or functional call; same parameter names). */
export function readPoolConfig(kind: PoolKind, nd: SpatialDims, opName: string, args: OpArgs): PoolConfig {
  const r = new ArgReader(opName, args);
  const kernel = r.ints('kernel_size', nd);
  // Each kind's signature (SIGNATURES, and the functions') lists only its own parameters, so one
  // another kind lacks is never bound and reads as its default: LP pools have no padding, only
  // max pools a dilation and indices, only average pools count_include_pad and a divisor.
  const c: PoolConfig = {
    kind,
    nd,
    kernel,
    stride: r.optionalInts('stride', nd) ?? [...kernel],
    padding: r.ints('padding', nd, 0),
    dilation: r.ints('dilation', nd, 1),
    ceilMode: r.flag('ceil_mode', false),
    returnIndices: r.bool('return_indices', false),
    countIncludePad: r.flag('count_include_pad', true),
    divisorOverride: r.optionalInt('divisor_override'),
    normType: kind === 'lp' ? r.number('norm_type') : null,
  };
  checkPoolArgs(opName, c);
  return c;
}

/** Shared by modules and functions. `value` is [output, indices] when return_indices is set. */
export function poolForward(opName: string, c: PoolConfig, input: Tensor, forceIndices = false): OpResult {
  expectRank(opName, input, c.nd);
  const spatialStart = input.shape.length - c.nd;
  if (input.shape.slice(1).some((s) => s === 0)) {
    throw new OpError('shape-mismatch', `${opName} expects non-empty non-batch dimensions, but got input of shape ${formatShape(input.shape)}`);
  }
  const spatial = input.shape.slice(spatialStart);
  const outSpatial = spatial.map((s, i) =>
    poolOutputLength(s, c.kernel[i]!, c.stride[i]!, c.padding[i]!, c.dilation[i]!, c.ceilMode),
  );
  // ATen's max_pool1d (without indices) has its own shape check that accepts an empty output;
  // every other pooling path requires at least one window.
  const smallest = c.kind === 'max' && c.nd === 1 && !(c.returnIndices || forceIndices) ? 0 : 1;
  if (outSpatial.some((s) => s < smallest)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: given input size (${spatial.join(' × ')}), the calculated output size (${outSpatial.join(' × ')}) is too small ` +
        `(kernel ${formatShape(c.kernel)}, stride ${formatShape(c.stride)}, padding ${formatShape(c.padding)}; input shape ${formatShape(input.shape)})`,
    );
  }
  const outShape = [...input.shape.slice(0, spatialStart), ...outSpatial];
  const geometry = spatialGeometry(input, c.nd).map((g, i) => convAxis(g, c.kernel[i]!, c.stride[i]!, c.dilation[i]!, c.padding[i]!));
  const out = makeTensor(outShape, geometry);
  const layer = { kernel: [...c.kernel], stride: [...c.stride], padding: [...c.padding], dilation: [...c.dilation] };
  if (c.returnIndices || forceIndices) return { value: [out, makeTensor(outShape, geometry)], macs: 0, geometry: layer };
  return { value: out, macs: 0, geometry: layer };
}

export function describePool(c: PoolConfig): string {
  const parts = c.kind === 'lp' ? [`p=${c.normType}`, `k=${compactTuple(c.kernel)}`] : [`k=${compactTuple(c.kernel)}`];
  if (c.stride.some((s, i) => s !== c.kernel[i])) parts.push(`s=${compactTuple(c.stride)}`);
  if (c.padding.some((p) => p !== 0)) parts.push(`p=${compactTuple(c.padding)}`);
  if (c.dilation.some((d) => d !== 1)) parts.push(`d=${compactTuple(c.dilation)}`);
  if (c.ceilMode) parts.push('ceil_mode');
  if (!c.countIncludePad) parts.push('count_include_pad=False');
  if (c.divisorOverride !== null) parts.push(`divisor=${c.divisorOverride}`);
  if (c.returnIndices) parts.push('return_indices');
  return parts.join(', ');
}

const SIGNATURES: Record<PoolKind, (nd: SpatialDims) => string> = {
  max: () => 'kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False',
  avg: (nd) =>
    nd === 1
      ? 'kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True'
      : 'kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None',
  lp: () => 'norm_type, kernel_size, stride=None, ceil_mode=False',
};

const CLASS_PREFIX: Record<PoolKind, string> = { max: 'MaxPool', avg: 'AvgPool', lp: 'LPPool' };

function poolModule(kind: PoolKind, nd: SpatialDims): ModuleSpec<PoolConfig> {
  const name = `${CLASS_PREFIX[kind]}${nd}d`;
  return {
    name,
    signature: SIGNATURES[kind](nd),
    build: (args) => readPoolConfig(kind, nd, name, args),
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => poolForward(name, c, new ArgReader(name, args).tensor('input')),
    describe: describePool,
  };
}

export const poolModules: readonly ModuleSpec<PoolConfig>[] = [
  poolModule('max', 1),
  poolModule('max', 2),
  poolModule('max', 3),
  poolModule('avg', 1),
  poolModule('avg', 2),
  poolModule('avg', 3),
  poolModule('lp', 1),
  poolModule('lp', 2),
];

function poolFunction(kind: PoolKind, nd: SpatialDims, name: string, signature: string, forceIndices = false): FunctionSpec {
  return {
    name,
    signature,
    apply: (args) => {
      const c = readPoolConfig(kind, nd, name, args);
      return poolForward(name, c, new ArgReader(name, args).tensor('input'), forceIndices);
    },
  };
}

const MAX_FN = 'input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False';

export const poolFunctions: readonly FunctionSpec[] = [
  ...([1, 2, 3] as const).flatMap((nd) => [
    poolFunction('max', nd, `F.max_pool${nd}d`, MAX_FN),
    poolFunction('max', nd, `F.max_pool${nd}d_with_indices`, MAX_FN, true),
    poolFunction(
      'avg',
      nd,
      `F.avg_pool${nd}d`,
      nd === 1
        ? 'input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True'
        : 'input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None',
    ),
  ]),
  poolFunction('lp', 1, 'F.lp_pool1d', 'input, norm_type, kernel_size, stride=None, ceil_mode=False'),
  poolFunction('lp', 2, 'F.lp_pool2d', 'input, norm_type, kernel_size, stride=None, ceil_mode=False'),
  // torch.max_pool2d and friends are the ATen ops behind F.max_pool*d (no return_indices).
  ...([1, 2, 3] as const).map((nd) =>
    poolFunction('max', nd, `torch.max_pool${nd}d`, 'input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False'),
  ),
  poolFunction('avg', 1, 'torch.avg_pool1d', 'input, kernel_size, stride=(), padding=0, ceil_mode=False, count_include_pad=True'),
];
