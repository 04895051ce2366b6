// Receptive field and jump of TF.js stacks against the real TF.js: each stack is built by
// @tensorflow/tfjs with all-ones kernels, zero biases and no nonlinearity, and run on one-hot
// inputs (a batch with one per input position), so an output position depends on an input
// position exactly when that input's output is non-zero there. The rf is the widest span of
// input positions one interior output depends on; the jump is how far that span moves from one
// output to the next (averaged over 8 outputs, a whole period of every up-sampling used here).
// ConvLens reads the same stack from its source text.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyzeFile } from '../../server/src/engine/analyze';
import { tfReady } from './tfjsOracle';

/** Layers as TF.js source (1-D along the height: kernels are [k, 1], the width is 1). */
const STACKS: Record<string, string[]> = {
  'convolutions, strides, dilation, average pooling': [
    "tf.layers.conv2d({ filters: 2, kernelSize: [3, 1] })",
    "tf.layers.conv2d({ filters: 2, kernelSize: [3, 1], strides: [2, 1], padding: 'same' })",
    "tf.layers.conv2d({ filters: 2, kernelSize: [5, 1], dilationRate: [2, 1], padding: 'same' })",
    "tf.layers.averagePooling2d({ poolSize: [2, 1] })",
    "tf.layers.conv2d({ filters: 1, kernelSize: [3, 1] })",
  ],
  'depthwise and separable convolutions': [
    "tf.layers.conv2d({ filters: 2, kernelSize: [7, 1], strides: [2, 1], padding: 'same' })",
    "tf.layers.averagePooling2d({ poolSize: [3, 1], strides: [2, 1], padding: 'same' })",
    "tf.layers.depthwiseConv2d({ kernelSize: [3, 1], strides: [2, 1], padding: 'same' })",
    "tf.layers.separableConv2d({ filters: 1, kernelSize: [3, 1], dilationRate: [2, 1], padding: 'same' })",
  ],
  'a patchify convolution': [
    "tf.layers.conv2d({ filters: 2, kernelSize: [4, 1], strides: [4, 1] })",
    "tf.layers.conv2d({ filters: 1, kernelSize: [3, 1] })",
  ],
  'nearest up-sampling, then a convolution': [
    "tf.layers.upSampling2d({ size: [2, 1] })",
    "tf.layers.conv2d({ filters: 1, kernelSize: [3, 1], padding: 'same' })",
  ],
  'bilinear up-sampling, then a convolution': [
    "tf.layers.upSampling2d({ size: [2, 1], interpolation: 'bilinear' })",
    "tf.layers.conv2d({ filters: 1, kernelSize: [3, 1], padding: 'same' })",
  ],
  'an even transposed convolution': ["tf.layers.conv2dTranspose({ filters: 1, kernelSize: [4, 1], strides: [2, 1], padding: 'same' })"],
  'an uneven transposed convolution': ["tf.layers.conv2dTranspose({ filters: 1, kernelSize: [3, 1], strides: [2, 1], padding: 'same' })"],
  'down, up with a valid transposed convolution, and a convolution': [
    "tf.layers.conv2d({ filters: 2, kernelSize: [3, 1], strides: [2, 1] })",
    "tf.layers.conv2dTranspose({ filters: 2, kernelSize: [5, 1], strides: [2, 1] })",
    "tf.layers.conv2d({ filters: 1, kernelSize: [3, 1], padding: 'same' })",
  ],
  'zero padding, a strided valid convolution, a stride-1 pool': [
    "tf.layers.zeroPadding2d({ padding: [2, 0] })",
    "tf.layers.conv2d({ filters: 2, kernelSize: [5, 1], strides: [3, 1] })",
    "tf.layers.averagePooling2d({ poolSize: [2, 1], strides: [1, 1] })",
  ],
};

const HEIGHT = 256;

/** The layer expressions, the first with the input shape. */
function layerList(layers: string[]): string {
  const first = layers[0]!.replace('({ ', `({ inputShape: [${HEIGHT}, 1, 1], `);
  return [first, ...layers.slice(1)].join(',\n  ');
}

function source(layers: string[]): string {
  return `import * as tf from '@tensorflow/tfjs';\nexport const stack = tf.sequential({ layers: [\n  ${layerList(layers)},\n] });\n`;
}

/** The real stack: TF.js evaluates the same layer expressions. */
function buildReal(layers: string[]): tf.Sequential {
  const make = new Function('tf', `return tf.sequential({ layers: [${layerList(layers)}] });`) as (t: typeof tf) => tf.Sequential;
  const model = make(tf);
  for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => (w.rank === 1 ? tf.zerosLike(w) : tf.onesLike(w))));
  return model;
}

/** For each output position (along the height), the span of input positions it depends on. */
function supports(model: tf.Sequential): { from: number; to: number }[] {
  const response = tf.tidy(() => {
    const oneHot = tf.oneHot(tf.range(0, HEIGHT, 1, 'int32'), HEIGHT).reshape([HEIGHT, HEIGHT, 1, 1]);
    // [input position, output position]: summed over channels.
    return (model.predict(oneHot) as tf.Tensor4D).sum([2, 3]).arraySync() as number[][];
  });
  const outHeight = response[0]!.length;
  return Array.from({ length: outHeight }, (_, o) => {
    const hit = response.flatMap((row, i) => (row[o] !== 0 ? [i] : []));
    return { from: hit[0]!, to: hit[hit.length - 1]! };
  });
}

before(tfReady);

describe('receptive field and jump against the dependencies in the real TF.js stack', () => {
  for (const [name, layers] of Object.entries(STACKS)) {
    test(name, () => {
      const report = analyzeFile({ file: '/stack.ts', text: source(layers), readFile: () => null });
      const model = report.models[0];
      assert.ok(model, report.diagnostics.map((d) => d.message).join('\n'));
      const last = model.layers[model.layers.length - 1]!;
      const real = buildReal(layers);
      try {
        const outHeight = (real.outputs[0]!.shape[1] as number);
        assert.equal(last.out[0]![1], outHeight);
        const mid = Math.floor(outHeight / 2) - 4;
        const spans = supports(real).slice(mid, mid + 9);
        const rf = Math.max(...spans.map((s) => s.to - s.from + 1));
        const jump = (spans[8]!.from - spans[0]!.from) / 8;
        assert.equal(last.rf[0], rf, `rf: ConvLens ${last.rfExact[0]}, TF.js ${rf} (spans ${JSON.stringify(spans)})`);
        assert.equal(last.jump[0], jump, `jump: ConvLens ${last.jumpExact[0]}, TF.js ${jump}`);
      } finally {
        real.dispose();
      }
    });
  }
});
