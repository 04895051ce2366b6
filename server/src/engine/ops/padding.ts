// ZeroPad2d, ConstantPad1d/2d/3d, ReflectionPad1d/2d/3d, ReplicationPad1d/2d/3d (torch 1.13).
// Padding pairs run from the last dim backwards: (left, right, top, bottom, front, back).
// Geometry is unchanged: padding neither grows rf nor changes jump (DESIGN.md).

import { ArgReader, compactTuple, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type ModuleSpec, type OpResult, type Tensor } from './types';

export type PadMode = 'constant' | 'reflect' | 'replicate';

export interface PadConfig {
  mode: PadMode;
  nd: 1 | 2 | 3;
  /** 2·nd values: (last-dim left, last-dim right, second-last left, ...). */
  pads: number[];
  value: number;
}

/** The output shape of padding `input` with `pads` (pairs from the last dim backwards). */
export function paddedShape(opName: string, input: Tensor, pads: readonly number[]): number[] {
  const shape = [...input.shape];
  for (let pair = 0; pair < pads.length / 2; pair++) {
    const dim = shape.length - 1 - pair;
    const size = input.shape[dim]! + pads[2 * pair]! + pads[2 * pair + 1]!;
    // torch's constant_pad_nd only crops (narrow) when no pad is positive, and then an empty
    // dimension is fine; once it pads, every new size must be positive.
    if (size < 0 || (size === 0 && pads.some((p) => p > 0))) {
      throw new OpError(
        'shape-mismatch',
        `${opName}: the input size ${input.shape[dim]} plus padding ${pads[2 * pair]} and ${pads[2 * pair + 1]} gives a size below 1 on dimension ${dim} (input shape ${formatShape(input.shape)})`,
      );
    }
    shape[dim] = size;
  }
  return shape;
}

/** ATen's reflection/replication pads refuse only an output with no axis of size ≥ 1 (their check
 *  is `W ≥ 1 || H ≥ 1 …`) or a negative size: one axis cropped to 0 is fine. */
function reflectOrReplicateShape(opName: string, c: PadConfig, input: Tensor): number[] {
  const shape = [...input.shape];
  for (let pair = 0; pair < c.nd; pair++) {
    const dim = shape.length - 1 - pair;
    const size = input.shape[dim]!;
    const [l, r] = [c.pads[2 * pair]!, c.pads[2 * pair + 1]!];
    if (c.mode === 'reflect' && (l >= size || r >= size)) {
      throw new OpError(
        'shape-mismatch',
        `${opName}: padding size should be less than the corresponding input dimension, but got padding (${l}, ${r}) at dimension ${dim} of input ${formatShape(input.shape)}`,
      );
    }
    shape[dim] = size + l + r;
  }
  const spatial = shape.slice(shape.length - c.nd);
  if (spatial.some((s) => s < 0) || spatial.every((s) => s === 0)) {
    throw new OpError('shape-mismatch', `${opName}: input ${formatShape(input.shape)} is too small for padding ${formatShape(c.pads)}: output ${formatShape(shape)}`);
  }
  return shape;
}

export function padForward(opName: string, c: PadConfig, input: Tensor): OpResult {
  const rank = input.shape.length;
  if (c.mode === 'constant') {
    if (c.pads.length > 2 * rank) {
      throw new OpError(
        'shape-mismatch',
        `${opName}: padding of length ${c.pads.length} needs an input with at least ${c.pads.length / 2} dimensions, but got shape ${formatShape(input.shape)}`,
      );
    }
  } else if (rank !== c.nd + 1 && rank !== c.nd + 2) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects a ${c.nd + 1}D (unbatched) or ${c.nd + 2}D (batched) input, but got a ${rank}D input of shape ${formatShape(input.shape)}`,
    );
  }
  const shape = c.mode === 'constant' ? paddedShape(opName, input, c.pads) : reflectOrReplicateShape(opName, c, input);
  // Left padding per spatial axis, first axis first (the reverse of the pads order).
  const left = Array.from({ length: c.pads.length / 2 }, (_, pair) => c.pads[2 * pair]!).reverse();
  return { value: makeTensor(shape, input.geometry), macs: 0, geometry: { padding: left } };
}

const CLASS_PREFIX: Record<PadMode, string> = { constant: 'ConstantPad', reflect: 'ReflectionPad', replicate: 'ReplicationPad' };

function readPads(r: ArgReader, nd: number): number[] {
  const pads = r.ints('padding', 2 * nd, undefined, false);
  return pads;
}

function padModule(mode: PadMode, nd: 1 | 2 | 3, name = `${CLASS_PREFIX[mode]}${nd}d`, zero = false): ModuleSpec<PadConfig> {
  return {
    name,
    signature: mode === 'constant' && !zero ? 'padding, value' : 'padding',
    build: (args) => {
      const r = new ArgReader(name, args);
      const pads = readPads(r, nd);
      const value = mode === 'constant' && !zero ? r.number('value') : 0;
      return { mode, nd, pads, value };
    },
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => padForward(name, c, new ArgReader(name, args).tensor('input')),
    // (Only a ConstantPad has a value other than 0.)
    describe: (c) => `${compactTuple(c.pads)}${c.value !== 0 ? `, value=${c.value}` : ''}`,
  };
}

export const paddingModules: readonly ModuleSpec<PadConfig>[] = [
  padModule('constant', 2, 'ZeroPad2d', true),
  ...(['constant', 'reflect', 'replicate'] as const).flatMap((mode) => ([1, 2, 3] as const).map((nd) => padModule(mode, nd))),
];
