// The first picture of the preview does not wait for the runtime. In Debian's headless Chromium,
// on the built dist/webview scripts, with the harness server holding back the runtime script
// (preview-runtime.js) and onnxruntime-web's files forever:
//  - a page opened as the panel opens it (the layer in its HTML) paints the layer's overlap map
//    with no message from the host, equal to onnxruntime-node's all-ones output (the oracle), says
//    `ready` with the request it rendered, and loads its controls;
//  - a page that gets its layer after `ready` (the side view) paints it too;
//  - a page rebuilt from HTML older than what it showed last skips that stale layer;
// a first picture that waited for the runtime never comes, and these tests time out. Also: the
// first script imports neither the runtime nor ORT, and the host's replay rule on `ready`.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { resendOnReady } from '../../client/src/preview/resend';
import { chainModel } from '../../webview/src/onnx/chainGraph';
import { chainFeeds } from '../../webview/src/preview/compute';
import { planPreview } from '../../webview/src/preview/plan';
import type { HostMessage, PreviewTarget } from '../../webview/src/protocol/messages';
import { CONFIGS, prepare } from './configs';
import { DIST_WEBVIEW, openHarness, type Harness } from './harness';

/** Everything the runtime needs: its script and ORT's module, glue and binary. */
const RUNTIME_FILES = /^(preview-runtime\.js|ort[.-])/;
const ONES = { input: 'constant', weights: 'ones', seed: 0 } as const;

const target = (): PreviewTarget => prepare(CONFIGS.find((c) => c.name === 'ct k5 s2 p2 op1')!).target;

/** onnxruntime-node's output for the layer alone, all-ones weights on a constant input. */
async function oracleCounts(t: PreviewTarget): Promise<{ data: Float32Array; size: [number, number] }> {
  const variant = planPreview(t, { inputSize: 'model' }).variants.find((v) => v.id === 'layer')!;
  const session = await InferenceSession.create(chainModel(variant.chain), { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  const tensors: Record<string, OrtTensor> = {};
  for (const [name, f] of Object.entries(chainFeeds(variant.chain, 'layer', ONES))) tensors[name] = new OrtTensor('float32', f.data, [...f.dims]);
  const out = await session.run(tensors);
  const data = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return { data, size: variant.outSize };
}

interface Painted {
  source?: string;
  state?: string;
  requestId?: string;
  size: number[];
  colours: number[];
  stale: boolean;
}

/** Waits for the layer's heatmap to be painted by the engine, and reads it back. */
function readOverlap(h: Harness): Promise<Painted> {
  return h.page.evaluate(async () => {
    const until = performance.now() + 30_000;
    let canvas = document.getElementById('heatmap-layer') as HTMLCanvasElement | null;
    while (!canvas?.dataset.engineFrameAt) {
      if (performance.now() > until) throw new Error('no overlap map');
      await new Promise((resolve) => setTimeout(resolve, 10));
      canvas = document.getElementById('heatmap-layer') as HTMLCanvasElement | null;
    }
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours: number[] = [];
    for (let i = 0; i < pixels.length; i += 4) colours.push((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!);
    const root = document.getElementById('convlens-preview')!;
    return { source: canvas.dataset.source, state: root.dataset.state, requestId: root.dataset.requestId, size: [canvas.height, canvas.width], colours, stale: canvas.dataset.stale !== undefined };
  });
}

/** Same colour ⇔ same count: the painted map has exactly the oracle's level sets. */
function assertLevelSets(painted: Painted, oracle: { data: Float32Array; size: [number, number] }): void {
  assert.deepEqual(painted.size, oracle.size);
  const colourOf = new Map<number, number>();
  const valueOf = new Map<number, number>();
  oracle.data.forEach((value, i) => {
    const colour = painted.colours[i]!;
    assert.equal(colourOf.get(value) ?? colour, colour, `pixel ${i}: count ${value} painted in two colours`);
    assert.equal(valueOf.get(colour) ?? value, value, `pixel ${i}: one colour for counts ${valueOf.get(colour)} and ${value}`);
    colourOf.set(value, colour);
    valueOf.set(colour, value);
  });
  assert.ok(colourOf.size >= 3, `${colourOf.size} distinct counts`);
}

const hostMessages = (h: Harness) => h.page.evaluate(() => (window as unknown as { __hostMessages: { type: string; [k: string]: unknown }[] }).__hostMessages);

describe('the first picture, with the runtime held back', () => {
  let oracle: { data: Float32Array; size: [number, number] };
  before(async () => {
    oracle = await oracleCounts(target());
  });

  describe('opened as the panel opens it (the layer in the HTML)', () => {
    let h: Harness;
    before(async () => {
      const initial: HostMessage[] = [{ type: 'options', backend: 'wasm' }, { type: 'show', requestId: 41, target: target() }];
      h = await openHarness({ webgpu: false, initial, hold: RUNTIME_FILES });
    });
    after(async () => h.close());

    it("paints the layer's overlap map without the runtime and without a message from the host", async () => {
      const painted = await readOverlap(h);
      assert.equal(painted.source, 'engine');
      assert.equal(painted.state, 'running');
      assert.equal(painted.requestId, '41');
      assert.equal(painted.stale, false);
      assertLevelSets(painted, oracle);
      // The runtime was asked for (after the picture) and never came; ORT never was.
      assert.ok(h.requested.includes('preview-runtime.js'), h.requested.join(', '));
      assert.ok(!h.requested.some((f) => f.startsWith('ort')), h.requested.join(', '));
    });

    it('says ready with the request it rendered, so the host does not send it again', async () => {
      const ready = (await hostMessages(h)).filter((m) => m.type === 'ready');
      assert.deepEqual(ready, [{ type: 'ready', shown: 41 }]);
    });

    it('loads its controls after the picture, whatever the runtime does', async () => {
      await h.page.waitForFunction(() => customElements.get('vscode-single-select') !== undefined, null, { timeout: 120_000 });
      const visible = await h.page.evaluate(() => getComputedStyle(document.getElementById('weights')!).visibility);
      assert.equal(visible, 'visible');
    });

    it('loads under its Content-Security-Policy without a violation', async () => {
      assert.deepEqual(await h.page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations), []);
    });
  });

  it('paints it the same when the layer comes after ready (the side view)', async () => {
    const h = await openHarness({ webgpu: false, showOnReady: { type: 'show', requestId: 5, target: target() }, hold: RUNTIME_FILES });
    try {
      const painted = await readOverlap(h);
      assert.equal(painted.source, 'engine');
      assert.equal(painted.state, 'running');
      assertLevelSets(painted, oracle);
      assert.deepEqual((await hostMessages(h)).filter((m) => m.type === 'ready'), [{ type: 'ready' }]);
    } finally {
      await h.close();
    }
  });

  it('a page rebuilt from older HTML than it last showed skips that layer and asks for the latest', async () => {
    const h = await openHarness({ webgpu: false, initial: [{ type: 'show', requestId: 3, target: target() }], savedState: { shown: 9 }, hold: RUNTIME_FILES });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const dom = await h.page.evaluate(() => ({ state: document.getElementById('convlens-preview')!.dataset.state, layer: document.getElementById('heatmap-layer') !== null }));
      assert.deepEqual(dom, { state: 'idle', layer: false });
      assert.deepEqual((await hostMessages(h)).filter((m) => m.type === 'ready'), [{ type: 'ready' }]);
    } finally {
      await h.close();
    }
  });
});

describe('what the first script holds', () => {
  it('neither the runtime (ONNX graphs, the ORT wrapper) nor onnxruntime-web nor the controls', () => {
    const first = readFileSync(join(DIST_WEBVIEW, 'preview.js'), 'utf8');
    const runtime = readFileSync(join(DIST_WEBVIEW, 'preview-runtime.js'), 'utf8');
    // Strings only the runtime script carries: ORT's import and the ONNX model's producer name.
    for (const marker of ['onnxruntime-web/webgpu', 'convlens-preview']) assert.ok(runtime.includes(marker), `the runtime script lacks ${marker}`);
    assert.ok(!first.includes('onnxruntime-web/webgpu'), 'the first script imports ORT');
    assert.ok(!/InferenceSession/.test(first), 'the first script holds ORT sessions');
    assert.ok(!first.includes('customElements.define'), 'the first script defines the controls');
  });
});

describe("the host's replay on ready", () => {
  const show = { type: 'show', requestId: 7, target: target() } as const;
  it('sends the latest show unless the page rendered that very request from its HTML', () => {
    assert.equal(resendOnReady(show, 7), false);
    assert.equal(resendOnReady(show, 6), true);
    assert.equal(resendOnReady(show, undefined), true);
    assert.equal(resendOnReady({ type: 'clear', message: 'x' }, 7), true);
    assert.equal(resendOnReady(null, undefined), false);
  });
});
