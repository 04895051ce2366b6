// Losses (torch 1.13): nn.CrossEntropyLoss & co. and their functional forms. They have no
// parameters (a class `weight` is a buffer); segmentation models keep one as a submodule or a
// default argument, and call it in forward when given a target. Output: a scalar for 'mean' and
// 'sum', the per-element loss for 'none'.

import { ArgReader, describeValue, formatShape, invalid, makeTensor } from './layerArgs';
import { broadcastShapes } from './elementwise';
import { OpError, type FunctionSpec, type ModuleSpec, type OpArgs, type OpResult, type OpValue, type Tensor } from './types';

type Reduction = 'none' | 'mean' | 'sum';
export type LossConfig = Record<string, OpValue>;

/** How the per-element loss is shaped from input and target (before reduction). */
type Kind = 'elementwise' | 'same-size' | 'classes';

interface Loss {
  name: string;
  functional: string;
  /** `__init__` without self; every loss ends with the legacy size_average/reduce and reduction. */
  signature: string;
  /** The functional form's parameters after input and target. */
  functionalSignature: string;
  kind: Kind;
  /** Constructor arguments shown besides reduction (ignore_index, label_smoothing, ...). */
  shown?: readonly string[];
}

const LEGACY = 'size_average=None, reduce=None';
const LOSSES: readonly Loss[] = [
  { name: 'L1Loss', functional: 'F.l1_loss', signature: `${LEGACY}, reduction='mean'`, functionalSignature: `${LEGACY}, reduction='mean'`, kind: 'elementwise' },
  { name: 'MSELoss', functional: 'F.mse_loss', signature: `${LEGACY}, reduction='mean'`, functionalSignature: `${LEGACY}, reduction='mean'`, kind: 'elementwise' },
  {
    name: 'SmoothL1Loss', functional: 'F.smooth_l1_loss', signature: `${LEGACY}, reduction='mean', beta=1.0`,
    functionalSignature: `${LEGACY}, reduction='mean', beta=1.0`, kind: 'elementwise', shown: ['beta'],
  },
  { name: 'HuberLoss', functional: 'F.huber_loss', signature: "reduction='mean', delta=1.0", functionalSignature: "reduction='mean', delta=1.0", kind: 'elementwise', shown: ['delta'] },
  {
    name: 'KLDivLoss', functional: 'F.kl_div', signature: `${LEGACY}, reduction='mean', log_target=False`,
    functionalSignature: `${LEGACY}, reduction='mean', log_target=False`, kind: 'elementwise',
  },
  {
    name: 'BCELoss', functional: 'F.binary_cross_entropy', signature: `weight=None, ${LEGACY}, reduction='mean'`,
    functionalSignature: `weight=None, ${LEGACY}, reduction='mean'`, kind: 'same-size',
  },
  {
    name: 'BCEWithLogitsLoss', functional: 'F.binary_cross_entropy_with_logits', signature: `weight=None, ${LEGACY}, reduction='mean', pos_weight=None`,
    functionalSignature: `weight=None, ${LEGACY}, reduction='mean', pos_weight=None`, kind: 'same-size',
  },
  {
    name: 'CrossEntropyLoss', functional: 'F.cross_entropy',
    signature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0`,
    functionalSignature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0`,
    kind: 'classes', shown: ['ignore_index', 'label_smoothing'],
  },
  {
    name: 'NLLLoss', functional: 'F.nll_loss', signature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'`,
    functionalSignature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'`, kind: 'classes', shown: ['ignore_index'],
  },
];

/** torch's `_Reduction.legacy_get_string` when size_average / reduce are given, else `reduction`. */
function reductionOf(r: ArgReader): Reduction {
  const sizeAverage = r.raw('size_average');
  const reduce = r.raw('reduce');
  if ((sizeAverage !== undefined && sizeAverage !== null) || (reduce !== undefined && reduce !== null)) {
    const avg = sizeAverage === undefined || sizeAverage === null ? true : sizeAverage !== false;
    const red = reduce === undefined || reduce === null ? true : reduce !== false;
    return !red ? 'none' : avg ? 'mean' : 'sum';
  }
  const reduction = r.string('reduction', 'mean');
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') throw invalid(`${reduction} is not a valid value for reduction`);
  return reduction;
}

function perElementShape(loss: Loss, opName: string, input: Tensor, target: Tensor): number[] {
  switch (loss.kind) {
    case 'elementwise':
      return broadcastShapes(opName, [{ label: 'input', shape: input.shape }, { label: 'target', shape: target.shape }]);
    case 'same-size':
      if (formatShape(input.shape) !== formatShape(target.shape)) {
        throw new OpError('shape-mismatch', loss.name === 'BCELoss'
          ? `${opName}: Using a target size (torch.Size(${formatShape(target.shape)})) that is different to the input size (torch.Size(${formatShape(input.shape)})) is deprecated. Please ensure they have the same size.`
          : `${opName}: Target size (torch.Size(${formatShape(target.shape)})) must be the same as input size (torch.Size(${formatShape(input.shape)}))`);
      }
      return [...input.shape];
    case 'classes': {
      const rank = input.shape.length;
      if (rank === 0) throw new OpError('shape-mismatch', `${opName}: input must have at least one dimension (classes), got a scalar`);
      // Class probabilities (CrossEntropyLoss only): the target has the input's shape.
      if (loss.name === 'CrossEntropyLoss' && target.shape.length === rank) {
        if (formatShape(input.shape) !== formatShape(target.shape)) {
          throw new OpError('shape-mismatch', `${opName}: a target of class probabilities must have the input's shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
        }
        return rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
      }
      // Class indices: the input without its class dimension (dim 1, or dim 0 unbatched).
      const expected = rank === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
      if (formatShape(expected) !== formatShape(target.shape)) {
        throw new OpError('shape-mismatch', `${opName}: expected a target of class indices of shape ${formatShape(expected)} for an input of shape ${formatShape(input.shape)}, got ${formatShape(target.shape)}`);
      }
      return expected;
    }
  }
}

function lossResult(loss: Loss, opName: string, r: ArgReader, reduction: Reduction): OpResult {
  const input = r.tensor('input');
  const target = r.tensor('target');
  const shape = perElementShape(loss, opName, input, target);
  return { value: makeTensor(reduction === 'none' ? shape : [], null), macs: 0 };
}

function toModule(loss: Loss): ModuleSpec<LossConfig> {
  return {
    name: loss.name,
    signature: loss.signature,
    build: (args) => {
      const r = new ArgReader(loss.name, args);
      const config: LossConfig = { reduction: reductionOf(r) };
      for (const k of loss.shown ?? []) if (r.has(k)) config[k] = r.raw(k)!;
      return config;
    },
    params: () => 0,
    forwardSignature: 'input, target',
    forward: (c, args) => lossResult(loss, loss.name, new ArgReader(loss.name, args), c['reduction'] as Reduction),
    describe: (c) => Object.entries(c)
      .filter(([k, v]) => !(k === 'reduction' && v === 'mean'))
      .map(([k, v]) => `${k}=${describeValue(v)}`)
      .join(', '),
  };
}

function toFunction(loss: Loss): FunctionSpec {
  return {
    name: loss.functional,
    signature: `input, target, ${loss.functionalSignature}`,
    apply: (args: OpArgs) => {
      const r = new ArgReader(loss.functional, args);
      return lossResult(loss, loss.functional, r, reductionOf(r));
    },
  };
}

export const lossModules: readonly ModuleSpec<LossConfig>[] = LOSSES.map(toModule);
export const lossFunctions: readonly FunctionSpec[] = LOSSES.map(toFunction);
