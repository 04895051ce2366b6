// The weights a preview runs with: all-ones (the output of a constant input is then the overlap
// map, exact integers) or PyTorch's default initialisation drawn from a seeded generator (what an
// untrained layer paints). torch initialises Conv and ConvTranspose weights with
// kaiming_uniform_(a=√5), i.e. U(−1/√fan_in, 1/√fan_in), and biases with the same bound; fan_in
// is weight.size(1)·kh·kw, which for a transposed convolution is out_channels/groups·kh·kw.

import { chainParameters, type ChainParameter } from '../onnx/chainGraph';
import { randomFor } from './random';
import type { Chain, Step } from './steps';

export type WeightMode = 'ones' | 'default';

function uniform(count: number, bound: number, random: () => number): Float32Array {
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = bound * (2 * random() - 1);
  return data;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * A parameter under the default initialisation. ICNR draws one kernel (and bias) per output
 * channel of the shuffle and repeats it for the factor² channels that DepthToSpace (CRD) turns
 * into that channel's sub-pixel positions.
 */
function defaultParameter(param: ChainParameter, step: Step, seed: number, variant: string): Float32Array {
  if (step.op !== 'conv' && step.op !== 'convTranspose') throw new Error(`step ${param.stepIndex} has no parameters`);
  const bound = 1 / Math.sqrt(step.init.fanIn);
  const random = randomFor(seed, `${variant}/${param.stepIndex}/${param.role}`);
  if (step.init.kind !== 'icnr') return uniform(product(param.dims), bound, random);
  const group = step.init.factor * step.init.factor;
  const perChannel = product(param.dims.slice(1));
  const out = new Float32Array(product(param.dims));
  const drawn = uniform((param.dims[0]! / group) * perChannel, bound, random);
  for (let c = 0; c < param.dims[0]!; c++) {
    const source = Math.floor(c / group);
    out.set(drawn.subarray(source * perChannel, (source + 1) * perChannel), c * perChannel);
  }
  return out;
}

/** Every weight and bias of the chain, by graph input name. Biases are 0 with all-ones weights. */
export function chainWeights(chain: Chain, mode: WeightMode, seed: number, variant: string): Map<string, Float32Array> {
  const values = new Map<string, Float32Array>();
  for (const param of chainParameters(chain)) {
    const step = chain.steps[param.stepIndex]!;
    if (mode === 'ones') values.set(param.name, new Float32Array(product(param.dims)).fill(param.role === 'weight' ? 1 : 0));
    else values.set(param.name, defaultParameter(param, step, seed, variant));
  }
  return values;
}
