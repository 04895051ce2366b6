// The tensor functions and methods the catalogue knows, keyed by canonical name:
//   'torch.cat', 'torch.flatten', ...  functions (first parameter `input` as torch names it)
//   'Tensor.view', 'Tensor.__add__'... methods and operators (first parameter `self`)
//   'F.pad'                            the one functional form kept here (the other F.* are layers')
// Signatures are torch 1.13's Python signatures. Where torch accepts sizes both as varargs and as
// one sequence (x.view(2, 3) / x.view((2, 3)), torch.zeros(2, 3) / torch.zeros((2, 3))), the
// signature says `*size` and the op unwraps a single tuple/list/torch.Size argument. Overloads
// that Python cannot express in one signature (torch.max(input) / (input, dim) / (input, other),
// torch.arange(end) / (start, end, step)) share one signature and are told apart by the values.
// Defaults that torch spells as torch attributes (memory_format=torch.preserve_format,
// layout=torch.strided) are written `None`: the interpreter evaluates defaults as literals, and
// no op reads them.

import { byName } from './tensorOpsCommon';
import type { FunctionSpec } from './types';
import { concatSpecs } from './concat';
import { creationSpecs } from './creation';
import { elementwiseSpecs } from './elementwise';
import { indexingSpecs } from './indexing';
import { lengthAlongDimSpecs } from './lengthAlongDim';
import { matmulSpecs } from './matmul';
import { padSpecs } from './padFunction';
import { reduceSpecs } from './reduce';
import { shapeSpecs } from './shapeOps';

const all: readonly FunctionSpec[] = [
  ...elementwiseSpecs,
  ...concatSpecs,
  ...shapeSpecs,
  ...reduceSpecs,
  ...indexingSpecs,
  ...padSpecs,
  ...matmulSpecs,
  ...creationSpecs,
  ...lengthAlongDimSpecs,
];


export const tensorFunctionSpecs: ReadonlyMap<string, FunctionSpec> = byName(all);

/**
 * Tensor attributes that are properties in torch (`x.shape`, `x.T`): the interpreter evaluates the
 * attribute access itself as a call of the spec with `self` only, instead of returning a method.
 */
export const tensorPropertyNames: ReadonlySet<string> = new Set([
  'Tensor.shape',
  'Tensor.ndim',
  'Tensor.data',
  'Tensor.T',
  'Tensor.H',
  'Tensor.mT',
  'Tensor.mH',
]);
