// AdaptiveAvgPool / AdaptiveMaxPool 1d-3d and their functional forms (torch 1.13): output_size
// an int or a tuple whose None entries keep the input's size.

import { adaptivePoolAxis, adaptivePoolSpan, spatialGeometry } from '../geometry';
import type { SpatialDims } from './conv';
import { ArgReader, compactTuple, describeValue, expectRank, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type OpValue, type Tensor } from './types';

export interface AdaptivePoolConfig {
  kind: 'avg' | 'max';
  nd: SpatialDims;
  /** Per axis; null keeps the input's size. */
  outputSize: (number | null)[];
  returnIndices: boolean;
}

function readOutputSize(opName: string, nd: SpatialDims, v: OpValue | undefined): (number | null)[] {
  const bad = (): OpError =>
    invalid(`${opName}: output_size must be an integer or a tuple of ${nd} integers (or None), got ${describeValue(v)}`);
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw bad();
    if (v < 0) throw invalid(`${opName}: elements of output_size must be greater than or equal to 0, got ${v}`);
    return Array.from({ length: nd }, () => v);
  }
  if (!Array.isArray(v) || v.length !== nd) throw bad();
  return v.map((x) => {
    if (x === null) return null;
    if (typeof x !== 'number' || !Number.isInteger(x)) throw bad();
    if (x < 0) throw invalid(`${opName}: elements of output_size must be greater than or equal to 0, got ${describeValue(v)}`);
    return x;
  });
}

export function readAdaptiveConfig(kind: 'avg' | 'max', nd: SpatialDims, opName: string, args: OpArgs): AdaptivePoolConfig {
  const r = new ArgReader(opName, args);
  return {
    kind,
    nd,
    outputSize: readOutputSize(opName, nd, r.raw('output_size')),
    // Only the max pools' signatures have return_indices: an average pool's reads as False.
    returnIndices: r.bool('return_indices', false),
  };
}

export function adaptivePoolForward(opName: string, c: AdaptivePoolConfig, input: Tensor, forceIndices = false): OpResult {
  expectRank(opName, input, c.nd);
  const spatialStart = input.shape.length - c.nd;
  // ATen's adaptive_avg_pool2d (behind the 1d and 2d average pools) checks only the last two dims
  // (an empty channel dim passes); adaptive_avg_pool3d and the max pools every dim after the first.
  const firstChecked = c.kind === 'avg' && c.nd < 3 ? spatialStart : 1;
  const emptyDim = input.shape.findIndex((s, i) => i >= firstChecked && s === 0);
  if (emptyDim !== -1) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects input to have non-zero size for non-batch dimensions, but input has shape ${formatShape(input.shape)} with dimension ${emptyDim} being empty`,
    );
  }
  const spatial = input.shape.slice(spatialStart);
  const outSpatial = c.outputSize.map((o, i) => o ?? spatial[i]!);
  const outShape = [...input.shape.slice(0, spatialStart), ...outSpatial];
  const geometry = spatialGeometry(input, c.nd).map((g, i) => adaptivePoolAxis(g, spatial[i]!, outSpatial[i]!));
  const out = makeTensor(outShape, geometry);
  const kernel = spatial.map((s, i) => (outSpatial[i]! > 0 ? adaptivePoolSpan(s, outSpatial[i]!) : 0));
  // A stride when every window steps evenly (s % 0 is NaN: an empty output axis has none).
  const layer = spatial.every((s, i) => s % outSpatial[i]! === 0)
    ? { kernel, stride: spatial.map((s, i) => s / outSpatial[i]!) }
    : { kernel };
  const value = c.returnIndices || forceIndices ? [out, makeTensor(outShape, geometry)] : out;
  return { value, macs: 0, geometry: layer };
}

function describeAdaptive(c: AdaptivePoolConfig): string {
  const text = c.outputSize.every((o) => o !== null) ? compactTuple(c.outputSize as number[]) : describeValue(c.outputSize);
  return `out=${text}${c.returnIndices ? ', return_indices' : ''}`;
}

function adaptiveModule(kind: 'avg' | 'max', nd: SpatialDims): ModuleSpec<AdaptivePoolConfig> {
  const name = `Adaptive${kind === 'avg' ? 'Avg' : 'Max'}Pool${nd}d`;
  return {
    name,
    signature: kind === 'avg' ? 'output_size' : 'output_size, return_indices=False',
    build: (args) => readAdaptiveConfig(kind, nd, name, args),
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => adaptivePoolForward(name, c, new ArgReader(name, args).tensor('input')),
    describe: describeAdaptive,
  };
}

export const adaptivePoolModules: readonly ModuleSpec<AdaptivePoolConfig>[] = ([1, 2, 3] as const).flatMap((nd) => [
  adaptiveModule('avg', nd),
  adaptiveModule('max', nd),
]);

function adaptiveFunction(kind: 'avg' | 'max', nd: SpatialDims, name: string, signature: string, forceIndices = false): FunctionSpec {
  return {
    name,
    signature,
    apply: (args) => adaptivePoolForward(name, readAdaptiveConfig(kind, nd, name, args), new ArgReader(name, args).tensor('input'), forceIndices),
  };
}

export const adaptivePoolFunctions: readonly FunctionSpec[] = ([1, 2, 3] as const).flatMap((nd) => [
  adaptiveFunction('avg', nd, `F.adaptive_avg_pool${nd}d`, 'input, output_size'),
  adaptiveFunction('max', nd, `F.adaptive_max_pool${nd}d`, 'input, output_size, return_indices=False'),
  adaptiveFunction('max', nd, `F.adaptive_max_pool${nd}d_with_indices`, 'input, output_size, return_indices=False', true),
]);
