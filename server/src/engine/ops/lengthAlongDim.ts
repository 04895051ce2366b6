// Ops that change one dim's length by a count their arguments decide: torch.diff (n-th forward
// differences, with prepend / append) and repeat_interleave (each slice repeated, a number of
// times given as an int or as a tensor of counts whose values must then be known). torch 1.13
// checks and messages; no MACs.

import type { FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import { argInt, argTensor, axisGeometries, describe, formatShape, geometryFromAxes, isTensor, makeTensor, ok, specs, wrapDim } from './tensorOpsCommon';

function diff(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'self' in args ? 'self' : 'input');
  if (input.shape.length === 0) throw new OpError('invalid-argument', `${fn}: diff expects input to be at least one-dimensional`);
  const n = argInt(fn, args, 'n', 1);
  const dim = wrapDim(fn, argInt(fn, args, 'dim', -1), input.shape.length, input.shape);
  let length = input.shape[dim]!;
  for (const name of ['prepend', 'append']) {
    const extra = args[name];
    if (extra === undefined || extra === null) continue;
    // torch 1.13's binding takes a Tensor only (a number is a TypeError there).
    if (!isTensor(extra)) throw new OpError('invalid-argument', `${fn}: diff(): argument '${name}' must be Tensor, not ${describe(extra)}`);
    if (extra.shape.length !== input.shape.length) {
      throw new OpError('shape-mismatch', `${fn}: diff expects prepend or append to be the same dimension as input (got ${name} of shape ${formatShape(extra.shape)} for input ${formatShape(input.shape)})`);
    }
    extra.shape.forEach((s, d) => {
      if (d !== dim && s !== input.shape[d]) {
        throw new OpError('shape-mismatch', `${fn}: diff expects the shape of tensor to prepend or append to match that of input except along the differencing dimension; input.size(${d}) = ${input.shape[d]}, but got tensor.size(${d}) = ${s}`);
      }
    });
    length += extra.shape[dim]!;
  }
  // torch checks prepend and append for every n, then returns the input itself for n = 0; a
  // negative n differences nothing (its loop runs n times) but keeps what was prepended and appended.
  if (n === 0 || (n < 0 && length === input.shape[dim])) return ok(makeTensor(fn, input.shape, input.geometry));
  const shape = [...input.shape];
  shape[dim] = Math.max(length - Math.max(n, 0), 0);
  const axes = axisGeometries(input);
  axes[dim] = null;
  return ok(makeTensor(fn, shape, geometryFromAxes(axes)));
}

/** The known counts of a repeats tensor (ops/smallValues.ts), or null. */
function knownCounts(v: Tensor): number[] | null {
  const values = (v as Tensor & { values?: number[] }).values;
  return values && values.every((x) => Number.isSafeInteger(x)) ? values : null;
}

function repeatInterleave(fn: string, args: OpArgs): OpResult {
  const selfName = 'self' in args ? 'self' : 'input';
  const first = args[selfName];
  let repeats: OpValue | undefined = args.repeats;
  // repeat_interleave(repeats): a 1-d tensor of counts gives the indices, each repeated.
  if ((repeats === undefined || repeats === null) && isTensor(first)) {
    const counts = knownCounts(first);
    if (first.shape.length !== 1) throw new OpError('invalid-argument', `${fn}: repeat_interleave only accept 1D vector as repeat (got shape ${formatShape(first.shape)})`);
    if (!counts) throw new OpError('unsupported', `${fn}: the result's length is the sum of the repeats tensor's values, which the analysis does not know`);
    if (counts.some((c) => c < 0)) throw new OpError('invalid-argument', `${fn}: repeats can not be negative`);
    return ok(makeTensor(fn, [counts.reduce((a, b) => a + b, 0)], null));
  }
  const input = argTensor(fn, args, selfName);
  const dimArg = args.dim;
  const flat = dimArg === undefined || dimArg === null;
  if (!flat && input.shape.length === 0) {
    throw new OpError('invalid-argument', `${fn}: Dimension specified as ${argInt(fn, args, 'dim')} but tensor has no dimensions`);
  }
  const dim = flat ? 0 : wrapDim(fn, argInt(fn, args, 'dim'), input.shape.length, input.shape);
  const base = flat ? [input.shape.reduce((a, b) => a * b, 1)] : [...input.shape];
  const size = base[dim] ?? 1;
  let total: number;
  if (isTensor(repeats)) {
    if (repeats.shape.length > 1) throw new OpError('invalid-argument', `${fn}: repeats must be 0-dim or 1-dim tensor`);
    const counts = knownCounts(repeats);
    const n = repeats.shape.length === 0 ? 1 : repeats.shape[0]!;
    if (n !== 1 && n !== size) throw new OpError('shape-mismatch', `${fn}: repeats must have the same size as input along dim`);
    if (!counts) throw new OpError('unsupported', `${fn}: the result's length depends on the repeats tensor's values, which the analysis does not know`);
    if (counts.some((c) => c < 0)) throw new OpError('invalid-argument', `${fn}: repeats can not be negative`);
    total = n === 1 ? counts[0]! * size : counts.reduce((a, b) => a + b, 0);
  } else {
    const r = argInt(fn, args, 'repeats');
    if (r < 0) throw new OpError('invalid-argument', `${fn}: repeats can not be negative`);
    total = r * size;
  }
  // base has a dim 0 when flat (the element count) and otherwise is the input's shape of rank ≥ 1.
  const shape = [...base];
  shape[dim] = total;
  if (flat) return ok(makeTensor(fn, shape, null));
  const axes = axisGeometries(input);
  axes[dim] = null;
  return ok(makeTensor(fn, shape, geometryFromAxes(axes)));
}

export const lengthAlongDimSpecs: readonly FunctionSpec[] = [
  ...specs(['torch.diff'], 'input, n=1, dim=-1, prepend=None, append=None', diff),
  ...specs(['Tensor.diff'], 'self, n=1, dim=-1, prepend=None, append=None', diff),
  ...specs(['torch.repeat_interleave'], 'input, repeats=None, dim=None, *, output_size=None', repeatInterleave),
  ...specs(['Tensor.repeat_interleave'], 'self, repeats=None, dim=None, *, output_size=None', repeatInterleave),
];
