// The preview's ONNX chains against onnxruntime-node and the PyTorch-definition reference loops,
// over a few hundred seeded random configurations (every resize mode and coordinate rule, scales
// and sizes, transposed convolutions with padding, dilation and output_padding, pixel shuffles,
// convolutions with asymmetric 'same' padding, and chains of them). The browser suite checks the
// same graphs on WebGPU and wasm; this one covers many more arguments, fast.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { chainModel } from '../../webview/src/onnx/chainGraph';
import { chainFeeds } from '../../webview/src/preview/compute';
import { mulberry32 } from '../../webview/src/preview/random';
import { chainOutSize, chainSizes, type Chain, type Pair, type ResizeMode, type Step } from '../../webview/src/preview/steps';
import { referenceChain } from './reference';

const TOLERANCE = 1e-4;

function randomStep(r: () => number, inChannels: number, size: Pair, last: boolean): { step: Step; channels: number } {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const kind = int(0, 4);
  if (kind <= 1) {
    const kernel: Pair = [int(1, 7), int(1, 7)];
    const stride: Pair = [int(1, 4), int(1, 4)];
    const dilation: Pair = [int(1, 3), int(1, 3)];
    const padding = [0, 1].map((a) => int(0, Math.floor((dilation[a]! * (kernel[a]! - 1)) / 2))) as Pair;
    const outputPadding = [0, 1].map((a) => int(0, Math.max(stride[a]!, dilation[a]!) - 1)) as Pair;
    const outChannels = last ? 1 : int(1, 2);
    return {
      step: { op: 'convTranspose', inChannels, outChannels, kernel, stride, padding, dilation, outputPadding, bias: r() < 0.5, init: { kind: 'default', fanIn: int(1, 64) } },
      channels: outChannels,
    };
  }
  if (kind === 2) {
    const modes: ResizeMode[] = ['nearest', 'nearest-exact', 'bilinear', 'bicubic'];
    const mode = modes[int(0, 3)]!;
    const alignCorners = (mode === 'bilinear' || mode === 'bicubic') && r() < 0.5;
    const useScales = r() < 0.6;
    const scales: Pair = [[1.5, 2, 2.5, 3, 4][int(0, 4)]!, [1.5, 2, 3][int(0, 2)]!];
    const sizes: Pair = [size[0] + int(1, 2 * size[0]), size[1] + int(1, 2 * size[1])];
    return { step: { op: 'resize', mode, alignCorners, scales: useScales ? scales : null, sizes: useScales ? null : sizes }, channels: inChannels };
  }
  if (kind === 3) {
    const k: Pair = [int(1, 5), int(1, 5)];
    const total = [0, 1].map((a) => k[a]! - 1);
    const pads: [number, number, number, number] = [Math.floor(total[0]! / 2), Math.floor(total[1]! / 2), Math.ceil(total[0]! / 2), Math.ceil(total[1]! / 2)];
    const outChannels = last ? 1 : int(1, 2);
    return { step: { op: 'conv', inChannels, outChannels, kernel: k, pads, dilation: [1, 1], bias: r() < 0.5, init: { kind: 'default', fanIn: 9 } }, channels: outChannels };
  }
  // A pixel shuffle after a convolution that makes factor² channels.
  const f = int(2, 3);
  return {
    step: { op: 'conv', inChannels, outChannels: f * f, kernel: [3, 3], pads: [1, 1, 1, 1], dilation: [1, 1], bias: true, init: { kind: 'icnr', fanIn: 9, factor: f } },
    channels: -f,
  };
}

function randomChain(seed: number): Chain {
  const r = mulberry32(seed);
  const length = 1 + Math.floor(r() * 3);
  const inSize: Pair = [3 + Math.floor(r() * 5), 3 + Math.floor(r() * 5)];
  const steps: Step[] = [];
  let channels = 1;
  let size = inSize;
  for (let i = 0; i < length; i++) {
    const { step, channels: next } = randomStep(r, channels, size, i === length - 1);
    steps.push(step);
    if (next < 0) {
      steps.push({ op: 'depthToSpace', factor: -next });
      channels = 1;
    } else {
      channels = next;
    }
    size = chainOutSize({ steps, inChannels: 1, inSize });
  }
  // The preview shows one channel: end on one.
  if (channels !== 1) steps.push({ op: 'conv', inChannels: channels, outChannels: 1, kernel: [1, 1], pads: [0, 0, 0, 0], dilation: [1, 1], bias: false, init: { kind: 'default', fanIn: channels } });
  return { steps, inChannels: 1, inSize };
}

describe('preview chains: onnxruntime-node = PyTorch-definition reference loops', () => {
  it('300 seeded random chains agree within 1e-4, with default-init weights on noise and on an image', async () => {
    let checked = 0;
    let skipped = 0;
    const opsSeen = new Set<string>();
    for (let seed = 1; checked < 300; seed++) {
      const chain = randomChain(seed);
      const sizes = chainSizes(chain);
      if (sizes.some(([h, w]) => h < 1 || w < 1 || h * w > 120 * 120)) {
        skipped++;
        continue;
      }
      const session = await InferenceSession.create(chainModel(chain), { logSeverityLevel: 3, intraOpNumThreads: 1 });
      for (const input of ['noise', 'image'] as const) {
        const feeds = chainFeeds(chain, 'test', { input, weights: 'default', seed });
        const tensors: Record<string, OrtTensor> = {};
        for (const [name, f] of Object.entries(feeds)) tensors[name] = new OrtTensor('float32', f.data, [...f.dims]);
        const out = await session.run(tensors);
        const got = out[session.outputNames[0]!]!;
        const ref = referenceChain(chain, feeds);
        assert.deepEqual(got.dims.slice(2), [ref.h, ref.w], `seed ${seed}: output size`);
        const data = got.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - ref.data[i]!));
        assert.ok(worst <= TOLERANCE, `seed ${seed} (${JSON.stringify(chain.steps)}): ${worst}`);
      }
      await session.release();
      for (const s of chain.steps) {
        opsSeen.add(s.op === 'resize' ? `resize:${s.mode}:${s.alignCorners}:${s.scales ? 'scales' : 'sizes'}` : s.op);
        // output_padding ≥ stride (allowed by torch below the dilation) takes another graph.
        if (s.op === 'convTranspose' && s.outputPadding.some((op, a) => op >= s.stride[a]!)) opsSeen.add('convTranspose:wide-output-padding');
      }
      checked++;
    }
    // Every operator and every resize mode × coordinate rule × scales/sizes came up.
    for (const mode of ['nearest', 'nearest-exact', 'bilinear', 'bicubic']) {
      for (const ac of mode.startsWith('nearest') ? [false] : [false, true]) {
        for (const form of ['scales', 'sizes']) assert.ok(opsSeen.has(`resize:${mode}:${ac}:${form}`), `resize:${mode}:${ac}:${form} not drawn`);
      }
    }
    for (const op of ['convTranspose', 'convTranspose:wide-output-padding', 'conv', 'depthToSpace']) assert.ok(opsSeen.has(op), op);
    assert.ok(skipped < checked, `${skipped} chains skipped`);
  });
});
