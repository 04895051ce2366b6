// Output shapes of the layer catalogue against onnxruntime-node, over thousands of random
// configurations drawn with a fixed seed: Conv and ConvTranspose 1d/2d/3d (pads, dilations,
// groups, strides, output_padding, 'same'/'valid'), MaxPool/AveragePool (ceil_mode, dilation,
// count_include_pad), Resize (sizes and scales, every mode mapped as the onnxruntime-web recipe
// maps torch's), PixelShuffle/PixelUnshuffle as DepthToSpace(CRD)/SpaceToDepth.
//
// Where ONNX cannot state a torch configuration the case is left out, and only that case:
//  - mode='area' (an adaptive average pool; ONNX has no adaptive pooling): covered by the real-
//    PyTorch goldens instead.
//  - scale factors that are not exact in float32: ONNX Resize takes float32 scales while torch
//    multiplies in double, so floor(in·scale) can differ by one for e.g. 0.7; scales here are
//    multiples of 1/8.
//  - padding_mode other than zeros does not change shapes and is run as zeros.
//  - unbatched inputs (ONNX Conv/Pool need a batch dim): covered by the unit tests and goldens.
//  - pooling windows longer than the padded input: ORT truncates (L + 2p − span)/s toward zero
//    where torch floors (torch's max_pool1d then returns an empty tensor, ORT one position).
//  - ConvTranspose output_padding ≥ stride (torch accepts it when below the dilation; onnxruntime
//    refuses "output_padding may be too large for stride"): those draws are counted, not run.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { layerFunctionSpecs } from '../../server/src/engine/ops/layerFunctions';
import { moduleSpecs } from '../../server/src/engine/ops/moduleRegistry';
import { OpError, type OpArgs, type Tensor } from '../../server/src/engine/ops/types';
import type { OnnxInitializer } from '../../webview/src/onnx/modelProto';
import { pick, prng, randomInt, type Random } from '../support/prng';
import { ones, runOrtCases, type OrtCase } from './ortBatch';

const SEED = 20240611;

interface Config {
  label: string;
  /** The torch call: module name + constructor args + input shape (+ forward args). */
  module?: { name: string; args: OpArgs };
  fn?: { name: string; args: OpArgs };
  input: number[];
  onnx: OrtCase['graph'];
  /** Why ONNX cannot state this torch configuration (the case is then not run on ORT). */
  ortCannot?: string;
}

const range = (random: Random, lo: number, hi: number): number => lo + randomInt(random, hi - lo + 1);
const tuple = (random: Random, n: number, lo: number, hi: number): number[] => Array.from({ length: n }, () => range(random, lo, hi));
const tensor = (shape: number[]): Tensor => ({ kind: 'tensor', shape, geometry: null });

/** The catalogue's output shape, or the OpError it raised. */
function catalogueShape(c: Config): number[] | OpError {
  try {
    if (c.module) {
      const spec = moduleSpecs.get(c.module.name)!;
      const config = spec.build(c.module.args);
      const value = spec.forward(config, { input: tensor(c.input) }).value as Tensor;
      return [...value.shape];
    }
    const value = layerFunctionSpecs.get(c.fn!.name)!.apply({ ...c.fn!.args, input: tensor(c.input) }).value as Tensor;
    return [...value.shape];
  } catch (e) {
    if (e instanceof OpError) return e;
    throw e;
  }
}

interface Tally {
  compared: number;
  rejected: number;
  inexpressible: number;
}

/**
 * Compares the catalogue with ORT on every config the catalogue accepts. With `rejectsToo`,
 * every config the catalogue rejects (torch raises) must make ORT fail or give an empty output.
 */
async function compareWithOrt(configs: Config[], rejectsToo = false): Promise<Tally> {
  const accepted: { config: Config; shape: number[] }[] = [];
  const rejectedConfigs: Config[] = [];
  let inexpressible = 0;
  for (const config of configs) {
    const shape = catalogueShape(config);
    if (shape instanceof OpError) rejectedConfigs.push(config);
    else if (config.ortCannot) inexpressible++;
    else accepted.push({ config, shape });
  }
  const outcomes = await runOrtCases(accepted.map(({ config }) => ({ label: config.label, inputShape: config.input, graph: config.onnx })));
  const mismatches: string[] = [];
  outcomes.forEach((o, i) => {
    const { config, shape } = accepted[i]!;
    if ('error' in o) mismatches.push(`${config.label} on ${JSON.stringify(config.input)}: catalogue ${JSON.stringify(shape)}, ORT failed: ${o.error}`);
    else if (JSON.stringify(o.dims) !== JSON.stringify(shape)) {
      mismatches.push(`${config.label} on ${JSON.stringify(config.input)}: catalogue ${JSON.stringify(shape)}, ORT ${JSON.stringify(o.dims)}`);
    }
  });
  assert.deepEqual(mismatches.slice(0, 10), [], `${mismatches.length} of ${accepted.length} differ`);
  if (rejectsToo) {
    const outcomes = await runOrtCases(rejectedConfigs.map((config) => ({ label: config.label, inputShape: config.input, graph: config.onnx })));
    const accepts = outcomes
      .map((o, i) => ('dims' in o && o.dims.every((d) => d > 0) ? `${rejectedConfigs[i]!.label} on ${JSON.stringify(rejectedConfigs[i]!.input)}: ORT gives ${JSON.stringify(o.dims)}` : null))
      .filter((m): m is string => m !== null);
    assert.deepEqual(accepts.slice(0, 10), [], `${accepts.length} of ${rejectedConfigs.length} rejected configurations run on ORT`);
  }
  return { compared: accepted.length, rejected: rejectedConfigs.length, inexpressible };
}

const symmetricPads = (p: number[]): number[] => [...p, ...p];

// ---------------------------------------------------------------------------------------------
// generators

function convConfig(random: Random, nd: 1 | 2 | 3): Config {
  const groups = pick(random, [1, 1, 2, 3]);
  const cin = groups * range(random, 1, 3);
  const cout = groups * range(random, 1, 3);
  const maxK = nd === 3 ? 3 : 5;
  const kernel = tuple(random, nd, 1, maxK);
  const stride = tuple(random, nd, 1, 3);
  const dilation = tuple(random, nd, 1, 3);
  const paddingKind = pick(random, ['int', 'int', 'int', 'same', 'valid'] as const);
  const padding = paddingKind === 'int' ? tuple(random, nd, 0, 3) : paddingKind;
  const strideUsed = paddingKind === 'same' ? kernel.map(() => 1) : stride;
  const input = [range(random, 1, 2), cin, ...tuple(random, nd, 1, nd === 3 ? 7 : 12)];
  const bias = random() < 0.5;
  const args: OpArgs = { in_channels: cin, out_channels: cout, kernel_size: kernel, stride: strideUsed, padding, dilation, groups, bias };
  return {
    label: `Conv${nd}d(${JSON.stringify(args)})`,
    module: { name: `Conv${nd}d`, args },
    input,
    onnx: (x, y, id) => {
      const initializers: OnnxInitializer[] = [ones(`${id}w`, [cout, cin / groups, ...kernel])];
      if (bias) initializers.push(ones(`${id}b`, [cout]));
      // ORT refuses auto_pad SAME_* with dilation: there 'same' is spelled out as the padding that
      // keeps the size at stride 1 (d·(k−1) in total, the odd pixel at the end as SAME_UPPER does).
      const samePads = (): number[] => {
        const total = kernel.map((k, i) => dilation[i]! * (k - 1));
        return [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
      };
      const padAttrs: Record<string, string | number[]> =
        paddingKind === 'same'
          ? dilation.some((d) => d > 1)
            ? { pads: samePads() }
            : { auto_pad: 'SAME_UPPER' }
          : paddingKind === 'valid'
            ? { auto_pad: 'VALID' }
            : { pads: symmetricPads(padding as number[]) };
      return {
        nodes: [
          {
            opType: 'Conv',
            inputs: bias ? [x, `${id}w`, `${id}b`] : [x, `${id}w`],
            outputs: [y],
            attributes: { kernel_shape: kernel, strides: strideUsed, dilations: dilation, group: groups, ...padAttrs },
          },
        ],
        initializers,
      };
    },
  };
}

function convTransposeConfig(random: Random, nd: 1 | 2 | 3): Config {
  const groups = pick(random, [1, 1, 2]);
  const cin = groups * range(random, 1, 3);
  const cout = groups * range(random, 1, 3);
  const kernel = tuple(random, nd, 1, nd === 3 ? 3 : 5);
  const stride = tuple(random, nd, 1, 4);
  const dilation = tuple(random, nd, 1, 3);
  const padding = kernel.map((k, i) => range(random, 0, Math.max(0, dilation[i]! * (k - 1))));
  // torch: each output_padding below the stride or the dilation of its axis
  const outputPadding = stride.map((s, i) => (random() < 0.5 ? 0 : range(random, 0, Math.max(s, dilation[i]!) - 1)));
  const input = [range(random, 1, 2), cin, ...tuple(random, nd, 1, nd === 3 ? 5 : 8)];
  const args: OpArgs = { in_channels: cin, out_channels: cout, kernel_size: kernel, stride, padding, output_padding: outputPadding, groups, dilation };
  return {
    label: `ConvTranspose${nd}d(${JSON.stringify(args)})`,
    module: { name: `ConvTranspose${nd}d`, args },
    input,
    ...(outputPadding.some((op, i) => op >= stride[i]!) ? { ortCannot: 'output_padding ≥ stride' } : {}),
    onnx: (x, y, id) => ({
      nodes: [
        {
          opType: 'ConvTranspose',
          inputs: [x, `${id}w`],
          outputs: [y],
          attributes: { kernel_shape: kernel, strides: stride, dilations: dilation, pads: symmetricPads(padding), output_padding: outputPadding, group: groups },
        },
      ],
      initializers: [ones(`${id}w`, [cin, cout / groups, ...kernel])],
    }),
  };
}

function poolConfig(random: Random, kind: 'max' | 'avg', nd: 1 | 2 | 3): Config {
  const kernel = tuple(random, nd, 1, 4);
  const strideGiven = random() < 0.8;
  const stride = strideGiven ? tuple(random, nd, 1, 4) : null;
  const padding = kernel.map((k) => range(random, 0, Math.floor(k / 2)));
  const dilation = kind === 'max' ? tuple(random, nd, 1, 3) : kernel.map(() => 1);
  const ceilMode = random() < 0.5;
  const countIncludePad = random() < 0.5;
  const input = [1, range(random, 1, 2), ...tuple(random, nd, nd === 3 ? 3 : 1, nd === 3 ? 8 : 11)];
  const args: OpArgs =
    kind === 'max'
      ? { kernel_size: kernel, stride, padding, dilation, ceil_mode: ceilMode }
      : { kernel_size: kernel, stride, padding, ceil_mode: ceilMode, count_include_pad: countIncludePad };
  const name = `${kind === 'max' ? 'MaxPool' : 'AvgPool'}${nd}d`;
  // ORT divides (L + 2p − d·(k−1) − 1) by the stride truncating toward zero where torch floors:
  // they differ for a window longer than the padded input when that quotient is not whole.
  const truncationDiffers =
    !ceilMode &&
    kernel.some((k, i) => {
      const numerator = input[2 + i]! + 2 * padding[i]! - dilation[i]! * (k - 1) - 1;
      return numerator < 0 && numerator % (stride ?? kernel)[i]! !== 0;
    });
  return {
    label: `${name}(${JSON.stringify(args)})`,
    module: { name, args },
    input,
    ...(truncationDiffers ? { ortCannot: 'window longer than the padded input (ORT truncates, torch floors)' } : {}),
    onnx: (x, y) => ({
      nodes: [
        {
          opType: kind === 'max' ? 'MaxPool' : 'AveragePool',
          inputs: [x],
          outputs: [y],
          attributes: {
            kernel_shape: kernel,
            strides: stride ?? kernel,
            pads: symmetricPads(padding),
            ceil_mode: ceilMode ? 1 : 0,
            ...(kind === 'max' ? { dilations: dilation } : { count_include_pad: countIncludePad ? 1 : 0 }),
          },
        },
      ],
    }),
  };
}

const MODE_RANKS: Record<string, number[]> = {
  nearest: [3, 4, 5],
  'nearest-exact': [3, 4, 5],
  linear: [3],
  bilinear: [4],
  bicubic: [4],
  trilinear: [5],
};
const DYADIC_SCALES = [0.25, 0.375, 0.5, 0.625, 0.75, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];

/** torch mode → ONNX Resize attributes (recipe: nearest = asymmetric + floor; linear = half_pixel or align_corners; cubic a = −0.75). */
function resizeAttributes(mode: string, alignCorners: boolean): Record<string, string | number | { type: 'float'; value: number }> {
  if (mode === 'nearest') return { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' };
  if (mode === 'nearest-exact') return { mode: 'nearest', coordinate_transformation_mode: 'half_pixel', nearest_mode: 'round_prefer_ceil' };
  const ctm = alignCorners ? 'align_corners' : 'half_pixel';
  if (mode === 'bicubic') return { mode: 'cubic', coordinate_transformation_mode: ctm, cubic_coeff_a: { type: 'float', value: -0.75 } };
  return { mode: 'linear', coordinate_transformation_mode: ctm };
}

function resizeConfig(random: Random): Config {
  const mode = pick(random, Object.keys(MODE_RANKS));
  const rank = pick(random, MODE_RANKS[mode]!);
  const nd = rank - 2;
  const spatial = tuple(random, nd, 1, 10);
  const input = [range(random, 1, 2), range(random, 1, 3), ...spatial];
  const interpolating = !mode.startsWith('nearest');
  const alignCorners = interpolating && random() < 0.5;
  const useSize = random() < 0.4;
  const args: OpArgs = { mode };
  if (interpolating) args['align_corners'] = alignCorners;
  let sizes: number[] | null = null;
  let scales: number[] | null = null;
  if (useSize) {
    sizes = tuple(random, nd, 1, 16);
    args['size'] = random() < 0.3 ? sizes.fill(sizes[0]!)[0]! : sizes;
  } else {
    scales = Array.from({ length: nd }, () => pick(random, DYADIC_SCALES));
    if (random() < 0.4) scales.fill(scales[0]!);
    args['scale_factor'] = scales.every((s) => s === scales![0]) && random() < 0.5 ? scales[0]! : scales;
    if (random() < 0.3) args['recompute_scale_factor'] = true;
  }
  return {
    label: `F.interpolate(${JSON.stringify(args)})`,
    fn: { name: 'F.interpolate', args },
    input,
    onnx: (x, y, id) => {
      const initializers: OnnxInitializer[] = sizes
        ? [{ name: `${id}sizes`, dims: [rank], data: [input[0]!, input[1]!, ...sizes], type: 'int64' }]
        : [{ name: `${id}scales`, dims: [rank], data: new Float32Array([1, 1, ...scales!]) }];
      return {
        nodes: [
          {
            opType: 'Resize',
            inputs: sizes ? [x, '', '', `${id}sizes`] : [x, '', `${id}scales`],
            outputs: [y],
            attributes: resizeAttributes(mode, alignCorners),
          },
        ],
        initializers,
      };
    },
  };
}

function shuffleConfig(random: Random): Config {
  const r = range(random, 1, 4);
  if (random() < 0.5) {
    const input = [range(random, 1, 2), r * r * range(random, 1, 3), range(random, 1, 6), range(random, 1, 6)];
    return {
      label: `PixelShuffle(${r})`,
      module: { name: 'PixelShuffle', args: { upscale_factor: r } },
      input,
      onnx: (x, y) => ({ nodes: [{ opType: 'DepthToSpace', inputs: [x], outputs: [y], attributes: { blocksize: r, mode: 'CRD' } }] }),
    };
  }
  const input = [range(random, 1, 2), range(random, 1, 4), r * range(random, 1, 5), r * range(random, 1, 5)];
  return {
    label: `PixelUnshuffle(${r})`,
    module: { name: 'PixelUnshuffle', args: { downscale_factor: r } },
    input,
    onnx: (x, y) => ({ nodes: [{ opType: 'SpaceToDepth', inputs: [x], outputs: [y], attributes: { blocksize: r } }] }),
  };
}

// ---------------------------------------------------------------------------------------------

describe('layer shapes vs onnxruntime-node (fixed seed)', () => {
  const random = prng(SEED);
  const draw = (n: number, make: () => Config): Config[] => Array.from({ length: n }, make);

  for (const nd of [1, 2, 3] as const) {
    test(`Conv${nd}d: pads, 'same'/'valid', strides, dilations, groups, bias`, async () => {
      const tally = await compareWithOrt(draw(400, () => convConfig(random, nd)), true);
      assert.ok(tally.compared >= 250 && tally.rejected >= 10, `only ${tally.compared} accepted (${tally.rejected} rejected)`);
    });
  }

  for (const nd of [1, 2, 3] as const) {
    test(`ConvTranspose${nd}d: pads, output_padding, dilations, strides, groups`, async () => {
      const tally = await compareWithOrt(draw(300, () => convTransposeConfig(random, nd)), true);
      assert.ok(tally.compared >= 150 && tally.rejected >= 10, `only ${tally.compared} accepted (${tally.rejected} rejected)`);
    });
  }

  for (const kind of ['max', 'avg'] as const) {
    for (const nd of [1, 2, 3] as const) {
      test(`${kind === 'max' ? 'MaxPool' : 'AvgPool'}${nd}d: ceil_mode edge rule, dilation, count_include_pad`, async () => {
        const tally = await compareWithOrt(draw(250, () => poolConfig(random, kind, nd)));
        assert.ok(tally.compared >= 150, `only ${tally.compared} accepted (${tally.rejected} rejected)`);
      });
    }
  }

  test('Resize: sizes and scales, nearest / nearest-exact / linear / bilinear / bicubic / trilinear, align_corners', async () => {
    const tally = await compareWithOrt(draw(800, () => resizeConfig(random)), true);
    assert.ok(tally.compared >= 600, `only ${tally.compared} accepted (${tally.rejected} rejected)`);
  });

  test('PixelShuffle / PixelUnshuffle as DepthToSpace(CRD) / SpaceToDepth', async () => {
    const tally = await compareWithOrt(draw(300, () => shuffleConfig(random)));
    assert.equal(tally.rejected, 0);
  });
});
