// Normalisation layers (torch 1.13): BatchNorm1d/2d/3d, SyncBatchNorm, GroupNorm, LayerNorm,
// InstanceNorm1d/2d/3d, LocalResponseNorm, and their functional forms. Shapes and geometry pass
// through; params count the affine weight and bias only (running statistics are buffers).

import { ArgReader, expectRank, formatShape, invalid, normalizeDim, product, sameGeometry } from './layerArgs';
import { OpError, type ModuleSpec, type OpArgs, type OpResult, type Tensor } from './types';

function channelMismatch(opName: string, expected: number, input: Tensor, dim: number): OpError {
  return new OpError(
    'channel-mismatch',
    `${opName} expects ${expected} channels but got ${input.shape[dim]} (input shape ${formatShape(input.shape)})`,
  );
}

// ---------------------------------------------------------------------------------------------
// BatchNorm / SyncBatchNorm

export interface BatchNormConfig {
  name: string;
  numFeatures: number;
  affine: boolean;
  trackRunningStats: boolean;
  /** Allowed input ranks; empty = any rank ≥ 2 (SyncBatchNorm). */
  ranks: readonly number[];
}

function buildBatchNorm(name: string, ranks: readonly number[], args: OpArgs): BatchNormConfig {
  const r = new ArgReader(name, args);
  const numFeatures = r.int('num_features');
  if (numFeatures < 0) throw invalid(`${name}: num_features must not be negative, got ${numFeatures}`);
  return { name, numFeatures, affine: r.bool('affine', true), trackRunningStats: r.bool('track_running_stats', true), ranks };
}

function batchNormForward(c: BatchNormConfig, input: Tensor): OpResult {
  if (c.ranks.length > 0) {
    if (!c.ranks.includes(input.shape.length)) {
      throw new OpError(
        'shape-mismatch',
        `${c.name} expects a ${c.ranks.map((n) => `${n}D`).join(' or ')} input, but got a ${input.shape.length}D input of shape ${formatShape(input.shape)}`,
      );
    }
  } else if (input.shape.length < 2) {
    throw new OpError('shape-mismatch', `${c.name} expects an input with at least 2 dimensions, but got shape ${formatShape(input.shape)}`);
  }
  // torch compares C with the weight / running_mean sizes; with neither there is nothing to check.
  if ((c.affine || c.trackRunningStats) && input.shape[1] !== c.numFeatures) {
    throw channelMismatch(c.name, c.numFeatures, input, 1);
  }
  return { value: sameGeometry(input), macs: 0 };
}

function batchNormModule(name: string, ranks: readonly number[], signature: string): ModuleSpec<BatchNormConfig> {
  return {
    name,
    signature,
    build: (args) => buildBatchNorm(name, ranks, args),
    params: (c) => (c.affine ? 2 * c.numFeatures : 0),
    forwardSignature: 'input',
    forward: (c, args) => batchNormForward(c, new ArgReader(name, args).tensor('input')),
    describe: (c) => [String(c.numFeatures), ...(c.affine ? [] : ['affine=False']), ...(c.trackRunningStats ? [] : ['no running stats'])].join(', '),
  };
}

const BN_SIGNATURE = 'num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, device=None, dtype=None';

// ---------------------------------------------------------------------------------------------
// InstanceNorm

export interface InstanceNormConfig {
  name: string;
  nd: 1 | 2 | 3;
  numFeatures: number;
  affine: boolean;
  trackRunningStats: boolean;
}

function instanceNormForward(c: InstanceNormConfig, input: Tensor): OpResult {
  expectRank(c.name, input, c.nd);
  const channelDim = input.shape.length - c.nd - 1;
  // Without affine weights torch only warns about a mismatch; with them (or running stats) it fails.
  if ((c.affine || c.trackRunningStats) && input.shape[channelDim] !== c.numFeatures) {
    throw channelMismatch(c.name, c.numFeatures, input, channelDim);
  }
  return { value: sameGeometry(input), macs: 0 };
}

function instanceNormModule(nd: 1 | 2 | 3): ModuleSpec<InstanceNormConfig> {
  const name = `InstanceNorm${nd}d`;
  return {
    name,
    signature: 'num_features, eps=1e-05, momentum=0.1, affine=False, track_running_stats=False, device=None, dtype=None',
    build: (args) => {
      const r = new ArgReader(name, args);
      return {
        name,
        nd,
        numFeatures: r.int('num_features'),
        affine: r.bool('affine', false),
        trackRunningStats: r.bool('track_running_stats', false),
      };
    },
    params: (c) => (c.affine ? 2 * c.numFeatures : 0),
    forwardSignature: 'input',
    forward: (c, args) => instanceNormForward(c, new ArgReader(name, args).tensor('input')),
    describe: (c) => [String(c.numFeatures), ...(c.affine ? ['affine'] : [])].join(', '),
  };
}

// ---------------------------------------------------------------------------------------------
// GroupNorm

export interface GroupNormConfig {
  numGroups: number;
  numChannels: number;
  affine: boolean;
}

function groupNormForward(opName: string, numGroups: number, numChannels: number | null, input: Tensor): OpResult {
  if (input.shape.length < 2) {
    throw new OpError('shape-mismatch', `${opName} expects an input with at least 2 dimensions, but got shape ${formatShape(input.shape)}`);
  }
  const channels = input.shape[1]!;
  if (numChannels !== null && channels !== numChannels) throw channelMismatch(opName, numChannels, input, 1);
  if (channels % numGroups !== 0) {
    throw new OpError(
      'channel-mismatch',
      `${opName}: the number of channels (${channels}) must be divisible by num_groups=${numGroups} (input shape ${formatShape(input.shape)})`,
    );
  }
  return { value: sameGeometry(input), macs: 0 };
}

const groupNormModule: ModuleSpec<GroupNormConfig> = {
  name: 'GroupNorm',
  signature: 'num_groups, num_channels, eps=1e-05, affine=True, device=None, dtype=None',
  build: (args) => {
    const r = new ArgReader('GroupNorm', args);
    const numGroups = r.int('num_groups');
    const numChannels = r.int('num_channels');
    if (numGroups <= 0) throw invalid(`GroupNorm: num_groups must be positive, got ${numGroups}`);
    if (numChannels % numGroups !== 0) {
      throw invalid(`GroupNorm: num_channels must be divisible by num_groups (num_channels=${numChannels}, num_groups=${numGroups})`);
    }
    return { numGroups, numChannels, affine: r.bool('affine', true) };
  },
  params: (c) => (c.affine ? 2 * c.numChannels : 0),
  forwardSignature: 'input',
  // Without affine weights nothing in torch compares num_channels with the input's channels.
  forward: (c, args) => groupNormForward('GroupNorm', c.numGroups, c.affine ? c.numChannels : null, new ArgReader('GroupNorm', args).tensor('input')),
  describe: (c) => `${c.numGroups} groups, ${c.numChannels}${c.affine ? '' : ', affine=False'}`,
};

// ---------------------------------------------------------------------------------------------
// LayerNorm

export interface LayerNormConfig {
  normalizedShape: number[];
  elementwiseAffine: boolean;
}

function layerNormForward(opName: string, normalizedShape: readonly number[], input: Tensor): OpResult {
  const n = normalizedShape.length;
  const tail = input.shape.slice(input.shape.length - n);
  if (input.shape.length < n || tail.some((s, i) => s !== normalizedShape[i])) {
    throw new OpError(
      n === 1 ? 'channel-mismatch' : 'shape-mismatch',
      `${opName}: given normalized_shape=${formatShape(normalizedShape)}, expected input with shape [*, ${normalizedShape.join(', ')}], ` +
        `but got input of shape ${formatShape(input.shape)}`,
    );
  }
  return { value: sameGeometry(input), macs: 0 };
}

const layerNormModule: ModuleSpec<LayerNormConfig> = {
  name: 'LayerNorm',
  signature: 'normalized_shape, eps=1e-05, elementwise_affine=True, device=None, dtype=None',
  build: (args) => {
    const r = new ArgReader('LayerNorm', args);
    const normalizedShape = r.intList('normalized_shape');
    if (normalizedShape.some((s) => s < 0)) throw invalid(`LayerNorm: normalized_shape must not be negative, got ${formatShape(normalizedShape)}`);
    return { normalizedShape, elementwiseAffine: r.bool('elementwise_affine', true) };
  },
  params: (c) => (c.elementwiseAffine ? 2 * product(c.normalizedShape) : 0),
  forwardSignature: 'input',
  forward: (c, args) => layerNormForward('LayerNorm', c.normalizedShape, new ArgReader('LayerNorm', args).tensor('input')),
  describe: (c) => `${formatShape(c.normalizedShape)}${c.elementwiseAffine ? '' : ', no affine'}`,
};

// ---------------------------------------------------------------------------------------------
// LocalResponseNorm

function lrnForward(opName: string, input: Tensor): OpResult {
  if (input.shape.length < 3) {
    throw new OpError(
      'shape-mismatch',
      `${opName} expects a 3D or higher dimensional input, but got a ${input.shape.length}D input of shape ${formatShape(input.shape)}`,
    );
  }
  return { value: sameGeometry(input), macs: 0 };
}

const localResponseNormModule: ModuleSpec<{ size: number }> = {
  name: 'LocalResponseNorm',
  signature: 'size, alpha=0.0001, beta=0.75, k=1.0',
  build: (args) => {
    const size = new ArgReader('LocalResponseNorm', args).int('size');
    if (size <= 0) throw invalid(`LocalResponseNorm: size must be positive, got ${size}`);
    return { size };
  },
  params: () => 0,
  forwardSignature: 'input',
  forward: (_c, args) => lrnForward('LocalResponseNorm', new ArgReader('LocalResponseNorm', args).tensor('input')),
  describe: (c) => `size=${c.size}`,
};

export const normModules: readonly ModuleSpec[] = [
  batchNormModule('BatchNorm1d', [2, 3], BN_SIGNATURE),
  batchNormModule('BatchNorm2d', [4], BN_SIGNATURE),
  batchNormModule('BatchNorm3d', [5], BN_SIGNATURE),
  batchNormModule(
    'SyncBatchNorm',
    [],
    'num_features, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True, process_group=None, device=None, dtype=None',
  ),
  instanceNormModule(1),
  instanceNormModule(2),
  instanceNormModule(3),
  groupNormModule,
  layerNormModule,
  localResponseNormModule,
];

// ---------------------------------------------------------------------------------------------
// Functional forms

function vectorOf(opName: string, what: string, t: Tensor | null, size: number, input: Tensor): void {
  if (t && (t.shape.length !== 1 || t.shape[0] !== size)) {
    throw new OpError(
      'channel-mismatch',
      `${opName}: ${what} should have ${input.shape[1]} elements to match the input's channels, but has shape ${formatShape(t.shape)} (input shape ${formatShape(input.shape)})`,
    );
  }
}

/** F.batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05) */
export function functionalBatchNorm(args: OpArgs): OpResult {
  const r = new ArgReader('F.batch_norm', args);
  const input = r.tensor('input');
  if (input.shape.length < 2) {
    throw new OpError('shape-mismatch', `F.batch_norm expects an input with at least 2 dimensions, but got shape ${formatShape(input.shape)}`);
  }
  const c = input.shape[1]!;
  for (const name of ['running_mean', 'running_var']) vectorOf('F.batch_norm', name, r.optionalTensor(name), c, input);
  // torch 1.13's CPU batch norm reads weight and bias by element: any shape of C elements runs.
  for (const name of ['weight', 'bias']) {
    const t = r.optionalTensor(name);
    if (t && product(t.shape) !== c) vectorOf('F.batch_norm', name, t, c, input);
  }
  return { value: sameGeometry(input), macs: 0 };
}

/** F.instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None, use_input_stats=True, momentum=0.1, eps=1e-05) */
export function functionalInstanceNorm(args: OpArgs): OpResult {
  const r = new ArgReader('F.instance_norm', args);
  const input = r.tensor('input');
  if (input.shape.length < 2) {
    throw new OpError('shape-mismatch', `F.instance_norm expects an input with at least 2 dimensions, but got shape ${formatShape(input.shape)}`);
  }
  const c = input.shape[1]!;
  for (const name of ['running_mean', 'running_var', 'weight', 'bias']) vectorOf('F.instance_norm', name, r.optionalTensor(name), c, input);
  return { value: sameGeometry(input), macs: 0 };
}

/** F.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05) */
export function functionalLayerNorm(args: OpArgs): OpResult {
  const r = new ArgReader('F.layer_norm', args);
  // torch's parser takes normalized_shape as int[] with no size: a bare int is a TypeError (only
  // nn.LayerNorm's Python code turns 4 into (4,)).
  if (typeof r.raw('normalized_shape') === 'number') throw invalid(`F.layer_norm: argument 'normalized_shape' (position 2) must be tuple of ints, not int`);
  const shape = r.intList('normalized_shape');
  const result = layerNormForward('F.layer_norm', shape, r.tensor('input'));
  for (const name of ['weight', 'bias']) {
    const t = r.optionalTensor(name);
    if (t && (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i]))) {
      throw new OpError('shape-mismatch', `F.layer_norm: ${name} of shape ${formatShape(t.shape)} does not match normalized_shape ${formatShape(shape)}`);
    }
  }
  return result;
}

/** F.group_norm(input, num_groups, weight=None, bias=None, eps=1e-05) */
export function functionalGroupNorm(args: OpArgs): OpResult {
  const r = new ArgReader('F.group_norm', args);
  const input = r.tensor('input');
  const numGroups = r.int('num_groups');
  if (numGroups <= 0) throw invalid(`F.group_norm: num_groups must be positive, got ${numGroups}`);
  const result = groupNormForward('F.group_norm', numGroups, null, input);
  for (const name of ['weight', 'bias']) vectorOf('F.group_norm', name, r.optionalTensor(name), input.shape[1]!, input);
  return result;
}

/** F.local_response_norm(input, size, alpha=0.0001, beta=0.75, k=1.0) */
export function functionalLocalResponseNorm(args: OpArgs): OpResult {
  return lrnForward('F.local_response_norm', new ArgReader('F.local_response_norm', args).tensor('input'));
}

/** F.normalize(input, p=2.0, dim=1, eps=1e-12, out=None) */
export function functionalNormalize(args: OpArgs): OpResult {
  const r = new ArgReader('F.normalize', args);
  const input = r.tensor('input');
  normalizeDim(r.int('dim', 1), input.shape.length, 'F.normalize');
  return { value: sameGeometry(input), macs: 0 };
}
