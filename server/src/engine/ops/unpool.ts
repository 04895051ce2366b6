// MaxUnpool1d/2d/3d and F.max_unpoolNd (torch 1.13 _unpool_output_size): default output
// (L−1)·s − 2p + k, or an explicit output_size strictly within one stride of it.

import { spatialGeometry, transposedConvAxis } from '../geometry';
import type { SpatialDims } from './conv';
import { ArgReader, compactTuple, describeValue, expectRank, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type OpValue, type Tensor } from './types';

export interface UnpoolConfig {
  nd: SpatialDims;
  kernel: number[];
  stride: number[];
  padding: number[];
}

function readUnpoolConfig(nd: SpatialDims, opName: string, args: OpArgs): UnpoolConfig {
  const r = new ArgReader(opName, args);
  const kernel = r.ints('kernel_size', nd);
  const c = { nd, kernel, stride: r.optionalInts('stride', nd) ?? [...kernel], padding: r.ints('padding', nd, 0) };
  if (kernel.some((k) => k <= 0)) throw invalid(`${opName}: kernel_size must be positive, got ${formatShape(kernel)}`);
  if (c.stride.some((s) => s <= 0)) throw invalid(`${opName}: stride must be positive, got ${formatShape(c.stride)}`);
  if (c.padding.some((p) => p < 0)) throw invalid(`${opName}: padding must be non-negative, got ${formatShape(c.padding)}`);
  return c;
}

function readOutputSize(opName: string, v: OpValue | undefined): number[] | null {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return v as number[];
  throw invalid(`${opName}: output_size must be a sequence of integers, got ${describeValue(v)}`);
}

export function unpoolForward(opName: string, c: UnpoolConfig, input: Tensor, indices: Tensor, outputSize: number[] | null): OpResult {
  expectRank(opName, input, c.nd);
  if (indices.shape.length !== input.shape.length || indices.shape.some((s, i) => s !== input.shape[i])) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects indices of the same shape as the input ${formatShape(input.shape)}, but got indices of shape ${formatShape(indices.shape)}`,
    );
  }
  const spatialStart = input.shape.length - c.nd;
  const spatial = input.shape.slice(spatialStart);
  const defaults = spatial.map((s, i) => (s - 1) * c.stride[i]! + c.kernel[i]! - 2 * c.padding[i]!);
  let sizes = defaults;
  if (outputSize !== null) {
    sizes = outputSize.length === c.nd + 2 ? outputSize.slice(2) : outputSize;
    if (sizes.length !== c.nd) {
      throw invalid(`${opName}: output_size should be a sequence containing ${c.nd} or ${c.nd + 2} elements, but it has a length of ${outputSize.length}`);
    }
    sizes.forEach((size, i) => {
      const min = defaults[i]! - c.stride[i]!;
      const max = defaults[i]! + c.stride[i]!;
      if (!(min < size && size < max)) {
        throw new OpError(
          'shape-mismatch',
          `${opName}: invalid output_size ${formatShape(outputSize)} (dim ${i} must be between ${min} and ${max}, exclusive)`,
        );
      }
    });
  }
  // An empty output is torch's answer too; a negative one fails there (numel overflows).
  if (sizes.some((s) => s < 0)) {
    throw new OpError('shape-mismatch', `${opName}: the output size (${sizes.join(' × ')}) is negative (input shape ${formatShape(input.shape)})`);
  }
  const outShape = [...input.shape.slice(0, spatialStart), ...sizes];
  // Each output position is written by the inputs whose pooling window covered it.
  const geometry = spatialGeometry(input, c.nd).map((g, i) => transposedConvAxis(g, c.kernel[i]!, c.stride[i]!, 1));
  return {
    value: makeTensor(outShape, geometry),
    macs: 0,
    geometry: { kernel: [...c.kernel], stride: [...c.stride], padding: [...c.padding] },
  };
}

function describeUnpool(c: UnpoolConfig): string {
  const parts = [`k=${compactTuple(c.kernel)}`];
  if (c.stride.some((s, i) => s !== c.kernel[i])) parts.push(`s=${compactTuple(c.stride)}`);
  if (c.padding.some((p) => p !== 0)) parts.push(`p=${compactTuple(c.padding)}`);
  return parts.join(', ');
}

function unpoolModule(nd: SpatialDims): ModuleSpec<UnpoolConfig> {
  const name = `MaxUnpool${nd}d`;
  return {
    name,
    signature: 'kernel_size, stride=None, padding=0',
    build: (args) => readUnpoolConfig(nd, name, args),
    params: () => 0,
    forwardSignature: 'input, indices, output_size=None',
    forward: (c, args) => {
      const r = new ArgReader(name, args);
      return unpoolForward(name, c, r.tensor('input'), r.tensor('indices'), readOutputSize(name, r.raw('output_size')));
    },
    describe: describeUnpool,
  };
}

export const unpoolModules: readonly ModuleSpec<UnpoolConfig>[] = [unpoolModule(1), unpoolModule(2), unpoolModule(3)];

export const unpoolFunctions: readonly FunctionSpec[] = ([1, 2, 3] as const).map((nd) => {
  const name = `F.max_unpool${nd}d`;
  return {
    name,
    signature: 'input, indices, kernel_size, stride=None, padding=0, output_size=None',
    apply: (args: OpArgs) => {
      const r = new ArgReader(name, args);
      const c = readUnpoolConfig(nd, name, args);
      return unpoolForward(name, c, r.tensor('input'), r.tensor('indices'), readOutputSize(name, r.raw('output_size')));
    },
  };
});
