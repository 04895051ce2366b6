// Layers that reshape or pass tensors through: dense, flatten, reshape, permute, repeatVector,
// embedding, the activations and dropouts, zeroPadding2d, cropping2D and upSampling2d.

import { growAxis, resizeAxis } from '../../geometry';
import { mul, rational } from '../../rational';
import {
  DATA_FORMATS,
  axesText,
  fail,
  inputGeometry,
  layout,
  product,
  shapeText,
  show,
  single,
  type ConfigReader,
  type DataFormat,
  type LayerResult,
  type Plain,
  type TfLayerSpec,
  type TfTensor,
} from './spec';

function passThrough(x: TfTensor, args = '', params = 0): LayerResult {
  return { outputs: [{ ...x, shape: [...x.shape] }], params, macs: 0, geometry: x.geometry, args };
}

/** A layer that leaves the shape as it is (activations, dropouts, noise). */
function identity(className: string, describe: (c: ConfigReader) => string = () => ''): TfLayerSpec<string> {
  return {
    className,
    configure: describe,
    apply: (args, inputs) => passThrough(single(className, inputs), args),
  };
}

const dense: TfLayerSpec<{ units: number; useBias: boolean }> = {
  className: 'Dense',
  configure: (c) => ({ units: c.int('units'), useBias: c.bool('useBias', true) }),
  apply(cfg, inputs): LayerResult {
    const x = single('Dense', inputs, (r) => r >= 2, 'an input of rank 2 or more');
    const features = x.shape[x.shape.length - 1]!;
    const out = [...x.shape.slice(0, -1), cfg.units];
    return {
      outputs: [{ shape: out, geometry: null, batchSymbolic: x.batchSymbolic }],
      params: features * cfg.units + (cfg.useBias ? cfg.units : 0),
      macs: product(x.shape) * cfg.units,
      geometry: null,
      args: `${features}→${cfg.units}${cfg.useBias ? '' : ', no bias'}`,
    };
  },
};

const flatten: TfLayerSpec<null> = {
  className: 'Flatten',
  configure: () => null,
  apply(_cfg, inputs): LayerResult {
    const x = single('Flatten', inputs, (r) => r >= 3, 'an input of rank 3 or more');
    return { outputs: [{ shape: [x.shape[0]!, product(x.shape.slice(1))], geometry: null, batchSymbolic: x.batchSymbolic }], params: 0, macs: 0, geometry: null, args: '' };
  },
};

const reshape: TfLayerSpec<number[]> = {
  className: 'Reshape',
  configure(c) {
    const target = c.get('targetShape');
    // TF.js refuses a fractional size (`KEY_DIM / 4` of an odd KEY_DIM) when the layer runs.
    if (!Array.isArray(target) || target.some((d) => d !== null && (typeof d !== 'number' || !Number.isSafeInteger(d)))) {
      fail('invalid-argument', `reshape: \`targetShape\` must be an array of integers, got ${show(target)}`);
    }
    const dims = target.map((d) => (d === null ? -1 : (d as number)));
    if (dims.filter((d) => d < 0).length > 1) fail('invalid-argument', 'reshape: only one dimension of `targetShape` may be -1 (or null)');
    return dims;
  },
  apply(target, inputs): LayerResult {
    const x = single('Reshape', inputs);
    const size = product(x.shape.slice(1));
    const known = product(target.filter((d) => d >= 0));
    const open = target.indexOf(-1);
    const out = [...target];
    if (open >= 0) {
      if (known === 0 || size % known !== 0) fail('shape-mismatch', `reshape: ${shapeText(x.shape, x.batchSymbolic)} (${size} values per example) does not fit [${target.join(', ')}]`);
      out[open] = size / known;
    } else if (known !== size) {
      fail('shape-mismatch', `reshape: ${shapeText(x.shape, x.batchSymbolic)} has ${size} values per example, [${target.join(', ')}] holds ${known}`);
    }
    // With the batch left open, TF.js's Reshape.computeOutputShape copies targetShape as it is:
    // the model it builds has null for that dimension, and a layer that needs it cannot build.
    const notes = open >= 0 && x.batchSymbolic
      ? [`TF.js builds this layer's output as [null, ${target.map((d) => (d < 0 ? 'null' : String(d))).join(', ')}] (it does not resolve -1 while the batch is null), so a layer that needs that dimension fails to build: write targetShape: [${out.join(', ')}]`]
      : undefined;
    return { outputs: [{ shape: [x.shape[0]!, ...out], geometry: null, batchSymbolic: x.batchSymbolic }], params: 0, macs: 0, geometry: null, args: `[${out.join(', ')}]`, notes };
  },
};

const permute: TfLayerSpec<number[]> = {
  className: 'Permute',
  configure(c) {
    const dims = c.get('dims');
    if (!Array.isArray(dims)) fail('invalid-argument', `permute: \`dims\` must be an array, got ${show(dims)}`);
    const sorted = [...dims].sort();
    if (!sorted.every((d, i) => d === i + 1)) fail('invalid-argument', `permute: \`dims\` ${show(dims)} must hold 1…${dims.length}, each once`);
    return dims as number[];
  },
  apply(dims, inputs): LayerResult {
    const x = single('Permute', inputs, dims.length + 1);
    const out = [x.shape[0]!, ...dims.map((d) => x.shape[d]!)];
    return { outputs: [{ shape: out, geometry: null, batchSymbolic: x.batchSymbolic }], params: 0, macs: 0, geometry: null, args: `[${dims.join(', ')}]` };
  },
};

const repeatVector: TfLayerSpec<number> = {
  className: 'RepeatVector',
  configure: (c) => c.int('n'),
  apply(n, inputs): LayerResult {
    const x = single('RepeatVector', inputs, 2);
    return { outputs: [{ shape: [x.shape[0]!, n, x.shape[1]!], geometry: null, batchSymbolic: x.batchSymbolic }], params: 0, macs: 0, geometry: null, args: `×${n}` };
  },
};

const embedding: TfLayerSpec<{ inputDim: number; outputDim: number }> = {
  className: 'Embedding',
  configure: (c) => ({ inputDim: c.int('inputDim'), outputDim: c.int('outputDim') }),
  apply(cfg, inputs): LayerResult {
    const x = single('Embedding', inputs);
    return {
      outputs: [{ shape: [...x.shape, cfg.outputDim], geometry: null, batchSymbolic: x.batchSymbolic }],
      params: cfg.inputDim * cfg.outputDim,
      macs: 0,
      geometry: null,
      args: `${cfg.inputDim}→${cfg.outputDim}`,
    };
  },
};

const prelu: TfLayerSpec<number[]> = {
  className: 'PReLU',
  configure(c) {
    const shared = c.get('sharedAxes');
    if (shared === undefined || shared === null) return [];
    if (typeof shared === 'number') return [shared];
    if (Array.isArray(shared) && shared.every((a) => typeof a === 'number')) return shared as number[];
    return fail('invalid-argument', `prelu: \`sharedAxes\` must be a number or an array of numbers, got ${show(shared)}`);
  },
  apply(shared, inputs): LayerResult {
    const x = single('PReLU', inputs);
    const alpha = x.shape.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
    return passThrough(x, shared.length ? `shared ${shared.join(', ')}` : '', product(alpha));
  },
};

// ---------------------------------------------------------------------------------------------
// Spatial layers that are not convolutions

type Pads = [[number, number], [number, number]];

/** TF.js's ZeroPadding2D / Cropping2D argument: n, [h, w] or [[top, bottom], [left, right]]. */
function readPairs(factory: string, name: string, v: Plain, fallback: Pads): Pads {
  if (v === undefined || v === null) return fallback;
  const int = (x: Plain): number => {
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) fail('invalid-argument', `${factory}: \`${name}\` must hold non-negative integers, got ${show(v)}`);
    return x;
  };
  if (typeof v === 'number') return [[int(v), int(v)], [int(v), int(v)]];
  if (!Array.isArray(v) || v.length !== 2) return fail('invalid-argument', `${factory}: \`${name}\` must be a number or a length-2 array, got ${show(v)}`);
  if (typeof v[0] === 'number') return [[int(v[0]), int(v[0])], [int(v[1]!), int(v[1]!)]];
  const pair = (p: Plain): [number, number] => {
    if (!Array.isArray(p) || p.length !== 2) fail('invalid-argument', `${factory}: \`${name}\` must be [[top, bottom], [left, right]], got ${show(v)}`);
    return [int(p[0]!), int(p[1]!)];
  };
  return [pair(v[0]!), pair(v[1]!)];
}

interface PadConfig {
  pads: Pads;
  dataFormat: DataFormat;
}

function padOrCrop(className: string, factory: string, arg: string, sign: 1 | -1): TfLayerSpec<PadConfig> {
  return {
    className,
    configure: (c) => ({
      pads: readPairs(factory, arg, c.get(arg), sign > 0 ? [[1, 1], [1, 1]] : [[0, 0], [0, 0]]),
      dataFormat: c.str('dataFormat', 'channelsLast', DATA_FORMATS),
    }),
    apply(cfg, inputs): LayerResult {
      const x = single(className, inputs, 4);
      const { spatial } = layout(4, cfg.dataFormat);
      const out = [...x.shape];
      spatial.forEach((a, i) => (out[a] = x.shape[a]! + sign * (cfg.pads[i]![0] + cfg.pads[i]![1])));
      if (out.some((d) => d <= 0)) fail('shape-mismatch', `${className}: cropping ${JSON.stringify(cfg.pads)} leaves nothing of ${shapeText(x.shape, x.batchSymbolic)}`);
      // Padding and cropping move the border, not the sampling grid: rf and jump stay.
      const geometry = inputGeometry(x, 2);
      const text = cfg.pads.map(([a, b]) => (a === b ? String(a) : `${a},${b}`));
      return { outputs: [{ shape: out, geometry, batchSymbolic: x.batchSymbolic }], params: 0, macs: 0, geometry, args: `${arg} ${text[0] === text[1] ? text[0] : text.join(' × ')}` };
    },
  };
}

interface UpConfig {
  size: number[];
  dataFormat: DataFormat;
  interpolation: 'nearest' | 'bilinear';
}

const upSampling2d: TfLayerSpec<UpConfig> = {
  className: 'UpSampling2D',
  configure(c) {
    const size = c.get('size');
    // TF.js multiplies size[0] and size[1]: a plain number gives NaN dimensions.
    if (size !== undefined && size !== null && !Array.isArray(size)) {
      fail('invalid-argument', `upSampling2d: \`size\` must be an array [rows, cols] (TF.js turns a plain number into NaN sizes), got ${show(size)}`);
    }
    return {
      size: c.ints('size', 2, [2, 2]),
      dataFormat: c.str('dataFormat', 'channelsLast', DATA_FORMATS),
      interpolation: c.str('interpolation', 'nearest', ['nearest', 'bilinear'] as const),
    };
  },
  apply(cfg, inputs): LayerResult {
    const x = single('UpSampling2D', inputs, 4);
    const { spatial } = layout(4, cfg.dataFormat);
    const out = [...x.shape];
    spatial.forEach((a, i) => (out[a] = x.shape[a]! * cfg.size[i]!));
    // TF.js resizes without half-pixel centres: output o reads input o·in/out (and its right
    // neighbour when bilinear), so the step between outputs is in/out input positions.
    const geometry = inputGeometry(x, 2).map((g, i) => {
      const inSize = x.shape[spatial[i]!]!;
      const outSize = out[spatial[i]!]!;
      return cfg.interpolation === 'nearest'
        ? growAxis(g, 1, mul(g.jump, rational(inSize, outSize)))
        : resizeAxis(g, { mode: 'bilinear', inSize, outSize, alignCorners: false });
    });
    return {
      outputs: [{ shape: out, geometry, batchSymbolic: x.batchSymbolic }],
      params: 0,
      macs: 0,
      geometry,
      window: { scale: cfg.size },
      args: `×${axesText(cfg.size)}, ${cfg.interpolation}`,
    };
  },
};

const activationName = (c: ConfigReader): string => {
  const a = c.get('activation');
  return typeof a === 'string' ? a : '';
};

export const CORE_LAYERS: Record<string, TfLayerSpec> = {
  dense,
  flatten,
  reshape,
  permute,
  repeatVector,
  embedding,
  prelu,
  activation: identity('Activation', activationName),
  dropout: identity('Dropout', (c) => (typeof c.get('rate') === 'number' ? `p=${String(c.get('rate'))}` : '')),
  spatialDropout1d: identity('SpatialDropout1D'),
  gaussianNoise: identity('GaussianNoise'),
  gaussianDropout: identity('GaussianDropout'),
  alphaDropout: identity('AlphaDropout'),
  masking: identity('Masking'),
  reLU: identity('ReLU'),
  leakyReLU: identity('LeakyReLU', (c) => (typeof c.get('alpha') === 'number' ? `α=${String(c.get('alpha'))}` : '')),
  elu: identity('ELU'),
  softmax: identity('Softmax'),
  thresholdedReLU: identity('ThresholdedReLU'),
  zeroPadding2d: padOrCrop('ZeroPadding2D', 'zeroPadding2d', 'padding', 1),
  cropping2D: padOrCrop('Cropping2D', 'cropping2D', 'cropping', -1),
  upSampling2d,
};
