// Matrix products: torch.matmul / @ (numpy broadcasting rules, 1-D operands included), mm, bmm,
// mv, dot, outer, addmm/baddbmm/addbmm, tensordot and einsum.
//
// MACs follow DESIGN.md: a product (…, n, k) @ (…, k, m) costs batch · n · k · m multiply–
// accumulates (a 1-D operand counts as n = 1 or m = 1). The result has no spatial meaning:
// geometry null.

import type { FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import { broadcastOperands, broadcastShapes } from './elementwise';
import {
  argTensor,
  describe,
  formatShape,
  isInt,
  isTensor,
  makeTensor,
  numel,
  ok,
  specs,
  tensorList,
  toIntList,
  wrapDims,
} from './tensorOpsCommon';

export interface Product {
  tensor: Tensor;
  macs: number;
}

/** torch.matmul's shape rules and cost. */
export function matmul(fn: string, a: Tensor, b: Tensor): Product {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra === 0 || rb === 0) {
    throw new OpError('invalid-argument', `${fn}: both arguments to matmul need to be at least 1D, but they are ${ra}D and ${rb}D`);
  }
  const left = ra === 1 ? [1, a.shape[0]!] : a.shape;
  const right = rb === 1 ? [b.shape[0]!, 1] : b.shape;
  const n = left[left.length - 2]!;
  const k = left[left.length - 1]!;
  const k2 = right[right.length - 2]!;
  const m = right[right.length - 1]!;
  if (k !== k2) {
    throw new OpError(
      'shape-mismatch',
      `${fn}: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} cannot be multiplied: ` +
        `${ra === 1 ? 'the vector' : 'the first'} has ${k} columns but ${rb === 1 ? 'the vector' : 'the second'} has ${k2} rows (${n}x${k} and ${k2}x${m})`,
    );
  }
  const batch = broadcastShapes(fn, [
    { label: 'batch dims of the first', shape: left.slice(0, -2) },
    { label: 'batch dims of the second', shape: right.slice(0, -2) },
  ]);
  const shape = [...batch, ...(ra === 1 ? [] : [n]), ...(rb === 1 ? [] : [m])];
  return { tensor: makeTensor(fn, shape, null), macs: numel(batch) * n * k * m };
}

function requireRank(fn: string, t: Tensor, rank: number, what: string): void {
  if (t.shape.length !== rank) {
    throw new OpError('invalid-argument', `${fn}: ${what} must be a ${rank}-D tensor, got shape ${formatShape(t.shape)}`);
  }
}

function mm(fn: string, a: Tensor, b: Tensor): Product {
  requireRank(fn, a, 2, 'the first argument (a matrix)');
  requireRank(fn, b, 2, 'the second argument (a matrix)');
  return matmul(fn, a, b);
}

function bmm(fn: string, a: Tensor, b: Tensor): Product {
  requireRank(fn, a, 3, 'batch1');
  requireRank(fn, b, 3, 'batch2');
  // torch checks batch2's batch and rows against batch1's at once.
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) {
    throw new OpError(
      'shape-mismatch',
      `${fn}: Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}] (batch1 ${formatShape(a.shape)}, batch2 ${formatShape(b.shape)})`,
    );
  }
  return matmul(fn, a, b);
}

function mv(fn: string, a: Tensor, v: Tensor): Product {
  requireRank(fn, a, 2, 'the matrix');
  requireRank(fn, v, 1, 'the vector');
  return matmul(fn, a, v);
}

function dot(fn: string, a: Tensor, b: Tensor): Product {
  requireRank(fn, a, 1, 'the first argument');
  requireRank(fn, b, 1, 'the second argument');
  if (a.shape[0] !== b.shape[0]) {
    throw new OpError(
      'shape-mismatch',
      `${fn}: inconsistent tensor size, expected tensor ${formatShape(a.shape)} and src ${formatShape(b.shape)} to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`,
    );
  }
  return matmul(fn, a, b);
}

function outer(fn: string, a: Tensor, b: Tensor): Product {
  requireRank(fn, a, 1, 'the first argument');
  requireRank(fn, b, 1, 'the second argument');
  const n = a.shape[0]!;
  const m = b.shape[0]!;
  return { tensor: makeTensor(fn, [n, m], null), macs: n * m };
}

/** addmm-style ops: product + input, where input must broadcast to the product's shape. */
function withAddend(fn: string, input: OpValue | undefined, product: Product): OpResult {
  const sum = broadcastOperands(fn, [['product', product.tensor], ['input', input]]);
  // A longer broadcast shows as an index past the product's rank (undefined there).
  if (sum.shape.some((s, i) => s !== product.tensor.shape[i])) {
    throw new OpError(
      'shape-mismatch',
      `${fn}: input of ${describe(input)} cannot be broadcast to the product's shape ${formatShape(product.tensor.shape)}`,
    );
  }
  return ok(product.tensor, product.macs);
}

function tensordot(fn: string, a: Tensor, b: Tensor, dims: OpValue | undefined): Product {
  let dimsA: number[];
  let dimsB: number[];
  // torch's tensordot refuses dims=None (its default is 2, bound by the signature).
  if (dims === undefined || isInt(dims)) {
    const count = dims ?? 2;
    if (count < 0) throw new OpError('invalid-argument', `${fn}: tensordot expects dims >= 0, but got dims=${count}`);
    if (count > a.shape.length || count > b.shape.length) {
      throw new OpError('invalid-argument', `${fn}: tensordot expects dims < ndim_a or ndim_b, but got dims=${count} for shapes ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
    }
    dimsA = a.shape.map((_, i) => i).slice(a.shape.length - count);
    dimsB = b.shape.map((_, i) => i).slice(0, count);
  } else if (Array.isArray(dims) && dims.length === 2) {
    dimsA = wrapDims(fn, toIntList(fn, 'dims', dims[0]), a.shape.length, a.shape);
    dimsB = wrapDims(fn, toIntList(fn, 'dims', dims[1]), b.shape.length, b.shape);
  } else {
    throw new OpError('invalid-argument', `${fn}: tensordot expects dims to be int or Tuple[List[int], List[int]] or List[List[int]] containing two lists, but got dims=${describe(dims)}`);
  }
  if (dimsA.length !== dimsB.length) {
    throw new OpError('invalid-argument', `${fn}: both dimension lists should have same length, got ${dimsA.length} and ${dimsB.length}`);
  }
  // torch broadcasts a contracted dim of size 1 against the other operand's size.
  const contractedSizes = dimsA.map((da, i) => {
    const db = dimsB[i]!;
    const [sa, sb] = [a.shape[da]!, b.shape[db]!];
    if (sa !== sb && sa !== 1 && sb !== 1) {
      throw new OpError(
        'shape-mismatch',
        `${fn}: contracted dimensions need to match, but first has size ${sa} in dim ${da} and second has size ${sb} in dim ${db} (shapes ${formatShape(a.shape)} and ${formatShape(b.shape)})`,
      );
    }
    return Math.max(sa, sb);
  });
  const freeA = a.shape.filter((_, i) => !dimsA.includes(i));
  const freeB = b.shape.filter((_, i) => !dimsB.includes(i));
  const contracted = numel(contractedSizes);
  return { tensor: makeTensor(fn, [...freeA, ...freeB], null), macs: numel(freeA) * contracted * numel(freeB) };
}

// ---------------------------------------------------------------------------------------------
// einsum

interface Term {
  labels: string[];
  /** Index in `labels` where '...' stands, or -1. */
  ellipsisAt: number;
}

function parseTerm(fn: string, text: string): Term {
  const labels: string[] = [];
  let ellipsisAt = -1;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('...', i)) {
      if (ellipsisAt >= 0) throw new OpError('invalid-argument', `${fn}: einsum(): found more than one '...' in term '${text}'`);
      ellipsisAt = labels.length;
      i += 2;
    } else if (/[A-Za-z]/.test(text[i]!)) {
      labels.push(text[i]!);
    } else {
      throw new OpError('invalid-argument', `${fn}: einsum(): invalid subscript '${text[i]}' in '${text}', subscripts must be in [a-zA-Z]`);
    }
  }
  return { labels, ellipsisAt };
}

/** Implicit einsum output: labels seen exactly once, uppercase before lowercase, alphabetically. */
function implicitOutput(terms: readonly Term[]): string[] {
  const counts = new Map<string, number>();
  for (const t of terms) for (const l of t.labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort();
}

export function einsum(fn: string, equation: string, operands: readonly Tensor[]): Product {
  const eq = equation.replace(/\s+/g, '');
  const [lhs, rhs] = eq.includes('->') ? (eq.split('->') as [string, string]) : [eq, null];
  const terms = lhs.split(',').map((t) => parseTerm(fn, t));
  if (terms.length !== operands.length) {
    throw new OpError('invalid-argument', `${fn}: einsum(): ${terms.length > operands.length ? 'fewer' : 'more'} operands were provided than specified in the equation ('${equation}' has ${terms.length} operand terms, ${operands.length} operands given)`);
  }
  const sizes = new Map<string, number>();
  const ellipsisShapes: number[][] = [];
  terms.forEach((term, i) => {
    const shape = operands[i]!.shape;
    const covered = shape.length - term.labels.length;
    if (term.ellipsisAt < 0 ? covered !== 0 : covered < 0) {
      throw new OpError(
        'shape-mismatch',
        `${fn}: einsum(): the number of subscripts in the equation (${term.labels.length}) ${term.ellipsisAt < 0 ? 'does not match' : 'is more than'} the number of dimensions (${shape.length}) for operand ${i} ('${lhs.split(',')[i]}', shape ${formatShape(shape)})`,
      );
    }
    const at = Math.max(term.ellipsisAt, 0);
    if (term.ellipsisAt >= 0) ellipsisShapes.push(shape.slice(at, at + covered));
    term.labels.forEach((label, j) => {
      const size = shape[j < at || term.ellipsisAt < 0 ? j : j + covered]!;
      const known = sizes.get(label);
      if (known === undefined || known === 1) sizes.set(label, size);
      else if (size !== known && size !== 1) {
        throw new OpError(
          'shape-mismatch',
          `${fn}: einsum(): subscript ${label} has size ${size} for operand ${i} (shape ${formatShape(shape)}) which does not broadcast with previously seen size ${known}`,
        );
      }
    });
  });
  const ellipsis = broadcastShapes(fn, ellipsisShapes.map((shape, i) => ({ label: `'...' of term ${i}`, shape })));
  let out: Term;
  if (rhs === null) {
    out = { labels: implicitOutput(terms), ellipsisAt: 0 };
  } else {
    out = parseTerm(fn, rhs);
    const seen = new Set<string>();
    for (const l of out.labels) {
      if (!sizes.has(l)) throw new OpError('invalid-argument', `${fn}: einsum(): output subscript ${l} does not appear in the equation for any input operand`);
      if (seen.has(l)) throw new OpError('invalid-argument', `${fn}: einsum(): output subscript ${l} appears more than once in the output`);
      seen.add(l);
    }
  }
  const labelSizes = out.labels.map((l) => sizes.get(l)!);
  const shape =
    out.ellipsisAt >= 0
      ? [...labelSizes.slice(0, out.ellipsisAt), ...ellipsis, ...labelSizes.slice(out.ellipsisAt)]
      : labelSizes;
  // Every combination of all labels (and broadcast '...' positions) is one multiply–accumulate.
  const macs = operands.length >= 2 ? numel([...sizes.values()]) * numel(ellipsis) : 0;
  return { tensor: makeTensor(fn, shape, null), macs };
}

// ---------------------------------------------------------------------------------------------
// Specs

type Binary = (fn: string, a: Tensor, b: Tensor) => Product;

function binary(first: string, second: string, op: Binary, swap = false) {
  return (fn: string, args: OpArgs): OpResult => {
    const a = argTensor(fn, args, first);
    const b = argTensor(fn, args, second);
    const p = swap ? op(fn, b, a) : op(fn, a, b);
    return ok(p.tensor, p.macs);
  };
}

export const matmulSpecs: readonly FunctionSpec[] = [
  ...specs(['torch.matmul'], 'input, other, *, out=None', binary('input', 'other', matmul)),
  ...specs(['Tensor.matmul', 'Tensor.__matmul__'], 'self, other', binary('self', 'other', matmul)),
  // other @ self, reached when the left operand is not a tensor.
  ...specs(['Tensor.__rmatmul__'], 'self, other', binary('self', 'other', matmul, true)),
  ...specs(['torch.mm'], 'input, mat2, *, out=None', binary('input', 'mat2', mm)),
  ...specs(['Tensor.mm'], 'self, mat2', binary('self', 'mat2', mm)),
  ...specs(['torch.bmm'], 'input, mat2, *, out=None', binary('input', 'mat2', bmm)),
  ...specs(['Tensor.bmm'], 'self, batch2', binary('self', 'batch2', bmm)),
  ...specs(['torch.mv'], 'input, vec, *, out=None', binary('input', 'vec', mv)),
  ...specs(['Tensor.mv'], 'self, vec', binary('self', 'vec', mv)),
  ...specs(['torch.dot'], 'input, other, *, out=None', binary('input', 'other', dot)),
  ...specs(['Tensor.dot'], 'self, other', binary('self', 'other', dot)),
  ...specs(['torch.outer', 'torch.ger'], 'input, vec2, *, out=None', binary('input', 'vec2', outer)),
  ...specs(['Tensor.outer', 'Tensor.ger'], 'self, vec2', binary('self', 'vec2', outer)),
  ...specs(['torch.addmm'], 'input, mat1, mat2, *, beta=1, alpha=1, out=None', (fn, args) =>
    withAddend(fn, args.input, mm(fn, argTensor(fn, args, 'mat1'), argTensor(fn, args, 'mat2'))),
  ),
  ...specs(['Tensor.addmm'], 'self, mat1, mat2, *, beta=1, alpha=1', (fn, args) =>
    withAddend(fn, args.self, mm(fn, argTensor(fn, args, 'mat1'), argTensor(fn, args, 'mat2'))),
  ),
  ...specs(['torch.addmv'], 'input, mat, vec, *, beta=1, alpha=1, out=None', (fn, args) =>
    withAddend(fn, args.input, mv(fn, argTensor(fn, args, 'mat'), argTensor(fn, args, 'vec'))),
  ),
  ...specs(['torch.baddbmm'], 'input, batch1, batch2, *, beta=1, alpha=1, out=None', (fn, args) =>
    withAddend(fn, args.input, bmm(fn, argTensor(fn, args, 'batch1'), argTensor(fn, args, 'batch2'))),
  ),
  ...specs(['Tensor.baddbmm'], 'self, batch1, batch2, *, beta=1, alpha=1', (fn, args) =>
    withAddend(fn, args.self, bmm(fn, argTensor(fn, args, 'batch1'), argTensor(fn, args, 'batch2'))),
  ),
  ...specs(['torch.addbmm'], 'input, batch1, batch2, *, beta=1, alpha=1, out=None', (fn, args) => {
    // The batch of products is summed: the result is one matrix, the cost the whole batch.
    const p = bmm(fn, argTensor(fn, args, 'batch1'), argTensor(fn, args, 'batch2'));
    const matrix = makeTensor(fn, p.tensor.shape.slice(1), null);
    return withAddend(fn, args.input, { tensor: matrix, macs: p.macs });
  }),
  ...specs(['torch.tensordot'], 'a, b, dims=2, out=None', (fn, args) => {
    const p = tensordot(fn, argTensor(fn, args, 'a'), argTensor(fn, args, 'b'), args.dims);
    return ok(p.tensor, p.macs);
  }),
  // torch's einsum(*args): no keywords, the equation is the first positional argument.
  ...specs(['torch.einsum'], '*args', (fn, args) => {
    const [equation, ...given] = Array.isArray(args.args) ? args.args : [];
    // einsum(op1, sublist1, ..., [sublist_out]) is torch's other form, not read here.
    if (isTensor(equation ?? null)) throw new OpError('unsupported', `${fn}: the sublist form einsum(operand, [subscripts], ...) is not supported; write the equation string`);
    if (typeof equation !== 'string') throw new OpError('invalid-argument', `${fn}: einsum(): must specify the equation string and at least one operand, or at least one operand and its subscripts list`);
    // einsum('ij,jk', [a, b]) passes the operands as one list.
    const list = given.length === 1 && Array.isArray(given[0]) && !isTensor(given[0]) ? given[0] : given;
    const p = einsum(fn, equation, tensorList(fn, 'operands', list));
    return ok(p.tensor, p.macs);
  }),
];
