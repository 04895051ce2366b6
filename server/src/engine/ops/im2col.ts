// F.unfold / F.fold and nn.Unfold / nn.Fold (im2col / col2im, torch 1.13 ATen checks and
// messages). Unfold: [N, C, H, W] → [N, C·kh·kw, L], L the number of sliding blocks; fold the
// inverse: [N, C·kh·kw, L] → [N, C, out_h, out_w], summing overlapping blocks. No MACs (DESIGN.md:
// data movement is free). The block axis L mixes both spatial axes, so results carry no geometry.

import { ArgReader, formatShape, invalid, makeTensor } from './layerArgs';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

interface WindowArgs {
  kernel: number[];
  dilation: number[];
  padding: number[];
  stride: number[];
}

// im2col/col2im take an int or exactly two values: unlike the pooling ops, ATen does not expand a
// one-element list ("It is expected kernel_size equals to 2, but got size 1").
function readWindow(r: ArgReader): WindowArgs {
  return {
    kernel: r.ints('kernel_size', 2, undefined, false),
    dilation: r.ints('dilation', 2, 1, false),
    padding: r.ints('padding', 2, 0, false),
    stride: r.ints('stride', 2, 1, false),
  };
}

const pair = (v: readonly number[]): string => `(${v.join(', ')})`;

function checkWindow(opName: string, w: WindowArgs): void {
  const [kh, kw] = w.kernel as [number, number];
  const [dh, dw] = w.dilation as [number, number];
  const [ph, pw] = w.padding as [number, number];
  const [sh, sw] = w.stride as [number, number];
  if (kh <= 0 || kw <= 0) throw invalid(`${opName}: kernel size should be greater than zero, but got kernel_height: ${kh} kernel_width: ${kw}`);
  if (dh <= 0 || dw <= 0) throw invalid(`${opName}: dilation should be greater than zero, but got dilation_height: ${dh} dilation_width: ${dw}`);
  if (ph < 0 || pw < 0) throw invalid(`${opName}: padding should be non-negative, but got pad_height: ${ph} pad_width: ${pw}`);
  if (sh <= 0 || sw <= 0) throw invalid(`${opName}: stride should be greater than zero, but got stride_height: ${sh} stride_width: ${sw}`);
}

/** Sliding blocks along each axis of a size-(h, w) plane. */
function blocks(size: readonly number[], w: WindowArgs): [number, number] {
  const out = size.map((s, i) => Math.floor((s + 2 * w.padding[i]! - w.dilation[i]! * (w.kernel[i]! - 1) - 1) / w.stride[i]!) + 1);
  return [out[0]!, out[1]!];
}

export function unfoldForward(opName: string, input: Tensor, w: WindowArgs): OpResult {
  checkWindow(opName, w);
  const rank = input.shape.length;
  if ((rank !== 3 && rank !== 4) || input.shape.slice(rank - 3).some((s) => s === 0)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and other non-zero dimensions for input, but got: ${formatShape(input.shape)}`,
    );
  }
  const [c, h, wd] = input.shape.slice(rank - 3) as [number, number, number];
  const [bh, bw] = blocks([h, wd], w);
  if (bh < 1 || bw < 1) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: Given input with spatial size (${h}, ${wd}), kernel_size=${pair(w.kernel)}, dilation=${pair(w.dilation)}, padding=${pair(w.padding)}, ` +
        `calculated shape of the array of sliding blocks as (${bh}, ${bw}), but its components must be at least one.`,
    );
  }
  const shape = [...input.shape.slice(0, rank - 3), c * w.kernel[0]! * w.kernel[1]!, bh * bw];
  return { value: makeTensor(shape, null), macs: 0 };
}

export function foldForward(opName: string, input: Tensor, outputSize: number[], w: WindowArgs): OpResult {
  checkWindow(opName, w);
  const rank = input.shape.length;
  if ((rank !== 2 && rank !== 3) || input.shape.slice(rank - 2).some((s) => s === 0)) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch size and non-zero dimensions for input, but got: ${formatShape(input.shape)}`,
    );
  }
  // torch has no check of its own for output_size ≤ 0: the sliding-block count below refuses it.
  const [oh, ow] = outputSize as [number, number];
  const [cols, l] = input.shape.slice(rank - 2) as [number, number];
  const k = w.kernel[0]! * w.kernel[1]!;
  if (cols % k !== 0) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: Expected size of input's dimension 1 to be divisible by the product of kernel_size, but got input.size(1)=${cols} and kernel_size=${pair(w.kernel)}.`,
    );
  }
  const [bh, bw] = blocks([oh, ow], w);
  // (With bh ≥ 1, a bw < 1 makes the product ≤ 0, never the positive l.)
  if (bh < 1 || bh * bw !== l) {
    throw new OpError(
      'shape-mismatch',
      `${opName}: Given output_size=${pair(outputSize)}, kernel_size=${pair(w.kernel)}, dilation=${pair(w.dilation)}, padding=${pair(w.padding)}, stride=${pair(w.stride)}, ` +
        `expected size of input's dimension 2 to match the calculated number of sliding blocks ${bh} * ${bw} = ${bh * bw}, but got input.size(2)=${l}.`,
    );
  }
  const shape = [...input.shape.slice(0, rank - 2), cols / k, oh, ow];
  return { value: makeTensor(shape, null), macs: 0 };
}

const UNFOLD_ARGS = 'kernel_size, dilation=1, padding=0, stride=1';
const FOLD_ARGS = 'output_size, kernel_size, dilation=1, padding=0, stride=1';

type FoldConfig = WindowArgs & { outputSize: number[] | null };

const describeWindow = (c: FoldConfig): string =>
  `${c.outputSize ? `output_size=${pair(c.outputSize)}, ` : ''}kernel_size=${pair(c.kernel)}, dilation=${pair(c.dilation)}, padding=${pair(c.padding)}, stride=${pair(c.stride)}`;

export const im2colModules: readonly ModuleSpec<FoldConfig>[] = [
  {
    name: 'Unfold',
    signature: UNFOLD_ARGS,
    build: (args) => ({ ...readWindow(new ArgReader('Unfold', args)), outputSize: null }),
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => unfoldForward('Unfold', new ArgReader('Unfold', args).tensor('input'), c),
    describe: describeWindow,
  },
  {
    name: 'Fold',
    signature: FOLD_ARGS,
    build: (args) => {
      const r = new ArgReader('Fold', args);
      return { ...readWindow(r), outputSize: r.ints('output_size', 2, undefined, false) };
    },
    params: () => 0,
    forwardSignature: 'input',
    forward: (c, args) => foldForward('Fold', new ArgReader('Fold', args).tensor('input'), c.outputSize!, c),
    describe: describeWindow,
  },
];

export const im2colFunctions: readonly FunctionSpec[] = [
  {
    name: 'F.unfold',
    signature: `input, ${UNFOLD_ARGS}`,
    apply: (args: OpArgs) => {
      const r = new ArgReader('F.unfold', args);
      return unfoldForward('F.unfold', r.tensor('input'), readWindow(r));
    },
  },
  {
    name: 'F.fold',
    signature: `input, ${FOLD_ARGS}`,
    apply: (args: OpArgs) => {
      const r = new ArgReader('F.fold', args);
      return foldForward('F.fold', r.tensor('input'), r.ints('output_size', 2, undefined, false), readWindow(r));
    },
  },
];
