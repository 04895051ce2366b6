// nn.Flatten(start_dim=1, end_dim=-1) and nn.Unflatten(dim, unflattened_size) (torch 1.13).
// Geometry survives on the trailing spatial axes the reshape does not touch.

import { ArgReader, describeValue, formatShape, invalid, makeTensor, normalizeDim, product } from './layerArgs';
import { OpError, type AxisGeometry, type ModuleSpec, type OpResult, type Tensor } from './types';

/**
 * The geometry entries of the dims after `lastTouched` (those keep their meaning when the dims up
 * to `lastTouched` are reshaped); all of them when only leading non-spatial dims change.
 */
function geometryAfter(input: Tensor, lastTouched: number): AxisGeometry[] | null {
  const g = input.geometry;
  if (!g) return null;
  const firstSpatial = input.shape.length - g.length;
  if (lastTouched < firstSpatial) return [...g];
  const kept = g.slice(lastTouched - firstSpatial + 1);
  return kept.length > 0 ? kept : null;
}

export function flattenForward(opName: string, input: Tensor, startDim: number, endDim: number): OpResult {
  const rank = input.shape.length;
  // torch wraps the dims of a 0-d input as if it had one dim, then gives [1].
  const start = normalizeDim(startDim, rank, opName);
  const end = normalizeDim(endDim, rank, opName);
  if (rank === 0) return { value: makeTensor([1], null), macs: 0 };
  if (start > end) {
    throw invalid(`${opName}: start_dim cannot come after end_dim (start_dim=${startDim}, end_dim=${endDim}, input of shape ${formatShape(input.shape)})`);
  }
  if (start === end) return { value: makeTensor(input.shape, input.geometry), macs: 0 };
  const shape = [...input.shape.slice(0, start), product(input.shape.slice(start, end + 1)), ...input.shape.slice(end + 1)];
  return { value: makeTensor(shape, geometryAfter(input, end)), macs: 0 };
}

export function unflattenForward(opName: string, input: Tensor, dim: number, sizes: readonly number[]): OpResult {
  const d = normalizeDim(dim, input.shape.length, opName);
  const size = input.shape[d]!;
  const inferred = sizes.filter((s) => s === -1).length;
  if (inferred > 1) throw invalid(`${opName}: only one dimension can be inferred (-1) in unflattened_size ${formatShape(sizes)}`);
  let resolved = [...sizes];
  if (inferred === 1) {
    const known = product(sizes.filter((s) => s !== -1));
    // known = 0 gives size % 0 = NaN: refused too, as torch refuses it.
    if (size % known !== 0) {
      throw new OpError(
        'shape-mismatch',
        `${opName}: Provided sizes ${formatShape(sizes)} don't multiply up to the size of dim ${d} (${size}) in the input tensor: no size for -1 (input shape ${formatShape(input.shape)})`,
      );
    }
    resolved = sizes.map((s) => (s === -1 ? size / known : s));
  }
  if (product(resolved) !== size) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: Provided sizes ${formatShape(sizes)} don't multiply up to the size of dim ${d} (${size}) in the input tensor (input shape ${formatShape(input.shape)})`,
    );
  }
  const shape = [...input.shape.slice(0, d), ...resolved, ...input.shape.slice(d + 1)];
  return { value: makeTensor(shape, geometryAfter(input, d)), macs: 0 };
}

export const flattenModule: ModuleSpec<{ startDim: number; endDim: number }> = {
  name: 'Flatten',
  signature: 'start_dim=1, end_dim=-1',
  build: (args) => {
    const r = new ArgReader('Flatten', args);
    return { startDim: r.int('start_dim', 1), endDim: r.int('end_dim', -1) };
  },
  params: () => 0,
  forwardSignature: 'input',
  forward: (c, args) => flattenForward('Flatten', new ArgReader('Flatten', args).tensor('input'), c.startDim, c.endDim),
  describe: (c) => (c.startDim === 1 && c.endDim === -1 ? '' : `${c.startDim}..${c.endDim}`),
};

export const unflattenModule: ModuleSpec<{ dim: number; sizes: number[] }> = {
  name: 'Unflatten',
  signature: 'dim, unflattened_size',
  build: (args) => {
    const r = new ArgReader('Unflatten', args);
    const dim = r.int('dim');
    const raw = r.raw('unflattened_size');
    if (!Array.isArray(raw) || !raw.every((x) => typeof x === 'number' && Number.isInteger(x))) {
      throw invalid(`Unflatten: unflattened_size must be tuple of ints, got ${describeValue(raw)}`);
    }
    return { dim, sizes: raw as number[] };
  },
  params: () => 0,
  forwardSignature: 'input',
  forward: (c, args) => unflattenForward('Unflatten', new ArgReader('Unflatten', args).tensor('input'), c.dim, c.sizes),
  describe: (c) => `dim ${c.dim} → ${formatShape(c.sizes)}`,
};
