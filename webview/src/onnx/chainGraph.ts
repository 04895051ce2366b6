// A chain of preview steps as an ONNX graph (opset 17, IR 8). Weights and biases are graph
// inputs, not initializers, so one session serves both weight sets (all-ones and PyTorch's
// default initialisation) and every input picture.
//
// PyTorch → ONNX attributes (measured against PyTorch in ../shared/recipes/onnxruntime-web):
//   nearest         → Resize nearest, asymmetric, nearest_mode floor
//   nearest-exact   → Resize nearest, half_pixel, round_prefer_ceil (torch: floor((o + ½)·scale))
//   bilinear        → Resize linear, half_pixel; align_corners=True → align_corners
//   bicubic         → Resize cubic, cubic_coeff_a −0.75, same coordinate modes
//   TF.js upSampling2d bilinear (bilinear-asymmetric) → Resize linear, asymmetric
//   PixelShuffle    → DepthToSpace CRD (the default DCR orders channels differently)

import { encodeModel, type OnnxGraph, type OnnxInitializer, type OnnxNode, type OnnxValueInfo } from './modelProto';
import { chainChannels, chainSizes, stepInChannels, type Chain, type ConvTransposeStep, type ResizeStep, type Step } from '../preview/steps';

export const INPUT_NAME = 'X';
export const OUTPUT_NAME = 'Y';

/** A weight or bias the chain reads, fed at run time. */
export interface ChainParameter {
  name: string;
  dims: number[];
  stepIndex: number;
  role: 'weight' | 'bias';
}

export function chainParameters(chain: Chain): ChainParameter[] {
  const params: ChainParameter[] = [];
  let channels = chain.inChannels;
  chain.steps.forEach((step, i) => {
    const inC = stepInChannels(step, channels);
    if (step.op === 'convTranspose') {
      params.push({ name: `W${i}`, dims: [inC, step.outChannels, ...step.kernel], stepIndex: i, role: 'weight' });
      if (step.bias) params.push({ name: `B${i}`, dims: [step.outChannels], stepIndex: i, role: 'bias' });
    } else if (step.op === 'conv') {
      params.push({ name: `W${i}`, dims: [step.outChannels, inC, ...step.kernel], stepIndex: i, role: 'weight' });
      if (step.bias) params.push({ name: `B${i}`, dims: [step.outChannels], stepIndex: i, role: 'bias' });
    }
    channels = step.op === 'depthToSpace' ? channels / (step.factor * step.factor) : step.op === 'resize' ? channels : step.outChannels;
  });
  return params;
}

export function chainInputDims(chain: Chain): number[] {
  return [1, chain.inChannels, ...chain.inSize];
}

export function chainOutputDims(chain: Chain): number[] {
  const sizes = chainSizes(chain);
  const channels = chainChannels(chain);
  return [1, channels.at(-1) ?? chain.inChannels, ...(sizes.at(-1) ?? chain.inSize)];
}

function resizeAttributes(step: ResizeStep): Record<string, string | number | { type: 'float'; value: number }> {
  const coordinates = step.alignCorners ? 'align_corners' : 'half_pixel';
  switch (step.mode) {
    case 'nearest':
      return { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
    case 'nearest-exact':
      return { mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' };
    case 'bilinear':
      return { mode: 'linear', coordinate_transformation_mode: coordinates };
    case 'bilinear-asymmetric':
      return { mode: 'linear', coordinate_transformation_mode: 'asymmetric' };
    case 'bicubic':
      return { mode: 'cubic', coordinate_transformation_mode: coordinates, cubic_coeff_a: { type: 'float', value: -0.75 }, exclude_outside: 0 };
  }
}

/**
 * torch accepts output_padding below max(stride, dilation); ONNX Runtime only below the stride.
 * The rest is expressed exactly: output_padding extends the end, where outputs up to `padding`
 * past the minimal size still receive taps, so a smaller end pad covers min(op, p) of it, and what
 * is left lies beyond every tap: zeros, then the bias. A negative output_padding (TF.js's 'same'
 * with k − s odd) becomes a larger end pad, which ONNX crops.
 */
function convTransposeNodes(step: ConvTransposeStep, i: number, input: string, output: string, initializers: OnnxInitializer[]): OnnxNode[] {
  const common = { kernel_shape: step.kernel, strides: step.stride, dilations: step.dilation, group: 1 };
  if (step.outputPadding.every((op, a) => op >= 0 && op < step.stride[a]!)) {
    return [
      {
        opType: 'ConvTranspose',
        name: `step${i}`,
        inputs: [input, `W${i}`, ...(step.bias ? [`B${i}`] : [])],
        outputs: [output],
        attributes: { ...common, pads: [step.padding[0], step.padding[1], step.padding[0], step.padding[1]], output_padding: step.outputPadding },
      },
    ];
  }
  const covered = [0, 1].map((a) => Math.min(step.outputPadding[a]!, step.padding[a]!));
  const rest = [0, 1].map((a) => step.outputPadding[a]! - covered[a]!);
  const nodes: OnnxNode[] = [
    {
      opType: 'ConvTranspose',
      name: `step${i}`,
      inputs: [input, `W${i}`],
      outputs: [`${output}_taps`],
      attributes: { ...common, pads: [step.padding[0], step.padding[1], step.padding[0] - covered[0]!, step.padding[1] - covered[1]!] },
    },
  ];
  initializers.push({ name: `pads${i}`, dims: [8], data: [0, 0, 0, 0, 0, 0, rest[0]!, rest[1]!], type: 'int64' });
  const padded = step.bias ? `${output}_padded` : output;
  nodes.push({ opType: 'Pad', name: `step${i}_pad`, inputs: [`${output}_taps`, `pads${i}`], outputs: [padded], attributes: { mode: 'constant' } });
  if (step.bias) {
    initializers.push({ name: `biasShape${i}`, dims: [4], data: [1, step.outChannels, 1, 1], type: 'int64' });
    nodes.push({ opType: 'Reshape', name: `step${i}_bias`, inputs: [`B${i}`, `biasShape${i}`], outputs: [`B${i}_4d`] });
    nodes.push({ opType: 'Add', name: `step${i}_add`, inputs: [padded, `B${i}_4d`], outputs: [output] });
  }
  return nodes;
}

function stepNodes(step: Step, i: number, input: string, output: string, channels: number, initializers: OnnxInitializer[]): OnnxNode[] {
  return step.op === 'convTranspose' ? convTransposeNodes(step, i, input, output, initializers) : [stepNode(step, i, input, output, channels, initializers)];
}

function stepNode(step: Exclude<Step, ConvTransposeStep>, i: number, input: string, output: string, channels: number, initializers: OnnxInitializer[]): OnnxNode {
  switch (step.op) {
    case 'conv':
      return {
        opType: 'Conv',
        name: `step${i}`,
        inputs: [input, `W${i}`, ...(step.bias ? [`B${i}`] : [])],
        outputs: [output],
        attributes: { kernel_shape: step.kernel, strides: [1, 1], pads: step.pads, dilations: step.dilation, group: 1 },
      };
    case 'resize': {
      const inputs = [input, ''];
      if (step.scales) {
        initializers.push({ name: `scales${i}`, dims: [4], data: [1, 1, step.scales[0], step.scales[1]] });
        inputs.push(`scales${i}`);
      } else {
        initializers.push({ name: `sizes${i}`, dims: [4], data: [1, channels, step.sizes![0], step.sizes![1]], type: 'int64' });
        inputs.push('', `sizes${i}`);
      }
      return { opType: 'Resize', name: `step${i}`, inputs, outputs: [output], attributes: resizeAttributes(step) };
    }
    case 'depthToSpace':
      return { opType: 'DepthToSpace', name: `step${i}`, inputs: [input], outputs: [output], attributes: { blocksize: step.factor, mode: 'CRD' } };
  }
}

export function chainGraph(chain: Chain): OnnxGraph {
  const initializers: OnnxInitializer[] = [];
  const nodes: OnnxNode[] = [];
  const channelsAfter = chainChannels(chain);
  let current = INPUT_NAME;
  let channels = chain.inChannels;
  chain.steps.forEach((step, i) => {
    const output = i === chain.steps.length - 1 ? OUTPUT_NAME : `t${i}`;
    nodes.push(...stepNodes(step, i, current, output, channels, initializers));
    current = output;
    channels = channelsAfter[i]!;
  });
  if (!chain.steps.length) nodes.push({ opType: 'Identity', inputs: [INPUT_NAME], outputs: [OUTPUT_NAME] });
  const inputs: OnnxValueInfo[] = [
    { name: INPUT_NAME, shape: chainInputDims(chain) },
    ...chainParameters(chain).map((p) => ({ name: p.name, shape: p.dims })),
  ];
  return { name: 'convlens_preview', nodes, initializers, inputs, outputs: [{ name: OUTPUT_NAME, shape: chainOutputDims(chain) }] };
}

export function chainModel(chain: Chain): Uint8Array {
  return encodeModel(chainGraph(chain), { producerName: 'convlens-preview' });
}
