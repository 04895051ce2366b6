// MACs of one application of a real TF.js layer, worked out here from the layer's own getConfig()
// and the shapes TF.js gave the application — never from ConvLens. The convention is DESIGN.md's:
// multiply–accumulates of convolutions, transposed convolutions, dense layers and matrix products
// only (recurrent cells are matrix products at each step; Dot is one), nothing for elementwise
// work, normalisation, pooling, reshaping or lookups (Embedding).

/** TF.js's symbolic batch (null) counts as 1: ConvLens analyses a symbolic batch as 1. */
export type TfShape = (number | null)[];

/** The parts of a real TF.js layer object the formulas read (all public in TF.js's Layer API,
 *  except the wrapped / cell objects, which are plain fields of the real instances). */
export interface TfLayerLike {
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  /** RNN layers (LSTM, GRU, SimpleRNN, RNN): the cell; StackedRNNCells: its cells. */
  cell?: TfLayerLike;
  cells?: TfLayerLike[];
  /** TimeDistributed: the layer applied at each step; Bidirectional: its two directions. */
  layer?: TfLayerLike;
  forwardLayer?: TfLayerLike;
  backwardLayer?: TfLayerLike;
  /** Separable convolutions: the depthwise kernel, [...kernelSize, inputDim, depthMultiplier]. */
  depthwiseKernel?: { shape: number[] };
}

const numel = (shape: TfShape): number => shape.reduce<number>((n, d) => n * (d ?? 1), 1);
const prod = (xs: number[]): number => xs.reduce((n, d) => n * d, 1);

function numbers(config: Record<string, unknown>, key: string): number[] {
  const v = config[key];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  if (typeof v === 'number') return [v];
  throw new Error(`config.${key} is ${JSON.stringify(v)}`);
}

function number(config: Record<string, unknown>, key: string): number {
  const v = config[key];
  if (typeof v !== 'number') throw new Error(`config.${key} is ${JSON.stringify(v)}`);
  return v;
}

/** The channels of a conv input: last axis, or axis 1 for channelsFirst. */
function channelsOf(shape: TfShape, config: Record<string, unknown>): number {
  const d = config.dataFormat === 'channelsFirst' ? shape[1] : shape[shape.length - 1];
  if (typeof d !== 'number') throw new Error(`no channel count in ${JSON.stringify(shape)}`);
  return d;
}

/** TF.js's SeparableConv.getConfig() leaves depthMultiplier out (DepthwiseConv2D's keeps it):
 *  then the last axis of the depthwise kernel TF.js built holds it. */
function depthMultiplier(layer: TfLayerLike, config: Record<string, unknown>): number {
  if (typeof config.depthMultiplier === 'number') return config.depthMultiplier;
  const shape = layer.depthwiseKernel?.shape;
  if (!shape) throw new Error(`${layer.getClassName()}: no depthMultiplier in its config nor a depthwise kernel`);
  return shape[shape.length - 1]!;
}

/** Gate matrices per cell kind: one product of [input, state] by a [·, units] weight each. */
const GATES: Record<string, number> = { SimpleRNNCell: 1, GRUCell: 3, LSTMCell: 4 };

/** MACs of one step of a cell (or a stack of cells) on `inputDim` features; the dimension after it. */
function cellStep(cell: TfLayerLike, inputDim: number): { macs: number; dim: number } {
  const name = cell.getClassName();
  if (name === 'StackedRNNCells') {
    let macs = 0;
    let dim = inputDim;
    for (const c of cell.cells ?? []) {
      const step = cellStep(c, dim);
      macs += step.macs;
      dim = step.dim;
    }
    return { macs, dim };
  }
  const gates = GATES[name];
  if (gates === undefined) throw new Error(`no formula for the cell ${name}`);
  const units = number(cell.getConfig(), 'units');
  // kernel [inputDim, gates·units] on the input, recurrentKernel [units, gates·units] on the state.
  return { macs: gates * units * (inputDim + units), dim: units };
}

/** Layers with no multiply–accumulates under the convention. */
const NO_MACS = new Set([
  'Activation', 'ReLU', 'LeakyReLU', 'PReLU', 'ELU', 'ThresholdedReLU', 'Softmax',
  'BatchNormalization', 'LayerNormalization',
  'MaxPooling1D', 'MaxPooling2D', 'MaxPooling3D', 'AveragePooling1D', 'AveragePooling2D', 'AveragePooling3D',
  'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'GlobalAveragePooling1D', 'GlobalAveragePooling2D',
  'Flatten', 'Reshape', 'Permute', 'RepeatVector', 'ZeroPadding2D', 'Cropping2D', 'UpSampling2D',
  'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout',
  'Add', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Embedding', 'Masking',
]);

/**
 * The MACs of one application: `inputs` / `outputs` are the shapes of that application's tensors.
 * `custom`: class names of the file's own layers (`extends tf.layers.Layer`): their call() is user
 * code, which the convention does not cost. Any other class without a formula here throws, so a
 * layer added to a test model is worked out before it is compared.
 */
export function layerMacs(layer: TfLayerLike, inputs: TfShape[], outputs: TfShape[], custom: ReadonlySet<string>): number {
  const name = layer.getClassName();
  const config = layer.getConfig();
  const x = inputs[0]!;
  const y = outputs[0]!;
  switch (name) {
    case 'Conv1D':
    case 'Conv2D':
    case 'Conv3D':
      // Every output element: a kernel window over every input channel (TF.js has no groups).
      return numel(y) * channelsOf(x, config) * prod(numbers(config, 'kernelSize'));
    case 'Conv2DTranspose':
    case 'Conv3DTranspose':
      // Every input element is multiplied into a kernel window of every output filter.
      return numel(x) * number(config, 'filters') * prod(numbers(config, 'kernelSize'));
    case 'DepthwiseConv2D':
      // Every output channel reads one input channel's window.
      return numel(y) * prod(numbers(config, 'kernelSize'));
    case 'SeparableConv1D':
    case 'SeparableConv2D': {
      // A depthwise step (channels × depthMultiplier intermediate channels, one window each),
      // then a 1×1 pointwise convolution from those channels to `filters`, at each output position.
      const filters = number(config, 'filters');
      const mid = channelsOf(x, config) * depthMultiplier(layer, config);
      const positions = numel(y) / filters;
      const depthwise = positions * mid * prod(numbers(config, 'kernelSize'));
      const pointwise = positions * mid * filters;
      return depthwise + pointwise;
    }
    case 'Dense':
      // Applied to the last axis: every input element times every unit.
      return numel(x) * number(config, 'units');
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
    case 'RNN': {
      const [batch, steps, features] = x;
      if (typeof steps !== 'number' || typeof features !== 'number') throw new Error(`${name}: input ${JSON.stringify(x)}`);
      return (batch ?? 1) * steps * cellStep(layer.cell!, features).macs;
    }
    case 'ConvLSTM2D': {
      if (config.dataFormat === 'channelsFirst') throw new Error('ConvLSTM2D channelsFirst: no formula');
      const [batch, steps, , , channels] = x;
      const [oh, ow] = y.slice(-3, -1) as number[];
      const filters = number(config, 'filters');
      const window = prod(numbers(config, 'kernelSize'));
      // Four gates: a convolution of the frame (channels) and of the state (filters), each with
      // the kernel window, at every output position of every step.
      return (batch ?? 1) * steps! * 4 * oh! * ow! * filters * window * (channels! + filters);
    }
    case 'Bidirectional':
      return layerMacs(layer.forwardLayer!, inputs.slice(0, 1), [], custom) + layerMacs(layer.backwardLayer!, inputs.slice(0, 1), [], custom);
    case 'TimeDistributed': {
      // The wrapped layer on each step's slice: the time axis (1) removed from input and output.
      const steps = x[1]!;
      const drop = (s: TfShape): TfShape => [s[0]!, ...s.slice(2)];
      return steps! * layerMacs(layer.layer!, [drop(x)], [drop(y)], custom);
    }
    case 'Dot': {
      // A matrix product: every output element sums over the contracted axis.
      const axes = config.axes as number | number[];
      const a = Array.isArray(axes) ? axes[0]! : axes;
      const axis = a < 0 ? a + x.length : a;
      return numel(y) * x[axis]!;
    }
    default:
      if (NO_MACS.has(name) || custom.has(name)) return 0;
      throw new Error(`no MACs formula for the TF.js layer ${name}`);
  }
}
