// Activations, softmax-like layers and dropout (torch 1.13): shape and geometry pass through,
// except GLU (halves a dim). PReLU is the one with parameters.

import { ArgReader, describeValue, formatShape, invalid, makeTensor, nonDefaultDescriber, normalizeDim, sameGeometry } from './layerArgs';
import { geometryWithoutAxis } from './tensorOpsCommon';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type OpValue, type Tensor } from './types';

/** A module config: the constructor arguments as read, for `describe`. */
export type ActivationConfig = Record<string, OpValue>;

interface Activation {
  name: string;
  signature: string;
  /** Checks constructor arguments; returns what `describe` shows. */
  validate?: (r: ArgReader) => ActivationConfig;
  /** Checks the input against the config (most activations accept any tensor). */
  forward?: (input: Tensor, config: ActivationConfig, opName: string) => Tensor;
  params?: (config: ActivationConfig) => number;
}

function checkProbability(r: ArgReader): ActivationConfig {
  const p = r.number('p', 0.5);
  if (p < 0 || p > 1) throw invalid(`${r.opName}: dropout probability has to be between 0 and 1, but got ${p}`);
  return { p };
}

/**
 * Softmax-like output: each position is normalised over the whole `dim`, so a spatial `dim` is no
 * longer a local window (its geometry is dropped). Without dim, torch's _get_softmax_dim: 0-, 1-
 * and 3-D inputs use dim 0, others dim 1.
 */
function softmaxOutput(opName: string, input: Tensor, dim: OpValue | undefined): Tensor {
  const rank = input.shape.length;
  if (dim !== undefined && dim !== null && typeof dim !== 'number') throw invalid(`${opName}: dim must be an integer, got ${describeValue(dim)}`);
  const d = typeof dim === 'number' ? normalizeDim(dim, rank, opName) : rank === 1 || rank === 3 ? 0 : 1;
  return makeTensor(input.shape, geometryWithoutAxis(input, d));
}

function softmaxLike(name: string): Activation {
  return {
    name,
    signature: 'dim=None',
    validate: (r) => ({ dim: r.optionalInt('dim') }),
    forward: (input, c, opName) => softmaxOutput(opName, input, c['dim']),
  };
}

function glu(input: Tensor, dimValue: number, opName: string): Tensor {
  if (input.shape.length === 0) throw new OpError('shape-mismatch', `${opName}: glu does not support scalars because halving size must be even`);
  const dim = normalizeDim(dimValue, input.shape.length, opName);
  const size = input.shape[dim]!;
  if (size % 2 !== 0) {
    throw new OpError('shape-mismatch', `${opName}: halving dimension must be even, but dimension ${dim} is size ${size} (input shape ${formatShape(input.shape)})`);
  }
  const shape = [...input.shape];
  shape[dim] = size / 2;
  return sameGeometry(input, shape);
}

function prelu(input: Tensor, numParameters: number, opName: string): Tensor {
  if (numParameters !== 1) {
    if (input.shape.length === 0) throw new OpError('shape-mismatch', `${opName}: zero-dim input is not allowed with ${numParameters} parameters`);
    const channels = input.shape.length >= 2 ? input.shape[1]! : 1;
    if (channels !== numParameters) {
      throw new OpError(
        'channel-mismatch',
        `${opName} has ${numParameters} parameters (one per channel) but the input has ${channels} channels (input shape ${formatShape(input.shape)})`,
      );
    }
  }
  return sameGeometry(input);
}

/** Hard/Softshrink's threshold. */
function shrinkLambd(r: ArgReader): ActivationConfig {
  return { lambd: r.number('lambd', 0.5) };
}

const ACTIVATIONS: readonly Activation[] = [
  { name: 'ReLU', signature: 'inplace=False' },
  { name: 'ReLU6', signature: 'inplace=False' },
  {
    name: 'LeakyReLU',
    signature: 'negative_slope=0.01, inplace=False',
    validate: (r) => ({ negative_slope: r.number('negative_slope', 0.01) }),
  },
  {
    name: 'PReLU',
    signature: 'num_parameters=1, init=0.25, device=None, dtype=None',
    validate: (r) => {
      const n = r.int('num_parameters', 1);
      // torch.empty(n) for the weight: 0 parameters build (and refuse every input), a negative count does not.
      if (n < 0) throw invalid(`PReLU: Trying to create tensor with negative dimension ${n}: [${n}]`);
      return { num_parameters: n };
    },
    forward: (input, c, opName) => prelu(input, c['num_parameters'] as number, opName),
    params: (c) => c['num_parameters'] as number,
  },
  {
    name: 'RReLU',
    signature: 'lower=0.125, upper=0.3333333333333333, inplace=False',
    validate: (r) => ({ lower: r.number('lower', 0.125), upper: r.number('upper', 1 / 3) }),
  },
  { name: 'ELU', signature: 'alpha=1.0, inplace=False', validate: (r) => ({ alpha: r.number('alpha', 1) }) },
  { name: 'SELU', signature: 'inplace=False' },
  { name: 'CELU', signature: 'alpha=1.0, inplace=False', validate: (r) => ({ alpha: r.number('alpha', 1) }) },
  {
    name: 'GELU',
    signature: "approximate='none'",
    validate: (r) => {
      const approximate = r.string('approximate', 'none');
      if (approximate !== 'none' && approximate !== 'tanh') {
        throw invalid(`GELU: approximate argument must be either 'none' or 'tanh', got '${approximate}'`);
      }
      return { approximate };
    },
  },
  { name: 'SiLU', signature: 'inplace=False' },
  { name: 'Mish', signature: 'inplace=False' },
  { name: 'Sigmoid', signature: '' },
  { name: 'Tanh', signature: '' },
  { name: 'LogSigmoid', signature: '' },
  { name: 'Softsign', signature: '' },
  { name: 'Tanhshrink', signature: '' },
  {
    name: 'Hardshrink',
    signature: 'lambd=0.5',
    validate: shrinkLambd,
  },
  {
    name: 'Softshrink',
    signature: 'lambd=0.5',
    validate: shrinkLambd,
  },
  { name: 'Hardswish', signature: 'inplace=False' },
  { name: 'Hardsigmoid', signature: 'inplace=False' },
  {
    name: 'Hardtanh',
    signature: 'min_val=-1.0, max_val=1.0, inplace=False, min_value=None, max_value=None',
    validate: (r) => {
      // min_value / max_value are the deprecated spellings and win when given.
      const min = r.optionalNumber('min_value') ?? r.number('min_val', -1);
      const max = r.optionalNumber('max_value') ?? r.number('max_val', 1);
      if (!(max > min)) throw invalid(`Hardtanh: max_val (${max}) must be greater than min_val (${min})`);
      return { min_val: min, max_val: max };
    },
  },
  {
    name: 'Softplus',
    signature: 'beta=1, threshold=20',
    validate: (r) => ({ beta: r.number('beta', 1), threshold: r.number('threshold', 20) }),
  },
  {
    name: 'Threshold',
    signature: 'threshold, value, inplace=False',
    validate: (r) => ({ threshold: r.number('threshold'), value: r.number('value') }),
  },
  {
    name: 'GLU',
    signature: 'dim=-1',
    validate: (r) => ({ dim: r.int('dim', -1) }),
    forward: (input, c, opName) => glu(input, c['dim'] as number, opName),
  },
  softmaxLike('Softmax'),
  softmaxLike('LogSoftmax'),
  softmaxLike('Softmin'),
  {
    name: 'Softmax2d',
    signature: '',
    forward: (input, _c, opName) => {
      if (input.shape.length !== 3 && input.shape.length !== 4) {
        throw new OpError(
          'shape-mismatch',
          `${opName} expects a 3D or 4D input, but got a ${input.shape.length}D input of shape ${formatShape(input.shape)}`,
        );
      }
      return sameGeometry(input);
    },
  },
  { name: 'Dropout', signature: 'p=0.5, inplace=False', validate: checkProbability },
  {
    name: 'Dropout1d',
    signature: 'p=0.5, inplace=False',
    validate: checkProbability,
    forward: (input, _c, opName) => {
      if (input.shape.length !== 2 && input.shape.length !== 3) {
        throw new OpError(
          'shape-mismatch',
          `${opName} expects a 2D or 3D input (channels, length, optional batch), but got a ${input.shape.length}D input of shape ${formatShape(input.shape)}`,
        );
      }
      return sameGeometry(input);
    },
  },
  { name: 'Dropout2d', signature: 'p=0.5, inplace=False', validate: checkProbability },
  { name: 'Dropout3d', signature: 'p=0.5, inplace=False', validate: checkProbability },
  { name: 'AlphaDropout', signature: 'p=0.5, inplace=False', validate: checkProbability },
  { name: 'FeatureAlphaDropout', signature: 'p=0.5, inplace=False', validate: checkProbability },
];

function toModule(a: Activation): ModuleSpec<ActivationConfig> {
  return {
    name: a.name,
    signature: a.signature,
    build: (args) => {
      const r = new ArgReader(a.name, args);
      const config = a.validate ? a.validate(r) : {};
      if (r.bool('inplace', false)) config['inplace'] = true;
      return config;
    },
    params: (c) => (a.params ? a.params(c) : 0),
    forwardSignature: 'input',
    forward: (c, args) => {
      const input = new ArgReader(a.name, args).tensor('input');
      return { value: a.forward ? a.forward(input, c, a.name) : sameGeometry(input), macs: 0 };
    },
    describe: nonDefaultDescriber(a.signature),
  };
}

export const activationModules: readonly ModuleSpec<ActivationConfig>[] = ACTIVATIONS.map(toModule);

// ---------------------------------------------------------------------------------------------
// Functional forms: F.relu, torch.sigmoid, F.dropout, ...

function fn(name: string, signature: string, check?: (r: ArgReader, input: Tensor) => Tensor, inputName = 'input'): FunctionSpec {
  return {
    name,
    signature,
    apply: (args: OpArgs): OpResult => {
      const r = new ArgReader(name, args);
      const input = r.tensor(inputName);
      return { value: check ? check(r, input) : sameGeometry(input), macs: 0 };
    },
  };
}

const pass = undefined;

const dropoutCheck = (r: ArgReader, input: Tensor): Tensor => {
  checkProbability(r);
  return sameGeometry(input);
};

const softmaxCheck = (r: ArgReader, input: Tensor): Tensor => softmaxOutput(r.opName, input, r.raw('dim'));

export const activationFunctions: readonly FunctionSpec[] = [
  fn('F.relu', 'input, inplace=False', pass),
  fn('F.relu_', 'input', pass),
  fn('F.relu6', 'input, inplace=False', pass),
  fn('F.elu', 'input, alpha=1.0, inplace=False', pass),
  fn('F.elu_', 'input, alpha=1.0', pass),
  fn('F.selu', 'input, inplace=False', pass),
  fn('F.celu', 'input, alpha=1.0, inplace=False', pass),
  fn('F.leaky_relu', 'input, negative_slope=0.01, inplace=False', pass),
  fn('F.leaky_relu_', 'input, negative_slope=0.01', pass),
  fn('F.prelu', 'input, weight', (r, input) => {
    const weight = r.tensor('weight');
    const n = weight.shape.reduce((a, b) => a * b, 1);
    return prelu(input, n, r.opName);
  }),
  fn('F.rrelu', 'input, lower=0.125, upper=0.3333333333333333, training=False, inplace=False', pass),
  fn('F.glu', 'input, dim=-1', (r, input) => glu(input, r.int('dim', -1), r.opName)),
  fn('F.gelu', "input, approximate='none'", (r, input) => {
    const approximate = r.string('approximate', 'none');
    if (approximate !== 'none' && approximate !== 'tanh') {
      throw invalid(`F.gelu: approximate argument must be either 'none' or 'tanh', got '${approximate}'`);
    }
    return sameGeometry(input);
  }),
  fn('F.logsigmoid', 'input', pass),
  fn('F.hardshrink', 'input, lambd=0.5', pass),
  fn('F.tanhshrink', 'input', pass),
  fn('F.softsign', 'input', pass),
  fn('F.softplus', 'input, beta=1, threshold=20', pass),
  fn('F.softmin', 'input, dim=None, _stacklevel=3, dtype=None', softmaxCheck),
  fn('F.softmax', 'input, dim=None, _stacklevel=3, dtype=None', softmaxCheck),
  fn('F.log_softmax', 'input, dim=None, _stacklevel=3, dtype=None', softmaxCheck),
  fn('F.gumbel_softmax', 'logits, tau=1, hard=False, eps=1e-10, dim=-1', softmaxCheck, 'logits'),
  fn('F.softshrink', 'input, lambd=0.5', pass),
  fn('F.tanh', 'input', pass),
  fn('F.sigmoid', 'input', pass),
  fn('F.hardsigmoid', 'input, inplace=False', pass),
  fn('F.silu', 'input, inplace=False', pass),
  fn('F.mish', 'input, inplace=False', pass),
  fn('F.hardswish', 'input, inplace=False', pass),
  fn('F.hardtanh', 'input, min_val=-1.0, max_val=1.0, inplace=False', pass),
  fn('F.hardtanh_', 'input, min_val=-1.0, max_val=1.0', pass),
  fn('F.threshold', 'input, threshold, value, inplace=False', pass),
  fn('F.threshold_', 'input, threshold, value', pass),
  fn('F.dropout', 'input, p=0.5, training=True, inplace=False', dropoutCheck),
  fn('F.dropout1d', 'input, p=0.5, training=True, inplace=False', (r, input) => {
    checkProbability(r);
    if (input.shape.length !== 2 && input.shape.length !== 3) {
      throw new OpError('shape-mismatch', `F.dropout1d: Expected 2D or 3D input, but received a ${input.shape.length}D input (shape ${formatShape(input.shape)})`);
    }
    return sameGeometry(input);
  }),
  fn('F.dropout2d', 'input, p=0.5, training=True, inplace=False', dropoutCheck),
  fn('F.dropout3d', 'input, p=0.5, training=True, inplace=False', dropoutCheck),
  fn('F.alpha_dropout', 'input, p=0.5, training=False, inplace=False', dropoutCheck),
  fn('F.feature_alpha_dropout', 'input, p=0.5, training=False, inplace=False', dropoutCheck),
  fn('torch.celu', 'input, alpha=1.0', pass),
  fn('torch.prelu', 'input, weight', (r, input) => {
    const weight = r.tensor('weight');
    return prelu(input, weight.shape.reduce((a, b) => a * b, 1), r.opName);
  }),
  fn('torch.dropout', 'input, p, train', dropoutCheck),
];
