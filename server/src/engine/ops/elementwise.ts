// Elementwise tensor functions and methods: broadcasting arithmetic (torch.add, x + y, x += y...),
// comparisons, where/masked_fill, and shape-preserving unary ops (torch.sigmoid, x.relu(),
// torch.softmax...). The functional forms F.relu/F.softmax belong to the layer catalogue.
//
// Geometry (DESIGN.md, elementwise merge): per trailing axis, rf = the largest of the inputs that
// carry geometry there, jump = the first such input's (in argument order). Scalars, tensors
// without geometry and operands broadcast along an axis do not change the other operand's
// geometry (see mergeGeometry).

import { markContinued, mergeFootprints, type Footprint } from '../footprint';
import { max as maxRational } from '../rational';
import type { AxisGeometry, FunctionSpec, OpArgs, OpResult, OpValue, Tensor } from './types';
import { OpError } from './types';
import {
  argTensor,
  axisGeometries,
  describe,
  formatShape,
  geometryFromAxes,
  geometryWithoutAxis,
  isTensor,
  makeTensor,
  ok,
  specs,
  toInt,
  wrapDim,
} from './tensorOpsCommon';

/** An operand of a broadcasting op: a tensor, or a Python number/bool (a 0-d operand). */
export type Operand = Tensor | number | boolean;

interface Labelled {
  label: string;
  shape: readonly number[];
}

/**
 * torch/numpy broadcasting of several shapes. The error names the two shapes that conflict and the
 * dim, counted in the broadcast result as torch counts it.
 */
export function broadcastShapes(fn: string, operands: readonly Labelled[]): number[] {
  const rank = Math.max(0, ...operands.map((o) => o.shape.length));
  const out: number[] = new Array(rank).fill(1);
  const owner: (Labelled | null)[] = new Array(rank).fill(null);
  for (const op of operands) {
    const offset = rank - op.shape.length;
    op.shape.forEach((size, i) => {
      const d = offset + i;
      if (size === out[d]) return;
      if (size === 1) return;
      if (out[d] === 1) {
        out[d] = size;
        owner[d] = op;
        return;
      }
      const other = owner[d]!;
      const code = d === 1 && other.shape.length >= 3 && op.shape.length >= 3 ? 'channel-mismatch' : 'shape-mismatch';
      throw new OpError(
        code,
        `${fn}: shapes ${formatShape(other.shape)} (${other.label}) and ${formatShape(op.shape)} (${op.label}) ` +
          `cannot be broadcast: size ${out[d]} vs ${size} at non-singleton dimension ${d}`,
      );
    });
  }
  return out;
}

/**
 * Elementwise merge of geometry into a result of shape `shape`; `inputs` in priority order (the
 * first one with geometry on an axis gives that axis its jump). An operand broadcast along an axis
 * (size 1 stretched to the result's size) has no positions there, so it does not take part on that
 * axis: a layer-scale parameter of shape [C, 1, 1] or an SE gate of shape [N, C, 1, 1] multiplied
 * with a feature map leaves the map's geometry as it is. `joinDim` (torch.cat's dim) may differ in
 * size between inputs without being a broadcast.
 */
export function mergeGeometry(shape: readonly number[], inputs: readonly Operand[], joinDim = -1): AxisGeometry[] | null {
  const rank = shape.length;
  const axes: (AxisGeometry | null)[] = new Array(rank).fill(null);
  // The footprints of each axis's operands: an output position reads what each reads there.
  const footprints: (Footprint | undefined)[][] = [];
  for (const input of inputs) {
    if (!isTensor(input) || !input.geometry) continue;
    const offset = rank - input.shape.length;
    axisGeometries(input).forEach((g, i) => {
      const d = offset + i;
      if (!g) return;
      if (d !== joinDim && input.shape[i] === 1 && shape[d] !== 1) return;
      (footprints[d] ??= []).push(g.footprint);
      const current = axes[d];
      axes[d] = current ? { rf: maxRational(current.rf, g.rf), jump: current.jump } : g;
    });
  }
  footprints.forEach((fps, d) => {
    const g = axes[d];
    if (!g || fps.length < 2 && d !== joinDim) return;
    // Joined along this axis, positions come from different operands: not one footprint.
    const fp = d === joinDim ? (fps.forEach(markContinued), undefined) : mergeFootprints(fps);
    axes[d] = fp ? { rf: g.rf, jump: g.jump, footprint: fp } : { rf: g.rf, jump: g.jump };
  });
  return geometryFromAxes(axes);
}

function toOperand(fn: string, name: string, v: OpValue | undefined): Operand {
  if (isTensor(v) || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new OpError('invalid-argument', `${fn}: argument '${name}' must be a tensor or a number, not ${describe(v)}`);
}

function shapeOf(op: Operand): readonly number[] {
  return isTensor(op) ? op.shape : [];
}

/** The broadcast result of named operands (in priority order for geometry). */
export function broadcastOperands(fn: string, named: readonly [string, OpValue | undefined][]): Tensor {
  const operands = named.map(([name, v]) => toOperand(fn, name, v));
  if (!operands.some(isTensor)) {
    throw new OpError('invalid-argument', `${fn}: expected at least one tensor argument, got ${named.map(([, v]) => describe(v)).join(', ')}`);
  }
  const shape = broadcastShapes(
    fn,
    operands.map((op, i) => ({ label: named[i]![0], shape: shapeOf(op) })),
  );
  return makeTensor(fn, shape, mergeGeometry(shape, operands));
}

/** In-place ops write into `self`: the broadcast result must have self's shape exactly. */
function inPlace(fn: string, self: Tensor, result: Tensor): Tensor {
  const same = result.shape.length === self.shape.length && result.shape.every((s, i) => s === self.shape[i]);
  if (!same) {
    throw new OpError(
      'shape-mismatch',
      `${fn}: output with shape ${formatShape(self.shape)} doesn't match the broadcast shape ${formatShape(result.shape)}`,
    );
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Binary arithmetic and comparisons

interface BinaryFamily {
  /** torch.* names (first parameter `input`). */
  functions: string[];
  /** Tensor method names, out-of-place. */
  methods: string[];
  /** In-place Tensor methods (`add_`, `__iadd__`). */
  inPlaceMethods: string[];
  /** Keyword-only parameters after `other`, as torch 1.13 declares them. */
  keywords: string;
  /** Methods' keyword-only parameters (no `out`). */
  methodKeywords: string;
  /** Methods torch defines in Python as `(self, other)`, without the keywords (`__rsub__`). */
  plainMethods?: string[];
  /** Name of the second parameter (`other`, or `exponent` for pow). */
  other?: string;
}

const ARITHMETIC: BinaryFamily[] = [
  {
    functions: ['torch.add'],
    methods: ['Tensor.add', 'Tensor.__add__', 'Tensor.__radd__'],
    inPlaceMethods: ['Tensor.add_', 'Tensor.__iadd__'],
    keywords: '*, alpha=1, out=None',
    methodKeywords: '*, alpha=1',
  },
  {
    functions: ['torch.sub', 'torch.subtract', 'torch.rsub'],
    methods: ['Tensor.sub', 'Tensor.subtract', 'Tensor.__sub__'],
    inPlaceMethods: ['Tensor.sub_', 'Tensor.subtract_', 'Tensor.__isub__'],
    keywords: '*, alpha=1, out=None',
    methodKeywords: '*, alpha=1',
    plainMethods: ['Tensor.__rsub__'],
  },
  {
    functions: ['torch.mul', 'torch.multiply'],
    methods: ['Tensor.mul', 'Tensor.multiply', 'Tensor.__mul__', 'Tensor.__rmul__'],
    inPlaceMethods: ['Tensor.mul_', 'Tensor.multiply_', 'Tensor.__imul__'],
    keywords: '*, out=None',
    methodKeywords: '',
  },
  {
    functions: ['torch.div', 'torch.divide'],
    methods: ['Tensor.div', 'Tensor.divide'],
    inPlaceMethods: ['Tensor.div_', 'Tensor.divide_'],
    keywords: '*, rounding_mode=None, out=None',
    methodKeywords: '*, rounding_mode=None',
  },
  {
    functions: ['torch.true_divide'],
    methods: ['Tensor.true_divide', 'Tensor.__truediv__', 'Tensor.__rtruediv__', 'Tensor.__div__', 'Tensor.__rdiv__'],
    inPlaceMethods: ['Tensor.true_divide_', 'Tensor.__itruediv__', 'Tensor.__idiv__'],
    keywords: '*, out=None',
    methodKeywords: '',
  },
  {
    functions: ['torch.floor_divide'],
    methods: ['Tensor.floor_divide', 'Tensor.__floordiv__', 'Tensor.__rfloordiv__'],
    inPlaceMethods: ['Tensor.floor_divide_', 'Tensor.__ifloordiv__'],
    keywords: '*, out=None',
    methodKeywords: '',
  },
  {
    functions: ['torch.remainder', 'torch.fmod'],
    methods: ['Tensor.remainder', 'Tensor.fmod', 'Tensor.__mod__', 'Tensor.__rmod__'],
    inPlaceMethods: ['Tensor.remainder_', 'Tensor.fmod_', 'Tensor.__imod__'],
    keywords: '*, out=None',
    methodKeywords: '',
  },
  {
    functions: ['torch.pow', 'torch.float_power'],
    methods: ['Tensor.pow', 'Tensor.float_power'],
    inPlaceMethods: ['Tensor.pow_', 'Tensor.float_power_'],
    keywords: '*, out=None',
    methodKeywords: '',
    other: 'exponent',
  },
  {
    functions: [],
    methods: ['Tensor.__pow__', 'Tensor.__rpow__'],
    inPlaceMethods: ['Tensor.__ipow__'],
    keywords: '',
    methodKeywords: '',
  },
  {
    functions: [
      'torch.maximum', 'torch.minimum', 'torch.fmax', 'torch.fmin', 'torch.atan2', 'torch.arctan2', 'torch.hypot',
      'torch.copysign', 'torch.logaddexp', 'torch.logaddexp2', 'torch.xlogy', 'torch.nextafter', 'torch.heaviside',
      'torch.ldexp', 'torch.eq', 'torch.ne', 'torch.not_equal', 'torch.lt', 'torch.less', 'torch.le',
      'torch.less_equal', 'torch.gt', 'torch.greater', 'torch.ge', 'torch.greater_equal', 'torch.logical_and',
      'torch.logical_or', 'torch.logical_xor', 'torch.bitwise_and', 'torch.bitwise_or', 'torch.bitwise_xor',
      'torch.bitwise_left_shift', 'torch.bitwise_right_shift',
    ],
    methods: [
      'Tensor.maximum', 'Tensor.minimum', 'Tensor.fmax', 'Tensor.fmin', 'Tensor.atan2', 'Tensor.arctan2',
      'Tensor.hypot', 'Tensor.copysign', 'Tensor.logaddexp', 'Tensor.logaddexp2', 'Tensor.xlogy', 'Tensor.ldexp',
      'Tensor.eq', 'Tensor.ne', 'Tensor.not_equal', 'Tensor.lt', 'Tensor.less', 'Tensor.le', 'Tensor.less_equal',
      'Tensor.gt', 'Tensor.greater', 'Tensor.ge', 'Tensor.greater_equal', 'Tensor.logical_and',
      'Tensor.logical_or', 'Tensor.logical_xor', 'Tensor.bitwise_and', 'Tensor.bitwise_or', 'Tensor.bitwise_xor',
      'Tensor.__eq__', 'Tensor.__ne__', 'Tensor.__lt__', 'Tensor.__le__', 'Tensor.__gt__', 'Tensor.__ge__',
      'Tensor.__and__', 'Tensor.__or__', 'Tensor.__xor__', 'Tensor.__rand__', 'Tensor.__ror__', 'Tensor.__rxor__',
      'Tensor.__lshift__', 'Tensor.__rshift__', 'Tensor.__rlshift__', 'Tensor.__rrshift__',
    ],
    inPlaceMethods: [
      'Tensor.atan2_', 'Tensor.arctan2_', 'Tensor.hypot_', 'Tensor.copysign_', 'Tensor.xlogy_', 'Tensor.ldexp_',
      'Tensor.eq_', 'Tensor.ne_', 'Tensor.lt_', 'Tensor.le_', 'Tensor.gt_', 'Tensor.ge_', 'Tensor.logical_and_',
      'Tensor.logical_or_', 'Tensor.logical_xor_', 'Tensor.bitwise_and_', 'Tensor.bitwise_or_',
      'Tensor.bitwise_xor_', 'Tensor.__iand__', 'Tensor.__ior__', 'Tensor.__ixor__', 'Tensor.__ilshift__',
      'Tensor.__irshift__',
    ],
    keywords: '*, out=None',
    methodKeywords: '',
  },
];

function joinParams(...parts: string[]): string {
  return parts.filter((p) => p.length > 0).join(', ');
}

/**
 * Which operands of a torch.* binary function may be Python numbers, by torch 1.13's overloads
 * (measured on torch itself): 'any' (add(2, 3) is a 0-d tensor), 'other' (eq(x, 2) but not
 * eq(2, x)), 'tensors' (maximum(x, 2) is a TypeError). Unlisted: one of the two, either one
 * (torch.pow(2, x) takes the `Scalar self` overload, pow(2, 3) none).
 */
const NUMBER_OPERANDS = new Map<string, 'any' | 'other' | 'tensors'>([
  ...['add', 'sub', 'subtract', 'mul', 'multiply', 'div', 'divide', 'true_divide', 'floor_divide'].map((n) => [`torch.${n}`, 'any'] as const),
  ...['rsub', 'fmod', 'copysign', 'eq', 'ne', 'not_equal', 'lt', 'less', 'le', 'less_equal', 'gt', 'greater', 'ge', 'greater_equal'].map(
    (n) => [`torch.${n}`, 'other'] as const,
  ),
  ...['maximum', 'minimum', 'fmax', 'fmin', 'atan2', 'arctan2', 'hypot', 'logaddexp', 'logaddexp2', 'nextafter', 'heaviside', 'ldexp', 'logical_and', 'logical_or', 'logical_xor'].map(
    (n) => [`torch.${n}`, 'tensors'] as const,
  ),
]);

function binaryFunction(fn: string, args: OpArgs, other: string): OpResult {
  const kinds = NUMBER_OPERANDS.get(fn);
  const input = args.input;
  const second = args[other];
  if ((kinds === 'other' || kinds === 'tensors') && !isTensor(input)) {
    throw new OpError('invalid-argument', `${fn}: argument 'input' (position 1) must be Tensor, not ${describe(input)}`);
  }
  if (kinds === 'tensors' && !isTensor(second)) {
    throw new OpError('invalid-argument', `${fn}: argument '${other}' (position 2) must be Tensor, not ${describe(second)}`);
  }
  if (kinds === 'any' && !isTensor(input) && !isTensor(second)) {
    toOperand(fn, 'input', input);
    toOperand(fn, other, second);
    return ok(makeTensor(fn, [], null));
  }
  return ok(broadcastOperands(fn, [['input', input], [other, second]]));
}

function binarySpecs(family: BinaryFamily): FunctionSpec[] {
  const other = family.other ?? 'other';
  const fnSpecs = specs(family.functions, joinParams('input', other, family.keywords), (fn, args) => binaryFunction(fn, args, other));
  const method = (fn: string, args: OpArgs): OpResult => {
    argTensor(fn, args, 'self');
    // x.maximum(2) is a TypeError as torch.maximum(x, 2) is.
    if (NUMBER_OPERANDS.get(fn.replace(/^Tensor\./, 'torch.')) === 'tensors' && !isTensor(args[other])) {
      throw new OpError('invalid-argument', `${fn}: argument '${other}' (position 1) must be Tensor, not ${describe(args[other])}`);
    }
    return ok(broadcastOperands(fn, [['self', args.self], [other, args[other]]]));
  };
  const methodSpecs = [
    ...specs(family.methods, joinParams('self', other, family.methodKeywords), method),
    ...specs(family.plainMethods ?? [], joinParams('self', other, ''), method),
  ];
  const inPlaceSpecs = specs(family.inPlaceMethods, joinParams('self', other, family.methodKeywords), (fn, args) => {
    const self = argTensor(fn, args, 'self');
    return ok(inPlace(fn, self, broadcastOperands(fn, [['self', self], [other, args[other]]])));
  });
  return [...fnSpecs, ...methodSpecs, ...inPlaceSpecs];
}

// ---------------------------------------------------------------------------------------------
// Ternary: where, masked_fill, lerp, addcmul...

function ternarySpecs(): FunctionSpec[] {
  return [
    ...specs(['torch.where'], 'condition, input=None, other=None, *, out=None', (fn, args) => {
      if ((args.input === undefined || args.input === null) && (args.other === undefined || args.other === null)) {
        // where(condition) is nonzero(condition, as_tuple=True): its length depends on the values.
        throw new OpError('unsupported', `${fn}: torch.where(condition) with one argument returns data-dependent shapes`);
      }
      // The value comes from input/other, so they lead the geometry; the condition follows.
      const t = broadcastOperands(fn, [['input', args.input], ['other', args.other], ['condition', args.condition]]);
      return ok(t);
    }),
    ...specs(['Tensor.where'], 'self, condition, y', (fn, args) =>
      ok(broadcastOperands(fn, [['self', args.self], ['y', args.y], ['condition', args.condition]])),
    ),
    ...specs(['torch.masked_fill'], 'input, mask, value', (fn, args) => {
      checkFill(fn, args.value);
      return ok(broadcastOperands(fn, [['input', argTensor(fn, args, 'input')], ['mask', args.mask]]));
    }),
    ...specs(['Tensor.masked_fill'], 'self, mask, value', (fn, args) => {
      checkFill(fn, args.value);
      return ok(broadcastOperands(fn, [['self', argTensor(fn, args, 'self')], ['mask', args.mask]]));
    }),
    ...specs(['Tensor.masked_fill_'], 'self, mask, value', (fn, args) => {
      const self = argTensor(fn, args, 'self');
      checkFill(fn, args.value);
      return ok(inPlace(fn, self, broadcastOperands(fn, [['self', self], ['mask', args.mask]])));
    }),
    ...specs(['torch.lerp'], 'input, end, weight, *, out=None', (fn, args) =>
      ok(broadcastOperands(fn, [['input', args.input], ['end', args.end], ['weight', args.weight]])),
    ),
    ...specs(['Tensor.lerp'], 'self, end, weight', (fn, args) =>
      ok(broadcastOperands(fn, [['self', args.self], ['end', args.end], ['weight', args.weight]])),
    ),
    ...specs(['torch.addcmul', 'torch.addcdiv'], 'input, tensor1, tensor2, *, value=1, out=None', (fn, args) =>
      ok(broadcastOperands(fn, [['input', args.input], ['tensor1', args.tensor1], ['tensor2', args.tensor2]])),
    ),
    ...specs(['Tensor.addcmul', 'Tensor.addcdiv'], 'self, tensor1, tensor2, *, value=1', (fn, args) =>
      ok(broadcastOperands(fn, [['self', args.self], ['tensor1', args.tensor1], ['tensor2', args.tensor2]])),
    ),
    ...specs(['Tensor.copy_'], 'self, src, non_blocking=False', (fn, args) => {
      const self = argTensor(fn, args, 'self');
      inPlace(fn, self, broadcastOperands(fn, [['self', self], ['src', args.src]]));
      return ok(self);
    }),
  ];
}

function checkFill(fn: string, value: OpValue | undefined): void {
  if (typeof value === 'number' || typeof value === 'boolean') return;
  if (isTensor(value) && value.shape.length === 0) return;
  throw new OpError(
    'invalid-argument',
    `${fn}: value must be a number or a 0-dimensional tensor, not ${describe(value)}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Unary ops that keep the shape

const UNARY = [
  'abs', 'absolute', 'neg', 'negative', 'exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt',
  'square', 'reciprocal', 'sign', 'sgn', 'signbit', 'floor', 'ceil', 'trunc', 'fix', 'frac', 'sin', 'cos', 'tan',
  'asin', 'acos', 'atan', 'arcsin', 'arccos', 'arctan', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'arcsinh', 'arccosh', 'arctanh', 'sigmoid', 'erf', 'erfc', 'erfinv', 'lgamma', 'digamma', 'i0', 'logit',
  'logical_not', 'bitwise_not', 'isnan', 'isinf', 'isfinite', 'isposinf', 'isneginf', 'isreal', 'conj', 'angle',
  'deg2rad', 'rad2deg', 'positive', 'sinc',
];

/** Unary functions whose torch.* form has no `out` keyword. */
const UNARY_NO_OUT = new Set(['relu', 'selu', 'isnan', 'isinf', 'isfinite', 'isreal', 'conj', 'positive']);
/** Forms torch 1.13 does not have (measured: scripts/golden/mob_ops_cases.py): no in-place form at
 *  all, no torch.X_ (only the method x.X_()), no method (torch.selu only). */
const UNARY_NO_IN_PLACE = new Set(['signbit', 'conj', 'angle', 'positive']);
const UNARY_NO_TORCH_IN_PLACE = new Set(['absolute', 'sign', 'sgn', 'erfinv', 'lgamma', 'digamma', 'logical_not', 'bitwise_not']);
const UNARY_NO_METHOD = new Set(['selu']);

function unarySpecs(): FunctionSpec[] {
  const keep = (fn: string, args: OpArgs): OpResult => ok(argTensor(fn, args, 'self' in args ? 'self' : 'input'));
  const out: FunctionSpec[] = [];
  for (const name of [...UNARY, 'relu', 'selu']) {
    const sig = UNARY_NO_OUT.has(name) ? 'input' : 'input, *, out=None';
    const method = !UNARY_NO_METHOD.has(name);
    out.push(...specs([`torch.${name}`], sig, keep));
    if (method) out.push(...specs([`Tensor.${name}`], 'self', keep));
    if (!name.startsWith('is') && !UNARY_NO_IN_PLACE.has(name)) {
      if (!UNARY_NO_TORCH_IN_PLACE.has(name)) out.push(...specs([`torch.${name}_`], 'input', keep));
      if (method) out.push(...specs([`Tensor.${name}_`], 'self', keep));
    }
  }
  out.push(
    ...specs(['Tensor.__neg__', 'Tensor.__pos__', 'Tensor.__abs__', 'Tensor.__invert__'], 'self', keep),
    ...specs(['torch.round'], 'input, *, decimals=0, out=None', keep),
    ...specs(['Tensor.round', 'Tensor.round_'], 'self, *, decimals=0', keep),
    ...specs(['torch.clamp', 'torch.clip'], 'input, min=None, max=None, *, out=None', clamp),
    ...specs(['Tensor.clamp', 'Tensor.clip', 'Tensor.clamp_', 'Tensor.clip_'], 'self, min=None, max=None', clamp),
    ...specs(['torch.clamp_min'], 'input, min', clampBound('min')),
    ...specs(['torch.clamp_max'], 'input, max', clampBound('max')),
    ...specs(['Tensor.clamp_min', 'Tensor.clamp_min_'], 'self, min', clampBound('min')),
    ...specs(['Tensor.clamp_max', 'Tensor.clamp_max_'], 'self, max', clampBound('max')),
    ...specs(['torch.nan_to_num'], 'input, nan=0.0, posinf=None, neginf=None, *, out=None', keep),
    ...specs(['Tensor.nan_to_num', 'Tensor.nan_to_num_'], 'self, nan=0.0, posinf=None, neginf=None', keep),
    ...specs(['torch.alpha_dropout', 'torch.feature_dropout'], 'input, p, train', keep),
    ...specs(['Tensor.fill_'], 'self, value', (fn, args) => {
      checkFill(fn, args.value);
      return keep(fn, args);
    }),
    ...specs(['Tensor.zero_', 'Tensor.retain_grad'], 'self', keep),
    ...specs(
      ['Tensor.normal_', 'Tensor.uniform_', 'Tensor.bernoulli_'],
      'self, *args, generator=None, **kwargs',
      keep,
    ),
    // Normalising along a spatial axis makes every position depend on the whole axis: that axis
    // loses its geometry (rf is no longer a local window). F.softmax and nn.Softmax: activation.ts.
    ...specs(['torch.softmax', 'torch.log_softmax'], 'input, dim, dtype=None', alongDim),
    ...specs(['Tensor.softmax', 'Tensor.log_softmax'], 'self, dim, dtype=None', alongDim),
    ...specs(['torch.cumsum', 'torch.cumprod'], 'input, dim, *, dtype=None, out=None', alongDim),
    ...specs(['Tensor.cumsum', 'Tensor.cumprod', 'Tensor.cumsum_', 'Tensor.cumprod_'], 'self, dim, *, dtype=None', alongDim),
    ...specs(['torch.logcumsumexp'], 'input, dim, *, out=None', alongDim),
    ...specs(['Tensor.logcumsumexp'], 'self, dim', alongDim),
  );
  return out;
}

function clamp(fn: string, args: OpArgs): OpResult {
  const selfName = 'self' in args ? 'self' : 'input';
  const input = argTensor(fn, args, selfName);
  const isNone = (v: OpValue | undefined) => v === undefined || v === null;
  if (isNone(args.min) && isNone(args.max)) {
    throw new OpError('invalid-argument', `${fn}: at least one of 'min' or 'max' must not be None`);
  }
  const operands: [string, OpValue | undefined][] = [[selfName, input]];
  if (!isNone(args.min)) operands.push(['min', args.min]);
  if (!isNone(args.max)) operands.push(['max', args.max]);
  const result = broadcastOperands(fn, operands);
  return ok(fn.endsWith('_') ? inPlace(fn, input, result) : result);
}

function clampBound(bound: 'min' | 'max') {
  return (fn: string, args: OpArgs): OpResult => {
    const selfName = 'self' in args ? 'self' : 'input';
    const input = argTensor(fn, args, selfName);
    const result = broadcastOperands(fn, [[selfName, input], [bound, args[bound]]]);
    return ok(fn.endsWith('_') ? inPlace(fn, input, result) : result);
  };
}

function alongDim(fn: string, args: OpArgs): OpResult {
  const input = argTensor(fn, args, 'self' in args ? 'self' : 'input');
  const dim = wrapDim(fn, toInt(fn, 'dim', args.dim), input.shape.length, input.shape);
  return ok(makeTensor(fn, input.shape, geometryWithoutAxis(input, dim)));
}

export const elementwiseSpecs: readonly FunctionSpec[] = [
  ...ARITHMETIC.flatMap(binarySpecs),
  ...ternarySpecs(),
  ...unarySpecs(),
];
