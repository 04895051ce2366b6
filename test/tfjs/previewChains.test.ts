// The up-sampling preview for TensorFlow.js layers, end to end against the real library: a model
// source is analysed by ConvLens (no TF.js involved), its up-sampling path taken as the server's
// `convlens/upsamplingPath` takes it, turned into the preview's one-channel ONNX chain and run in
// onnxruntime-node; the same layers, built by the real @tensorflow/tfjs with one channel and the
// chain's own weights, must give the same output within 1e-4 — for conv2dTranspose ('same' and
// 'valid', kernels 2–5, strides 1–3, both data formats), upSampling2d (nearest and bilinear,
// whose TF.js coordinates are o·in/out, not torch's half-pixel ones) and paths with same-size
// conv2d layers between them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { analyzeFile } from '../../server/src/engine/analyze';
import { upsamplingRun } from '../../server/src/lsp/upsamplingPath';
import { INPUT_NAME, chainModel, chainParameters } from '../../webview/src/onnx/chainGraph';
import { stepsForLayers } from '../../webview/src/preview/fromLayer';
import { makeInput } from '../../webview/src/preview/inputs';
import { chainOutSize, type Chain, type Pair } from '../../webview/src/preview/steps';
import { chainWeights, type WeightMode } from '../../webview/src/preview/weights';
import { tfReady } from './tfjsOracle';

const TOLERANCE = 1e-4;

type Format = 'channelsLast' | 'channelsFirst';
type LayerConfig =
  | { kind: 'convT'; kernel: Pair; strides: Pair; padding: 'same' | 'valid'; bias?: boolean }
  | { kind: 'up'; size: Pair; interpolation: 'nearest' | 'bilinear' }
  | { kind: 'conv'; kernel: Pair; padding: 'same' };

interface Config {
  name: string;
  format: Format;
  inSize: Pair;
  layers: LayerConfig[];
}

const ct = (k: number | Pair, s: number | Pair, padding: 'same' | 'valid', bias = true): LayerConfig => ({
  kind: 'convT',
  kernel: typeof k === 'number' ? [k, k] : k,
  strides: typeof s === 'number' ? [s, s] : s,
  padding,
  bias,
});
const up = (size: number | Pair, interpolation: 'nearest' | 'bilinear'): LayerConfig => ({ kind: 'up', size: typeof size === 'number' ? [size, size] : size, interpolation });
const conv = (k: number): LayerConfig => ({ kind: 'conv', kernel: [k, k], padding: 'same' });

const CONFIGS: Config[] = [
  { name: 'ct k5 s2 same (DCGAN: k − s odd)', format: 'channelsLast', inSize: [5, 6], layers: [ct(5, 2, 'same')] },
  { name: 'ct k4 s2 same', format: 'channelsLast', inSize: [5, 5], layers: [ct(4, 2, 'same')] },
  { name: 'ct k3 s2 same', format: 'channelsLast', inSize: [4, 7], layers: [ct(3, 2, 'same', false)] },
  { name: 'ct k2 s2 valid', format: 'channelsLast', inSize: [4, 4], layers: [ct(2, 2, 'valid')] },
  { name: 'ct k5 s3 valid', format: 'channelsLast', inSize: [3, 4], layers: [ct(5, 3, 'valid')] },
  { name: 'ct k2 s3 same (k < s)', format: 'channelsLast', inSize: [4, 3], layers: [ct(2, 3, 'same')] },
  { name: 'ct k2 s3 valid (k < s)', format: 'channelsLast', inSize: [4, 3], layers: [ct(2, 3, 'valid')] },
  { name: 'ct k4 s1 same (k − s odd)', format: 'channelsLast', inSize: [6, 5], layers: [ct(4, 1, 'same')] },
  { name: 'ct k5 s1 same', format: 'channelsLast', inSize: [6, 5], layers: [ct(5, 1, 'same')] },
  { name: 'ct k3×4 s2×3 same', format: 'channelsLast', inSize: [4, 5], layers: [ct([3, 4], [2, 3], 'same')] },
  { name: 'ct k5 s2 same channelsFirst', format: 'channelsFirst', inSize: [5, 4], layers: [ct(5, 2, 'same')] },
  { name: 'ct k3 s3 valid channelsFirst', format: 'channelsFirst', inSize: [3, 5], layers: [ct(3, 3, 'valid')] },
  { name: 'up ×2 nearest', format: 'channelsLast', inSize: [4, 5], layers: [up(2, 'nearest')] },
  { name: 'up ×2×3 nearest', format: 'channelsLast', inSize: [4, 5], layers: [up([2, 3], 'nearest')] },
  { name: 'up ×2 bilinear', format: 'channelsLast', inSize: [4, 5], layers: [up(2, 'bilinear')] },
  { name: 'up ×3 bilinear', format: 'channelsLast', inSize: [5, 4], layers: [up(3, 'bilinear')] },
  { name: 'up ×3×2 bilinear channelsFirst', format: 'channelsFirst', inSize: [4, 5], layers: [up([3, 2], 'bilinear')] },
  { name: 'path: ct k5 s2 same → ct k5 s2 same', format: 'channelsLast', inSize: [4, 4], layers: [ct(5, 2, 'same'), ct(5, 2, 'same')] },
  { name: 'path: up ×2 nearest → conv k3 → up ×2 bilinear → conv k4', format: 'channelsLast', inSize: [4, 5], layers: [up(2, 'nearest'), conv(3), up(2, 'bilinear'), conv(4)] },
  { name: 'path: up ×2 bilinear → conv k3 → ct k4 s2 same (channelsFirst)', format: 'channelsFirst', inSize: [3, 4], layers: [up(2, 'bilinear'), conv(3), ct(4, 2, 'same')] },
];

/** The model as TF.js code, with several channels: ConvLens must find the spatial axes itself. */
function modelSource(config: Config): string {
  const channels = 3;
  const inputShape = config.format === 'channelsLast' ? [...config.inSize, channels] : [channels, ...config.inSize];
  const lines = config.layers.map((l, i) => {
    const first = i === 0 ? `, inputShape: ${JSON.stringify(inputShape)}` : '';
    const df = `dataFormat: '${config.format}'`;
    if (l.kind === 'convT') {
      return `  model.add(tf.layers.conv2dTranspose({ filters: ${4 + i}, kernelSize: ${JSON.stringify(l.kernel)}, strides: ${JSON.stringify(l.strides)}, padding: '${l.padding}', useBias: ${l.bias !== false}, ${df}${first} }));`;
    }
    if (l.kind === 'up') return `  model.add(tf.layers.upSampling2d({ size: ${JSON.stringify(l.size)}, interpolation: '${l.interpolation}', ${df}${first} }));`;
    return `  model.add(tf.layers.conv2d({ filters: ${4 + i}, kernelSize: ${JSON.stringify(l.kernel)}, padding: 'same', ${df}${first} }));\n  model.add(tf.layers.reLU());`;
  });
  return ["import * as tf from '@tensorflow/tfjs';", 'export function build() {', '  const model = tf.sequential();', ...lines, '  return model;', '}', ''].join('\n');
}

/** ConvLens's analysis → the server's path for the last layer → the preview's chain. */
function previewChain(config: Config): Chain {
  const text = modelSource(config);
  const report = analyzeFile({ file: '/virtual/tfjs_preview.ts', text, readFile: () => null });
  const model = report.models[0];
  assert.ok(model, `${config.name}: no model in ${JSON.stringify(report.diagnostics)}`);
  const ups = model.layers.flatMap((l, i) => (/Conv2DTranspose|UpSampling2D/.test(l.op) ? [i] : []));
  const last = ups.at(-1)!;
  const run = upsamplingRun(model.layers, last);
  assert.ok(run, `${config.name}: no up-sampling path`);
  assert.equal(run.path.length, config.layers.length, `${config.name}: path ${run.path.map((l) => l.op).join(' → ')}`);
  const { steps, inChannels } = stepsForLayers(run.path);
  return { steps, inChannels, inSize: config.inSize };
}

async function runOrt(chain: Chain, feeds: Record<string, Float32Array>): Promise<Float32Array> {
  const session = await InferenceSession.create(chainModel(chain));
  const ortFeeds: Record<string, OrtTensor> = { [INPUT_NAME]: new OrtTensor('float32', feeds[INPUT_NAME]!, [1, chain.inChannels, ...chain.inSize]) };
  for (const p of chainParameters(chain)) ortFeeds[p.name] = new OrtTensor('float32', feeds[p.name]!, p.dims);
  const out = await session.run(ortFeeds);
  const y = Object.values(out)[0]!;
  const data = y.data as Float32Array;
  await session.release();
  return data;
}

/** The same layers in the real TF.js, one channel each, with the chain's weights. */
function runTfjs(config: Config, chain: Chain, feeds: Record<string, Float32Array>): Float32Array {
  return tf.tidy(() => {
    const inputShape = config.format === 'channelsLast' ? [...config.inSize, 1] : [1, ...config.inSize];
    const model = tf.sequential();
    config.layers.forEach((l, i) => {
      const common = { dataFormat: config.format, ...(i === 0 ? { inputShape } : {}) };
      let layer: tf.layers.Layer;
      if (l.kind === 'up') {
        layer = tf.layers.upSampling2d({ size: l.size, interpolation: l.interpolation, ...common });
        model.add(layer);
        return;
      }
      layer =
        l.kind === 'convT'
          ? tf.layers.conv2dTranspose({ filters: 1, kernelSize: l.kernel, strides: l.strides, padding: l.padding, useBias: l.bias !== false, ...common })
          : tf.layers.conv2d({ filters: 1, kernelSize: l.kernel, padding: 'same', ...common });
      // No ReLU after conv2d here: the preview leaves activations out of the path.
      model.add(layer);
      // One channel in and out: TF.js's [kh, kw, ·, ·] kernel holds the ONNX [·, ·, kh, kw] one as is.
      const w = feeds[`W${i}`]!;
      const b = feeds[`B${i}`];
      const kernel = tf.tensor4d(w, [l.kernel[0], l.kernel[1], 1, 1]);
      layer.setWeights(b ? [kernel, tf.tensor1d(b)] : [kernel]);
    });
    const x = tf.tensor4d(feeds[INPUT_NAME]!, [1, ...inputShape] as [number, number, number, number]);
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

describe('TF.js up-sampling preview: ONNX chains against @tensorflow/tfjs', () => {
  for (const config of CONFIGS) {
    it(config.name, async () => {
      await tfReady();
      const chain = previewChain(config);
      // The path's real output size, as TF.js computes it.
      const out = chainOutSize(chain);
      for (const [input, weights] of [
        ['constant', 'ones'],
        ['noise', 'default'],
        ['image', 'ones'],
      ] as const) {
        const feeds: Record<string, Float32Array> = { [INPUT_NAME]: makeInput(input, chain.inChannels, chain.inSize, 7) };
        const drawn = chainWeights(chain, weights as WeightMode, 11, 'tfjs');
        for (const p of chainParameters(chain)) feeds[p.name] = drawn.get(p.name)!;
        const [ort, reference] = [await runOrt(chain, feeds), runTfjs(config, chain, feeds)];
        assert.equal(ort.length, out[0] * out[1], `${config.name}: ONNX output size`);
        assert.equal(reference.length, ort.length, `${config.name}: TF.js gives ${reference.length} values, the chain ${ort.length} (${out.join('×')})`);
        const diff = maxDiff(ort, reference);
        assert.ok(diff <= TOLERANCE, `${config.name} (${input} input, ${weights} weights): max |ONNX − TF.js| = ${diff}`);
      }
    });
  }
});
