// Losses (torch 1.13): nn.CrossEntropyLoss & co. and their functional forms. They have no
// parameters (a class `weight` is a buffer); segmentation models keep one as a submodule or a
// default argument, and call it in forward when given a target. Output: a scalar for 'mean' and
// 'sum', the per-element loss for 'none'.

import { ArgReader, formatShape, invalid, makeTensor, nonDefaultDescriber } from './layerArgs';
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
  /** torch checks `reduction` before the shapes (the elementwise losses broadcast first). */
  reductionFirst: boolean;
  /** Constructor arguments besides reduction kept for describe() (ignore_index, label_smoothing, ...). */
  shown?: readonly string[];
}

const LEGACY = 'size_average=None, reduce=None';
const LOSSES: readonly Loss[] = [
  { name: 'L1Loss', functional: 'F.l1_loss', signature: `${LEGACY}, reduction='mean'`, functionalSignature: `${LEGACY}, reduction='mean'`, kind: 'elementwise', reductionFirst: false },
  { name: 'MSELoss', functional: 'F.mse_loss', signature: `${LEGACY}, reduction='mean'`, functionalSignature: `${LEGACY}, reduction='mean'`, kind: 'elementwise', reductionFirst: false },
  {
    name: 'SmoothL1Loss', functional: 'F.smooth_l1_loss', signature: `${LEGACY}, reduction='mean', beta=1.0`,
    functionalSignature: `${LEGACY}, reduction='mean', beta=1.0`, kind: 'elementwise', reductionFirst: false, shown: ['beta'],
  },
  { name: 'HuberLoss', functional: 'F.huber_loss', signature: "reduction='mean', delta=1.0", functionalSignature: "reduction='mean', delta=1.0", kind: 'elementwise', reductionFirst: false, shown: ['delta'] },
  {
    name: 'KLDivLoss', functional: 'F.kl_div', signature: `${LEGACY}, reduction='mean', log_target=False`,
    functionalSignature: `${LEGACY}, reduction='mean', log_target=False`, kind: 'elementwise', reductionFirst: true, shown: ['log_target'],
  },
  {
    name: 'BCELoss', functional: 'F.binary_cross_entropy', signature: `weight=None, ${LEGACY}, reduction='mean'`,
    functionalSignature: `weight=None, ${LEGACY}, reduction='mean'`, kind: 'same-size', reductionFirst: true,
  },
  {
    name: 'BCEWithLogitsLoss', functional: 'F.binary_cross_entropy_with_logits', signature: `weight=None, ${LEGACY}, reduction='mean', pos_weight=None`,
    functionalSignature: `weight=None, ${LEGACY}, reduction='mean', pos_weight=None`, kind: 'same-size', reductionFirst: true,
  },
  {
    name: 'CrossEntropyLoss', functional: 'F.cross_entropy',
    signature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0`,
    functionalSignature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0`,
    kind: 'classes', reductionFirst: true, shown: ['ignore_index', 'label_smoothing'],
  },
  {
    name: 'NLLLoss', functional: 'F.nll_loss', signature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'`,
    functionalSignature: `weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean'`, kind: 'classes', reductionFirst: true, shown: ['ignore_index'],
  },
];

/** The reduction as the loss holds it: torch's `_Reduction.legacy_get_string` when size_average /
 *  reduce are given, else `reduction` as passed (a module checks it only when called). */
function reductionOf(r: ArgReader): string {
  const sizeAverage = r.raw('size_average');
  const reduce = r.raw('reduce');
  if ((sizeAverage !== undefined && sizeAverage !== null) || (reduce !== undefined && reduce !== null)) {
    const avg = sizeAverage === undefined || sizeAverage === null ? true : sizeAverage !== false;
    const red = reduce === undefined || reduce === null ? true : reduce !== false;
    return !red ? 'none' : avg ? 'mean' : 'sum';
  }
  return r.string('reduction', 'mean');
}

function checkReduction(loss: Loss, reduction: string): Reduction {
  if (reduction === 'none' || reduction === 'mean' || reduction === 'sum') return reduction;
  // KLDivLoss's 'batchmean' divides the sum by the batch size: a scalar too.
  if (reduction === 'batchmean' && loss.name === 'KLDivLoss') return 'mean';
  throw invalid(`${reduction} is not a valid value for reduction`);
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** nll_loss_nd's checks (LossNLL.cpp), which cross_entropy with class indices goes through. */
function classIndexShape(opName: string, input: readonly number[], target: readonly number[]): number[] {
  const rank = input.length;
  if (rank < 1) throw new OpError('shape-mismatch', `${opName}: Expected 1 or more dimensions (got 0)`);
  if (rank !== 1 && input[0] !== (target[0] ?? 0)) {
    throw new OpError('shape-mismatch', `${opName}: Expected input batch_size (${input[0]}) to match target batch_size (${target[0] ?? 0}).`);
  }
  const mismatch = () => new OpError('shape-mismatch', `${opName}: size mismatch (got input: ${formatShape(input)} , target: ${formatShape(target)})`);
  if (rank <= 2) {
    if (target.length > 1) throw new OpError('shape-mismatch', `${opName}: 0D or 1D target tensor expected, multi-target not supported`);
    const noBatch = rank === 1 && target.length === 0;
    if (!noBatch && input[0] !== target[0]) throw mismatch();
    return rank === 1 ? [] : [input[0]!];
  }
  const expected = [input[0]!, ...input.slice(2)];
  if (rank === 4) {
    if (target.length !== 3) {
      throw new OpError('shape-mismatch', `${opName}: only batches of spatial targets supported (3D tensors) but got targets of dimension: ${target.length}`);
    }
    if (!sameShape(expected, target)) throw mismatch();
    return expected;
  }
  if (!sameShape(expected, target)) throw new OpError('shape-mismatch', `${opName}: Expected target size ${formatShape(expected)}, got ${formatShape(target)}`);
  return expected;
}

function perElementShape(loss: Loss, opName: string, input: Tensor, target: Tensor, r: ArgReader): number[] {
  switch (loss.kind) {
    case 'elementwise':
      return broadcastShapes(opName, [{ label: 'input', shape: input.shape }, { label: 'target', shape: target.shape }]);
    case 'same-size':
      if (!sameShape(input.shape, target.shape)) {
        throw new OpError('shape-mismatch', loss.name === 'BCELoss'
          ? `${opName}: Using a target size (torch.Size(${formatShape(target.shape)})) that is different to the input size (torch.Size(${formatShape(input.shape)})) is deprecated. Please ensure they have the same size.`
          : `${opName}: Target size (torch.Size(${formatShape(target.shape)})) must be the same as input size (torch.Size(${formatShape(input.shape)}))`);
      }
      return [...input.shape];
    case 'classes': {
      // A target of the input's shape holds class probabilities (CrossEntropyLoss; torch tells
      // them by their floating dtype, which shapes alone do not carry: the usual case is taken).
      if (loss.name === 'CrossEntropyLoss' && input.shape.length > 0 && sameShape(input.shape, target.shape)) {
        const ignore = r.raw('ignore_index');
        if (typeof ignore === 'number' && ignore >= 0) throw invalid(`${opName}: ignore_index is not supported for floating point target`);
        return input.shape.length === 1 ? [] : [input.shape[0]!, ...input.shape.slice(2)];
      }
      return classIndexShape(opName, input.shape, target.shape);
    }
  }
}

function lossResult(loss: Loss, opName: string, r: ArgReader, reductionText: string): OpResult {
  const input = r.tensor('input');
  const target = r.tensor('target');
  let reduction: Reduction | null = loss.reductionFirst ? checkReduction(loss, reductionText) : null;
  const shape = perElementShape(loss, opName, input, target, r);
  reduction ??= checkReduction(loss, reductionText);
  return { value: makeTensor(reduction === 'none' ? shape : [], null), macs: 0 };
}

function toModule(loss: Loss): ModuleSpec<LossConfig> {
  return {
    name: loss.name,
    signature: loss.signature,
    build: (args) => {
      const r = new ArgReader(loss.name, args);
      const config: LossConfig = { reduction: reductionOf(r) };
      for (const k of loss.shown ?? []) if (r.has(k) && r.raw(k) !== undefined) config[k] = r.raw(k)!;
      return config;
    },
    params: () => 0,
    forwardSignature: 'input, target',
    forward: (c, args) => {
      // The module passes its own ignore_index to the functional form.
      const r = new ArgReader(loss.name, c['ignore_index'] === undefined ? args : { ...args, ignore_index: c['ignore_index'] });
      return lossResult(loss, loss.name, r, c['reduction'] as string);
    },
    describe: nonDefaultDescriber(loss.signature),
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
