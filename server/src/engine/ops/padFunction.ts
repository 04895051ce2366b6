// F.pad(input, pad, mode='constant', value=None): `pad` lists (before, after) pairs from the last
// dim backwards; negative amounts crop. Geometry is unchanged: padding adds positions at the
// border but does not change how far apart positions are (jump) or what each one reads (rf).

import { shiftAxis } from '../geometry';
import type { FunctionSpec, OpArgs, OpResult, Tensor } from './types';
import { OpError } from './types';
import { argTensor, describe, formatShape, makeTensor, ok, specs, toIntList } from './tensorOpsCommon';

const MODES = ['constant', 'reflect', 'replicate', 'circular'] as const;
type PadMode = (typeof MODES)[number];

export function pad(fn: string, input: Tensor, amounts: readonly number[], mode: PadMode): Tensor {
  const rank = input.shape.length;
  if (amounts.length % 2 !== 0) {
    throw new OpError('invalid-argument', `${fn}: padding length must be divisible by 2, got ${amounts.length} values ${formatShape(amounts)}`);
  }
  const pairs = amounts.length / 2;
  if (pairs > rank) {
    throw new OpError(
      'invalid-argument',
      `${fn}: padding length too large: ${amounts.length} values pad ${pairs} dims but the input of shape ${formatShape(input.shape)} has ${rank}`,
    );
  }
  if (mode !== 'constant') {
    // torch 1.13 pads 1, 2 or 3 trailing dims in these modes: reflect/replicate for inputs with
    // one or two leading (batch, channel) dims (pad length 2 for 2-D/3-D inputs, 4 for 3-D/4-D, 6
    // for 4-D/5-D); circular needs both leading dims.
    const supported = (pairs >= 1 && pairs <= 3 && (rank === pairs + 1 || rank === pairs + 2));
    if (supported && mode === 'circular' && rank !== pairs + 2) {
      throw new OpError(
        'invalid-argument',
        `${fn}: circular padding of ${pairs} dims needs a ${pairs + 2}-D (batch, channel, ...) input, got shape ${formatShape(input.shape)} ` +
          `(invalid padding size, expected ${2 * (rank - 2)} but got ${amounts.length})`,
      );
    }
    if (!supported) {
      throw new OpError(
        'invalid-argument',
        `${fn}: ${mode} padding of ${pairs} dims needs a ${pairs + 1}-D or ${pairs + 2}-D input, got shape ${formatShape(input.shape)} ` +
          `(only 2D, 3D, 4D, 5D padding with non-constant padding are supported)`,
      );
    }
  }
  if (mode === 'constant') return makeTensor(fn, constantPadShape(fn, input.shape, amounts), paddedGeometry(input, amounts));
  const shape = [...input.shape];
  for (let k = 0; k < pairs; k++) {
    const d = rank - 1 - k;
    const before = amounts[2 * k]!;
    const after = amounts[2 * k + 1]!;
    const size = input.shape[d]!;
    if (mode === 'reflect' && (before >= size || after >= size)) {
      throw new OpError(
        'invalid-argument',
        `${fn}: reflect padding size should be less than the corresponding input dimension, but got padding (${before}, ${after}) ` +
          `at dimension ${d} of input ${formatShape(input.shape)}`,
      );
    }
    if (mode === 'circular' && (before > size || after > size)) {
      throw new OpError(
        'invalid-argument',
        `${fn}: circular padding (${before}, ${after}) at dimension ${d} of input ${formatShape(input.shape)} wraps around more than once`,
      );
    }
    const out = size + before + after;
    // reflect/replicate refuse an empty result; circular allows it.
    const minimum = mode === 'circular' ? 0 : 1;
    if (out < minimum) {
      throw new OpError(
        'invalid-argument',
        `${fn}: the input size ${size}, plus negative padding ${before} and ${after} resulted in a ${out < 0 ? 'negative ' : ''}output size ${out}, ` +
          `which is invalid. Check dimension ${d} of the input of shape ${formatShape(input.shape)}`,
      );
    }
    shape[d] = out;
  }
  return makeTensor(fn, shape, paddedGeometry(input, amounts));
}

/** Padding `before` positions moves every position: output o is input o − before (footprints
 *  must stay aligned for the merges that follow, e.g. a U-Net's padded skip). */
function paddedGeometry(input: Tensor, amounts: readonly number[]): Tensor['geometry'] {
  const g = input.geometry;
  if (!g) return g;
  const rank = input.shape.length;
  return g.map((axis, i) => {
    const k = rank - 1 - (rank - g.length + i);
    const before = amounts[2 * k];
    return before === undefined ? axis : shiftAxis(axis, -before);
  });
}

/**
 * torch 1.13's constant_pad_nd: negative amounts first crop (narrow) the input, the before side then
 * the after side, each of which must leave a size ≥ 0; if no amount is positive the cropped shape is
 * the result (sizes of 0 allowed), otherwise every padded dim must come out > 0.
 */
function constantPadShape(fn: string, shape: readonly number[], amounts: readonly number[]): number[] {
  const rank = shape.length;
  const pairs = amounts.length / 2;
  const out = [...shape];
  let anyPositive = false;
  for (let d = rank - pairs; d < rank; d++) {
    const k = rank - 1 - d;
    const before = amounts[2 * k]!;
    const after = amounts[2 * k + 1]!;
    for (const amount of [before, after]) {
      if (amount > 0) anyPositive = true;
      if (amount >= 0) continue;
      if (out[d]! + amount < 0) {
        throw new OpError(
          'invalid-argument',
          `${fn}: cropping ${-amount} from dimension ${d} of size ${out[d]} (input ${formatShape(shape)}, pad ${formatShape(amounts)}) leaves a negative size`,
        );
      }
      out[d] = out[d]! + amount;
    }
  }
  if (!anyPositive) return out;
  for (let d = rank - pairs; d < rank; d++) {
    const k = rank - 1 - d;
    const size = shape[d]! + amounts[2 * k]! + amounts[2 * k + 1]!;
    if (size <= 0) {
      throw new OpError(
        'invalid-argument',
        `${fn}: the input size ${shape[d]}, plus negative padding ${amounts[2 * k]} and ${amounts[2 * k + 1]} resulted in an output size ${size} ≤ 0, ` +
          `which is invalid. Check dimension ${d} of the input of shape ${formatShape(shape)}`,
      );
    }
    out[d] = size;
  }
  return out;
}

function padSpec(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'input');
  const amounts = toIntList(fn, 'pad', args.pad, false);
  const mode = args.mode ?? 'constant';
  if (typeof mode !== 'string' || !(MODES as readonly string[]).includes(mode)) {
    throw new OpError('invalid-argument', `${fn}: unrecognised padding mode ${describe(mode)} (expected one of ${MODES.join(', ')})`);
  }
  const value = args.value;
  if (value !== undefined && value !== null && mode !== 'constant' && value !== 0) {
    throw new OpError('invalid-argument', `${fn}: padding mode "${mode}" doesn't take in value argument`);
  }
  return ok(pad(fn, input, amounts, mode as PadMode));
}

export const padSpecs: readonly FunctionSpec[] = specs(
  ['F.pad'],
  "input, pad, mode='constant', value=None",
  padSpec,
);
