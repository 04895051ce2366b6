// The preview's one-channel operator chains: what each step computes, its output size, and the
// parameters it needs. A step is plain data so that the same chain builds an ONNX graph (for
// onnxruntime-web and, in tests, onnxruntime-node) and a reference loop can check it.

export type Pair = [number, number];

/** How a step's weights are drawn when the preview uses PyTorch's default initialisation. */
export type InitKind =
  /** kaiming_uniform_(a=√5): U(−1/√fan_in, 1/√fan_in), as torch initialises conv layers. */
  | { kind: 'default'; fanIn: number }
  /** ICNR (Aitken et al. 2017): one default-initialised kernel per output channel of the
   *  shuffle, repeated for its factor² sub-pixel positions, so the shuffle starts as nearest
   *  up-sampling followed by a convolution. */
  | { kind: 'icnr'; fanIn: number; factor: number };

export interface ConvTransposeStep {
  op: 'convTranspose';
  inChannels: number;
  outChannels: number;
  kernel: Pair;
  stride: Pair;
  padding: Pair;
  dilation: Pair;
  /** Added at the end; −1 crops one more there than at the start (TF.js's 'same' when k − s is
   *  odd: floor at the start, the rest at the end). */
  outputPadding: Pair;
  bias: boolean;
  init: InitKind;
}

export interface ConvStep {
  op: 'conv';
  inChannels: number;
  outChannels: number;
  kernel: Pair;
  /** Zero padding [top, left, bottom, right] (ONNX order); torch's padding='same' with an even
   *  kernel pads more at the end. */
  pads: [number, number, number, number];
  dilation: Pair;
  bias: boolean;
  init: InitKind;
}

/** 'bilinear-asymmetric': TF.js's resizeBilinear (upSampling2d) without half-pixel centres,
 *  output o reads input o·in/out. */
export type ResizeMode = 'nearest' | 'nearest-exact' | 'bilinear' | 'bicubic' | 'bilinear-asymmetric';

export interface ResizeStep {
  op: 'resize';
  mode: ResizeMode;
  alignCorners: boolean;
  /** torch's scale_factor (coordinates map with 1/scale); null: `sizes` decide (in/out). */
  scales: Pair | null;
  /** The output size when `scales` is null. */
  sizes: Pair | null;
}

export interface DepthToSpaceStep {
  op: 'depthToSpace';
  factor: number;
}

export type Step = ConvTransposeStep | ConvStep | ResizeStep | DepthToSpaceStep;

export function stepInChannels(step: Step, fallback: number): number {
  return step.op === 'conv' || step.op === 'convTranspose' ? step.inChannels : fallback;
}

export function stepOutChannels(step: Step, inChannels: number): number {
  switch (step.op) {
    case 'conv':
    case 'convTranspose':
      return step.outChannels;
    case 'resize':
      return inChannels;
    case 'depthToSpace':
      return inChannels / (step.factor * step.factor);
  }
}

/** Output spatial size of one step (torch's formulas; ONNX computes the same). */
export function stepOutSize(step: Step, size: Pair): Pair {
  switch (step.op) {
    case 'convTranspose':
      return [0, 1].map(
        (a) => (size[a]! - 1) * step.stride[a]! - 2 * step.padding[a]! + step.dilation[a]! * (step.kernel[a]! - 1) + 1 + step.outputPadding[a]!,
      ) as Pair;
    case 'conv':
      return [0, 1].map((a) => size[a]! + step.pads[a]! + step.pads[a + 2]! - step.dilation[a]! * (step.kernel[a]! - 1)) as Pair;
    case 'resize':
      return step.scales ? ([0, 1].map((a) => Math.floor(size[a]! * step.scales![a]!)) as Pair) : ([...step.sizes!] as Pair);
    case 'depthToSpace':
      return [size[0] * step.factor, size[1] * step.factor];
  }
}

export interface Chain {
  steps: Step[];
  /** Channels of the input tensor (a pixel shuffle at the start reads factor² channels). */
  inChannels: number;
  inSize: Pair;
}

/** Sizes after each step; the last one is the chain's output. */
export function chainSizes(chain: Chain): Pair[] {
  const sizes: Pair[] = [];
  let size = chain.inSize;
  for (const step of chain.steps) {
    size = stepOutSize(step, size);
    sizes.push(size);
  }
  return sizes;
}

export function chainOutSize(chain: Chain): Pair {
  return chainSizes(chain).at(-1) ?? chain.inSize;
}

/** Channels after each step. */
export function chainChannels(chain: Chain): number[] {
  let c = chain.inChannels;
  return chain.steps.map((s) => (c = stepOutChannels(s, c)));
}

/**
 * The period along each axis at which an up-sampling chain repeats itself in the interior: the
 * product of the strides and integer factors; a resize by a fraction p/q (lowest terms) repeats
 * every p output pixels.
 */
export function chainPeriod(chain: Chain): Pair {
  const period: Pair = [1, 1];
  let size = chain.inSize;
  for (const step of chain.steps) {
    const out = stepOutSize(step, size);
    for (const a of [0, 1] as const) {
      if (step.op === 'convTranspose') period[a] *= step.stride[a];
      else if (step.op === 'depthToSpace') period[a] *= step.factor;
      else if (step.op === 'resize') period[a] *= resizePeriod(step, size[a], out[a], a);
    }
    size = out;
  }
  return period;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

/** Longer sampling periods than this are treated as no period: the grid hardly repeats. */
const MAX_RESIZE_PERIOD = 16;

/**
 * Output pixels after which a resize's sampling phase repeats: p for a scale p/q in lowest terms.
 * align_corners maps o to o·(in−1)/(out−1), whose phase does not repeat at a small period for
 * the usual sizes, and a resize of a constant is constant anyway: it counts as 1, and so does a
 * ratio whose period exceeds MAX_RESIZE_PERIOD.
 */
function resizePeriod(step: ResizeStep, inSize: number, outSize: number, axis: 0 | 1): number {
  if (step.alignCorners && step.mode !== 'nearest' && step.mode !== 'nearest-exact') return 1;
  const scale = step.scales ? step.scales[axis] : outSize / inSize;
  for (let q = 1; q <= MAX_RESIZE_PERIOD; q++) {
    const p = Math.round(scale * q);
    if (Math.abs(p / q - scale) < 1e-9) {
      const period = p / gcd(p, q);
      return period <= MAX_RESIZE_PERIOD ? period : 1;
    }
  }
  return 1;
}

/**
 * How far (in output pixels) the border's influence reaches into the output, at either end:
 * outside this margin every output reads only inputs that are themselves clear of the border (a
 * full, unpadded neighbourhood), so the interior is periodic. Exact for the convolutions (a
 * transposed convolution's output o reads inputs (o + p − t·d)/s), one output pixel of slack
 * for resizes.
 */
export function chainMargin(chain: Chain): Pair {
  const margin: Pair = [0, 0];
  let size = chain.inSize;
  for (const step of chain.steps) {
    const out = stepOutSize(step, size);
    for (const a of [0, 1] as const) {
      const m = margin[a];
      switch (step.op) {
        case 'convTranspose':
          // A negative output padding shortens the end only: the start keeps its full reach.
          margin[a] = Math.max(0, m * step.stride[a] + step.dilation[a] * (step.kernel[a] - 1) - step.padding[a] + Math.max(0, step.outputPadding[a]));
          break;
        case 'conv':
          margin[a] = m + Math.max(step.pads[a], step.pads[a + 2]);
          break;
        case 'resize': {
          // Output o reads around input (o + ½)/scale − ½: nearest 1 tap, linear 2, cubic 4.
          const scale = Math.max(1, out[a] / Math.max(1, size[a]));
          const reach = step.mode === 'bicubic' ? 3 : step.mode === 'bilinear' || step.mode === 'bilinear-asymmetric' ? 1 : 0;
          margin[a] = Math.ceil((m + reach) * scale) + 1;
          break;
        }
        case 'depthToSpace':
          margin[a] = m * step.factor;
          break;
      }
    }
    size = out;
  }
  return margin;
}
