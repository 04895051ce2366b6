// MACs of TF.js convolutions, counted by brute force: the real TF.js builds each layer and gives
// its output shape and weight tensors; a loop over every output position, channel and kernel tap
// counts the multiply-accumulates (a separable convolution: the depthwise step, then the 1×1
// pointwise step). The audit of issue 15 found that dropping the pointwise step survived.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { analyzeFile } from '../../server/src/engine/analyze';
import { tfReady } from './tfjsOracle';

interface Case {
  name: string;
  layer: string;
  input: [number, number, number];
}

const CASES: Case[] = [
  { name: 'separable, same padding, stride 2, depth multiplier 2', layer: "tf.layers.separableConv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same', depthMultiplier: 2 })", input: [15, 12, 3] },
  { name: 'separable, valid padding, rectangular kernel, no bias', layer: 'tf.layers.separableConv2d({ filters: 5, kernelSize: [3, 5], useBias: false })', input: [11, 13, 4] },
  { name: 'depthwise, valid padding', layer: 'tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 3 })', input: [9, 10, 2] },
  { name: 'plain convolution, same padding, stride 2', layer: "tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same' })", input: [13, 9, 3] },
];

function source(c: Case): string {
  const layer = c.layer.replace('({ ', `({ inputShape: [${c.input.join(', ')}], `);
  return `import * as tf from '@tensorflow/tfjs';\nexport const net = tf.sequential({ layers: [\n  ${layer},\n] });\n`;
}

/** Multiply-accumulates of one convolution layer, one at a time. */
function bruteForceMacs(c: Case, layer: tf.layers.Layer, out: number[]): number {
  // The first weight is the (depthwise) kernel: [kh, kw, in, multiplier or filters]. TF.js's
  // getConfig() leaves depthMultiplier out for SeparableConv2D.
  const [kh, kw, , multiplier] = layer.getWeights()[0]!.shape as [number, number, number, number];
  const cin = c.input[2];
  const [oh, ow, cout] = out as [number, number, number];
  const cls = layer.getClassName();
  let macs = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      if (cls === 'Conv2D') {
        for (let f = 0; f < cout; f++) for (let ch = 0; ch < cin; ch++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) macs++;
        continue;
      }
      const mid = cin * multiplier;
      for (let m = 0; m < mid; m++) for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) macs++;
      if (cls === 'SeparableConv2D') for (let f = 0; f < cout; f++) for (let m = 0; m < mid; m++) macs++;
    }
  }
  return macs;
}

before(tfReady);

describe('TF.js convolution MACs and params against a brute-force count on the real layer', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const report = analyzeFile({ file: '/net.ts', text: source(c), readFile: () => null });
      const model = report.models[0];
      assert.ok(model, report.diagnostics.map((d) => d.message).join('\n'));
      const ours = model.layers[model.layers.length - 1]!;
      const real = tf.sequential({ layers: [(new Function('tf', `return ${c.layer.replace('({ ', `({ inputShape: [${c.input.join(', ')}], `)};`) as (t: typeof tf) => tf.layers.Layer)(tf)] });
      try {
        const layer = real.layers[0]!;
        // Running the model once makes every layer create its weights.
        tf.tidy(() => real.predict(tf.zeros([1, ...c.input])));
        const out = (real.outputs[0]!.shape as number[]).slice(1);
        assert.deepEqual(ours.out[0]!.slice(1), out);
        // The sizes of the weight tensors TF.js made (its countParams() says 0 for SeparableConv2D).
        assert.equal(ours.params, layer.getWeights().reduce((n, w) => n + w.size, 0));
        assert.equal(ours.macs, bruteForceMacs(c, layer, out));
      } finally {
        real.dispose();
      }
    });
  }
});
