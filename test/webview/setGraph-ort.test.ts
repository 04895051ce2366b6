// One graph per preview (webview/src/onnx/setGraph.ts): every variant of a cursor position as an
// output of one graph, run once. Each output must be what that variant computes on its own:
// onnxruntime-node on the variant's own graph, and the PyTorch-definition reference loops. And the
// layer's overlap map painted before the runtime (webview/src/preview/overlapMap.ts) must be
// onnxruntime-node's all-ones output exactly, and the engine's pattern in the interior.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { overlapPattern } from '../../server/src/engine/geometry';
import { chainModel } from '../../webview/src/onnx/chainGraph';
import { setModel, setOutputName } from '../../webview/src/onnx/setGraph';
import { chainFeeds, setFeeds } from '../../webview/src/preview/compute';
import { agreesWithPattern, axisTaps, layerOverlapMap } from '../../webview/src/preview/overlapMap';
import { planPreview, type VariantPlan } from '../../webview/src/preview/plan';
import type { PreviewLayer, PreviewTarget } from '../../webview/src/protocol/messages';
import type { Feed } from '../../webview/src/runtime/ortRuntime';
import { CONFIGS, prepare } from './configs';
import { referenceChain } from './reference';

const TOLERANCE = 1e-4;
const FLOAT = { input: 'noise', weights: 'default', seed: 11 } as const;
const ONES = { input: 'constant', weights: 'ones', seed: 0 } as const;

async function runNode(model: Uint8Array, feeds: Record<string, Feed>): Promise<Map<string, Float32Array>> {
  const session = await InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  const tensors: Record<string, OrtTensor> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new OrtTensor('float32', f.data, [...f.dims]);
  const out = await session.run(tensors);
  const result = new Map(session.outputNames.map((name) => [name, out[name]!.data as Float32Array]));
  await session.release();
  return result;
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  assert.equal(a.length, b.length, 'lengths differ');
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
};

const KNOWN_NEAREST_SCALE_MISMATCH = ['F.interpolate bilinear size (34, 40) align_corners/nearest-conv', 'F.interpolate bicubic size (34, 27) align_corners/nearest-conv'];

const PLANS: { name: string; variants: VariantPlan[] }[] = CONFIGS.map((c) => ({ name: c.name, variants: planPreview(prepare(c).target, { inputSize: 'model' }).variants }));

describe('the preview graph: all variants in one run', () => {
  it('every output equals its variant run alone on onnxruntime-node and the reference loops (every configuration)', async () => {
    let outputs = 0;
    const disagreeing: string[] = [];
    for (const { name, variants } of PLANS) {
      const chains = variants.map((v) => v.chain);
      const feeds = setFeeds(variants, FLOAT);
      const set = await runNode(setModel(chains), feeds);
      assert.equal(set.size, variants.length, `${name}: one output per variant`);
      for (const [index, variant] of variants.entries()) {
        const label = `${name}/${variant.id}`;
        const got = set.get(setOutputName(index));
        assert.ok(got, `${label}: no output`);
        assert.equal(got.length, variant.outSize[0] * variant.outSize[1], `${label}: output size`);
        // The variant's own feeds, as it would get them alone.
        const own = chainFeeds(variant.chain, variant.id, FLOAT);
        const alone = (await runNode(chainModel(variant.chain), own)).values().next().value!;
        const reference = referenceChain(variant.chain, own).data;
        assert.ok(maxAbsDiff(got, alone) <= 1e-6, `${label}: ${maxAbsDiff(got, alone)} from its own graph`);
        if (maxAbsDiff(got, reference) > TOLERANCE) disagreeing.push(label);
        outputs++;
      }
    }
    assert.ok(outputs >= 60, `${outputs} outputs checked`);
    // Known, and not the set graph's doing (its output equals the variant's own graph): the
    // nearest + conv alternative at a non-integer scale (34/12) floors o·in/out where PyTorch's
    // definition lands exactly on an integer, and float rounding takes the pixel below.
    assert.deepEqual(disagreeing, KNOWN_NEAREST_SCALE_MISMATCH);
  });

  it('variants with inputs of the same size share one input; the rest keep their own weights', () => {
    const k3 = PLANS.find((p) => p.name === 'ct k3 s2 p1 op1')!.variants;
    assert.deepEqual(k3.map((v) => v.id), ['layer', 'nearest-conv', 'bilinear-conv', 'shuffle-icnr']);
    const feeds = setFeeds(k3, FLOAT);
    const inputs = Object.keys(feeds).filter((n) => n.startsWith('X_'));
    assert.deepEqual(inputs, ['X_1x1x7x8']);
    // Weights differ between variants (drawn per variant id): a mix-up would show.
    assert.notDeepEqual(feeds.v1_W1!.data, feeds.v2_W1!.data);
  });
});

describe('the overlap map before the runtime', () => {
  const transposed = CONFIGS.map(prepare).filter((p) => p.config.variant === 'layer' && p.layer.overlap);

  it('equals onnxruntime-node with all-ones weights on a constant input, exactly, for every transposed convolution', async () => {
    assert.ok(transposed.length >= 20, `${transposed.length} configurations`);
    for (const p of transposed) {
      const variant = planPreview(p.target, { inputSize: 'model' }).variants.find((v) => v.id === 'layer')!;
      const map = layerOverlapMap(variant, p.target.layer);
      assert.ok(map, `${p.config.name}: no overlap map`);
      const oracle = (await runNode(chainModel(variant.chain), chainFeeds(variant.chain, 'layer', ONES))).values().next().value!;
      assert.deepEqual(map.size, variant.outSize);
      assert.deepEqual(Array.from(map.data), Array.from(oracle), `${p.config.name}: the map differs from onnxruntime-node's all-ones output`);
      // Not vacuous: the engine calls some of them uneven, and their maps have several values.
      if (p.engineUneven) assert.ok(new Set(map.data).size > 1, `${p.config.name}: uneven but constant`);
    }
    assert.ok(transposed.some((p) => p.engineUneven) && transposed.some((p) => !p.engineUneven));
  });

  it("is the engine's pattern in the interior, at the bench's size (128² → 256²) too", async () => {
    const layer: PreviewLayer = {
      path: 'up', op: 'ConvTranspose2d', args: '64→32, k=3, s=2, p=1, op=1', in: [[1, 64, 128, 128]], out: [[1, 32, 256, 256]],
      kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], overlap: [overlapPattern(3, 2, 1, 1), overlapPattern(3, 2, 1, 1)],
    };
    const target: PreviewTarget = { model: 'M()', layer, path: [layer], index: 0 };
    const variant = planPreview(target, { inputSize: 'model' }).variants[0]!;
    const map = layerOverlapMap(variant, layer)!;
    const oracle = (await runNode(chainModel(variant.chain), chainFeeds(variant.chain, 'layer', ONES))).values().next().value!;
    assert.deepEqual(Array.from(map.data), Array.from(oracle));
    // The engine's pattern per axis is [1, 2] (even outputs get one tap, odd ones two).
    assert.deepEqual(layer.overlap, [[1, 2], [1, 2]]);
    assert.equal(map.data[2 * 256 + 2], 1);
    assert.equal(map.data[3 * 256 + 3], 4);
    assert.equal(map.data[2 * 256 + 3], 2);
    // Row 0 and column 0 get one tap per axis; the last row and column (output_padding) too.
    assert.equal(map.data[0], 1);
    assert.equal(map.data[255 * 256 + 255], 1);
  });

  it('is not shown when the engine pattern disagrees with the counted taps, or the layer is not a transposed convolution', () => {
    const p = transposed.find((c) => c.config.name === 'ct k3 s2 p1 op1')!;
    const variant = planPreview(p.target, { inputSize: 'model' }).variants.find((v) => v.id === 'layer')!;
    assert.ok(layerOverlapMap(variant, p.target.layer));
    const wrong = { ...p.target.layer, overlap: [[1, 2], [2, 1]] };
    assert.equal(layerOverlapMap(variant, wrong), null);
    const bilinear = prepare(CONFIGS.find((c) => c.name === 'F.interpolate bilinear ×2')!);
    const v = planPreview(bilinear.target, { inputSize: 'model' }).variants[0]!;
    assert.equal(layerOverlapMap(v, bilinear.target.layer), null);
  });

  it('per axis: the counts at the border are partial, the interior follows the pattern', () => {
    // k3 s2 p1 on 4 inputs → 7 outputs: o = 2i + t − 1.
    const counts = axisTaps(4, 7, 3, 2, 1, 1);
    assert.deepEqual(Array.from(counts), [1, 2, 1, 2, 1, 2, 1]);
    assert.deepEqual(overlapPattern(3, 2, 1, 1), [1, 2]);
    const step = { op: 'convTranspose', inChannels: 1, outChannels: 1, kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outputPadding: [0, 0], bias: false, init: { kind: 'default', fanIn: 9 } } as const;
    assert.ok(agreesWithPattern(counts, [1, 2], { ...step, kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outputPadding: [0, 0] }, 0, 4));
    assert.ok(!agreesWithPattern(counts, [2, 1], { ...step, kernel: [3, 3], stride: [2, 2], padding: [1, 1], dilation: [1, 1], outputPadding: [0, 0] }, 0, 4));
  });
});
