// Merge layers (concatenate, add, multiply, average, maximum, minimum) and the normalizations.
// countParams counts non-trainable weights too: batchNormalization has gamma, beta, moving mean
// and moving variance, 4·C with the defaults.

import { mergeGeometry } from '../../geometry';
import { fail, product, shapeText, single, type ConfigReader, type LayerResult, type TfLayerSpec, type TfTensor } from './spec';

function several(className: string, inputs: TfTensor[]): TfTensor[] {
  if (inputs.length < 2) fail('shape-mismatch', `${className} needs an array of at least 2 inputs, got ${inputs.length}`);
  return inputs;
}

const shapesText = (xs: TfTensor[]) => xs.map((x) => shapeText(x.shape, x.batchSymbolic)).join(', ');

function normalizeAxis(axis: number, rank: number, className: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail('invalid-argument', `${className}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

const concatenate: TfLayerSpec<number> = {
  className: 'Concatenate',
  multiInput: true,
  configure: (c) => c.int('axis', -1, -Infinity),
  apply(axis, inputs): LayerResult {
    const xs = several('Concatenate', inputs);
    const rank = xs[0]!.shape.length;
    if (xs.some((x) => x.shape.length !== rank)) fail('shape-mismatch', `Concatenate: the inputs have different ranks: ${shapesText(xs)}`);
    const a = normalizeAxis(axis, rank, 'Concatenate');
    const mismatch = xs.find((x) => x.shape.some((d, i) => i !== a && d !== xs[0]!.shape[i]));
    if (mismatch) {
      fail('shape-mismatch', `Concatenate (axis ${axis}) needs inputs that match except on that axis: ${shapesText(xs)}`);
    }
    const out = [...xs[0]!.shape];
    out[a] = xs.reduce((s, x) => s + x.shape[a]!, 0);
    const geometry = mergeGeometry(xs.map((x) => x.geometry));
    return {
      outputs: [{ shape: out, geometry, batchSymbolic: xs[0]!.batchSymbolic }],
      params: 0,
      macs: 0,
      geometry,
      args: `axis ${axis}: ${xs.map((x) => x.shape[a]).join('+')}`,
    };
  },
};

/** Elementwise merges broadcast the non-batch dims from the right, as TF.js's Merge does. */
function elementwise(className: string): TfLayerSpec<null> {
  return {
    className,
    multiInput: true,
    configure: () => null,
    apply(_cfg, inputs): LayerResult {
      const xs = several(className, inputs);
      const batches = new Set(xs.map((x) => x.shape[0]));
      if (batches.size > 1) fail('shape-mismatch', `${className}: different batch sizes: ${shapesText(xs)}`);
      let out = xs[0]!.shape.slice(1);
      for (const x of xs.slice(1)) {
        const other = x.shape.slice(1);
        const [long, short] = out.length >= other.length ? [out, other] : [other, out];
        const merged = long.slice(0, long.length - short.length);
        for (let k = 0; k < short.length; k++) {
          const i = long[long.length - short.length + k]!;
          const j = short[k]!;
          if (i !== j && i !== 1 && j !== 1) fail('shape-mismatch', `${className}: the shapes do not broadcast together: ${shapesText(xs)}`);
          merged.push(i === 1 ? j : i);
        }
        out = merged;
      }
      const geometry = mergeGeometry(xs.map((x) => x.geometry));
      return { outputs: [{ shape: [xs[0]!.shape[0]!, ...out], geometry, batchSymbolic: xs[0]!.batchSymbolic }], params: 0, macs: 0, geometry, args: `${xs.length} inputs` };
    },
  };
}

interface BatchNormConfig {
  axis: number;
  center: boolean;
  scale: boolean;
}

const batchNormalization: TfLayerSpec<BatchNormConfig> = {
  className: 'BatchNormalization',
  configure: (c: ConfigReader) => ({ axis: c.int('axis', -1, -Infinity), center: c.bool('center', true), scale: c.bool('scale', true) }),
  apply(cfg, inputs): LayerResult {
    const x = single('BatchNormalization', inputs);
    const channels = x.shape[normalizeAxis(cfg.axis, x.shape.length, 'BatchNormalization')]!;
    // gamma and beta (when scale / center) are trainable, the moving mean and variance are not.
    const params = channels * (2 + (cfg.center ? 1 : 0) + (cfg.scale ? 1 : 0));
    return { outputs: [{ ...x, shape: [...x.shape] }], params, macs: 0, geometry: x.geometry, args: String(channels) };
  },
};

interface LayerNormConfig {
  axes: number[];
  center: boolean;
  scale: boolean;
}

const layerNormalization: TfLayerSpec<LayerNormConfig> = {
  className: 'LayerNormalization',
  configure(c) {
    const axis = c.get('axis');
    const axes = axis === undefined || axis === null ? [-1] : typeof axis === 'number' ? [axis] : Array.isArray(axis) ? axis : null;
    if (!axes || axes.some((a) => typeof a !== 'number' || !Number.isInteger(a))) fail('invalid-argument', 'layerNormalization: `axis` must be an integer or an array of integers');
    return { axes: axes as number[], center: c.bool('center', true), scale: c.bool('scale', true) };
  },
  apply(cfg, inputs): LayerResult {
    const x = single('LayerNormalization', inputs);
    const axes = cfg.axes.map((a) => normalizeAxis(a, x.shape.length, 'LayerNormalization'));
    if (new Set(axes).size !== axes.length) fail('invalid-argument', `LayerNormalization: duplicate axes ${cfg.axes.join(', ')}`);
    const size = product(axes.map((a) => x.shape[a]!));
    const params = size * ((cfg.center ? 1 : 0) + (cfg.scale ? 1 : 0));
    return { outputs: [{ ...x, shape: [...x.shape] }], params, macs: 0, geometry: x.geometry, args: String(size) };
  },
};

export const MERGE_NORM_LAYERS: Record<string, TfLayerSpec> = {
  concatenate,
  add: elementwise('Add'),
  multiply: elementwise('Multiply'),
  average: elementwise('Average'),
  maximum: elementwise('Maximum'),
  minimum: elementwise('Minimum'),
  batchNormalization,
  layerNormalization,
};
