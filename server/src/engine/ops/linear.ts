// Linear, Bilinear, Identity and F.linear / F.bilinear. A linear layer mixes its last dim, so
// the output has no spatial geometry any more (DESIGN: rf/jump are reported empty after it).

import { ArgReader, formatShape, invalid, makeTensor, numel, product } from './layerArgs';
import { broadcastShapes } from './elementwise';
import { OpError, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

export interface LinearConfig {
  inFeatures: number;
  outFeatures: number;
  bias: boolean;
}

/** Shared by Linear and F.linear. MACs: out_elements · in_features. */
/** The bias only counts parameters: running the layer reads the feature counts. */
export function linearForward(opName: string, c: Omit<LinearConfig, 'bias'>, input: Tensor): OpResult {
  if (input.shape.length === 0) {
    throw new OpError('shape-mismatch', `${opName} expects an input with at least 1 dimension, but got a 0-dimensional tensor`);
  }
  const features = input.shape[input.shape.length - 1]!;
  if (features !== c.inFeatures) {
    throw new OpError(
      'channel-mismatch',
      `${opName} expects ${c.inFeatures} input features but got ${features} (input shape ${formatShape(input.shape)})`,
    );
  }
  const out = makeTensor([...input.shape.slice(0, -1), c.outFeatures], null);
  return { value: out, macs: numel(out) * c.inFeatures };
}

function buildLinear(args: OpArgs): LinearConfig {
  const r = new ArgReader('Linear', args);
  const inFeatures = r.int('in_features');
  const outFeatures = r.int('out_features');
  if (inFeatures < 0 || outFeatures < 0) {
    throw invalid(`Linear: feature counts must not be negative (in_features=${inFeatures}, out_features=${outFeatures})`);
  }
  return { inFeatures, outFeatures, bias: r.bool('bias', true) };
}

export const linearModule: ModuleSpec<LinearConfig> = {
  name: 'Linear',
  signature: 'in_features, out_features, bias=True, device=None, dtype=None',
  build: buildLinear,
  params: (c) => c.inFeatures * c.outFeatures + (c.bias ? c.outFeatures : 0),
  forwardSignature: 'input',
  forward: (c, args) => linearForward('Linear', c, new ArgReader('Linear', args).tensor('input')),
  describe: (c) => `${c.inFeatures}→${c.outFeatures}${c.bias ? '' : ', no bias'}`,
};

/** F.linear(input, weight, bias=None): weight [out_features, in_features] (or [in_features]). */
export function functionalLinear(args: OpArgs): OpResult {
  const r = new ArgReader('F.linear', args);
  const input = r.tensor('input');
  const weight = r.tensor('weight');
  const bias = r.optionalTensor('bias');
  if (weight.shape.length === 1) {
    // A 1-D weight is a dot product over the last dim: the output drops that dim.
    const result = linearForward('F.linear', { inFeatures: weight.shape[0]!, outFeatures: 1 }, input);
    const out = makeTensor(input.shape.slice(0, -1), null);
    return { value: out, macs: result.macs };
  }
  if (weight.shape.length !== 2) {
    throw new OpError('shape-mismatch', `F.linear expects a 1D or 2D weight, got shape ${formatShape(weight.shape)}`);
  }
  const [outFeatures, inFeatures] = weight.shape as [number, number];
  const result = linearForward('F.linear', { inFeatures, outFeatures }, input);
  if (bias) {
    // torch 1.13 adds the bias with addmm on the input flattened to 2-D when it is 2-D or 3-D, and
    // in place on the output otherwise: the bias must expand to that target without growing it.
    const lead = input.shape.slice(0, -1);
    const target = lead.length === 1 || lead.length === 2 ? [product(lead), outFeatures] : [...lead, outFeatures];
    expandTo('F.linear', bias.shape, target);
  }
  return result;
}

/** torch's expand check: `shape` lines up with the end of `target`, each size equal or 1. */
function expandTo(opName: string, shape: readonly number[], target: readonly number[]): void {
  if (shape.length > target.length) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: expand(${formatShape(shape)}, size=${formatShape(target)}): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${shape.length})`,
    );
  }
  const offset = target.length - shape.length;
  shape.forEach((s, i) => {
    if (s !== 1 && s !== target[offset + i]) {
      throw new OpError(
        'shape-mismatch',
        `${opName}: The expanded size of the tensor (${target[offset + i]}) must match the existing size (${s}) at non-singleton dimension ${offset + i}.  Target sizes: ${formatShape(target)}.  Tensor sizes: ${formatShape(shape)}`,
      );
    }
  });
}

export interface BilinearConfig {
  in1: number;
  in2: number;
  outFeatures: number;
  bias: boolean;
}

/** Bilinear: y_k = x1ᵀ A_k x2 + b_k. MACs: out_elements · in1 · in2. */
export function bilinearForward(opName: string, c: Omit<BilinearConfig, 'bias'>, x1: Tensor, x2: Tensor): OpResult {
  if (x1.shape.length === 0 || x2.shape.length === 0) {
    throw new OpError('shape-mismatch', `${opName} expects inputs with at least 1 dimension`);
  }
  const f1 = x1.shape[x1.shape.length - 1]!;
  const f2 = x2.shape[x2.shape.length - 1]!;
  if (f1 !== c.in1) {
    throw new OpError('channel-mismatch', `${opName} expects ${c.in1} features in input1 but got ${f1} (input1 shape ${formatShape(x1.shape)})`);
  }
  if (f2 !== c.in2) {
    throw new OpError('channel-mismatch', `${opName} expects ${c.in2} features in input2 but got ${f2} (input2 shape ${formatShape(x2.shape)})`);
  }
  const lead1 = x1.shape.slice(0, -1);
  const lead2 = x2.shape.slice(0, -1);
  if (lead1.length !== lead2.length || lead1.some((s, i) => s !== lead2[i])) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: input batch dimensions do not match: got ${formatShape(lead1)} and ${formatShape(lead2)}`,
    );
  }
  const out = makeTensor([...lead1, c.outFeatures], null);
  return { value: out, macs: numel(out) * c.in1 * c.in2 };
}

export const bilinearModule: ModuleSpec<BilinearConfig> = {
  name: 'Bilinear',
  signature: 'in1_features, in2_features, out_features, bias=True, device=None, dtype=None',
  build: (args) => {
    const r = new ArgReader('Bilinear', args);
    return { in1: r.int('in1_features'), in2: r.int('in2_features'), outFeatures: r.int('out_features'), bias: r.bool('bias', true) };
  },
  params: (c) => c.outFeatures * c.in1 * c.in2 + (c.bias ? c.outFeatures : 0),
  forwardSignature: 'input1, input2',
  forward: (c, args) => {
    const r = new ArgReader('Bilinear', args);
    return bilinearForward('Bilinear', c, r.tensor('input1'), r.tensor('input2'));
  },
  describe: (c) => `${c.in1}×${c.in2}→${c.outFeatures}${c.bias ? '' : ', no bias'}`,
};

/** F.bilinear(input1, input2, weight, bias=None): weight [out, in1, in2]. */
export function functionalBilinear(args: OpArgs): OpResult {
  const r = new ArgReader('F.bilinear', args);
  const weight = r.tensor('weight');
  if (weight.shape.length !== 3) {
    throw new OpError('shape-mismatch', `F.bilinear expects a 3D weight [out, in1, in2], got shape ${formatShape(weight.shape)}`);
  }
  const [outFeatures, in1, in2] = weight.shape as [number, number, number];
  const result = bilinearForward('F.bilinear', { in1, in2, outFeatures }, r.tensor('input1'), r.tensor('input2'));
  const bias = r.optionalTensor('bias');
  if (!bias) return result;
  // torch's bilinear: the bias's first dim must be out_features; it is then added (broadcast) to the output.
  if (bias.shape.length === 0) throw new OpError('shape-mismatch', 'F.bilinear: dimension specified as 0 but the bias has no dimensions');
  if (bias.shape[0] !== outFeatures) {
    throw new OpError('shape-mismatch', `F.bilinear: bias size does not match weight size: got ${bias.shape[0]} but expected ${outFeatures}`);
  }
  const shape = broadcastShapes('F.bilinear', [{ label: 'output', shape: (result.value as Tensor).shape }, { label: 'bias', shape: bias.shape }]);
  return { ...result, value: makeTensor(shape, null) };
}

export const identityModule: ModuleSpec<null> = {
  name: 'Identity',
  signature: '*args, **kwargs',
  build: () => null,
  params: () => 0,
  forwardSignature: 'input',
  // Identity returns whatever it is given, tensor or not.
  forward: (_c, args) => ({ value: args['input'] ?? null, macs: 0 }),
  describe: () => '',
};
